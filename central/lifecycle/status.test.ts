import { pino } from 'pino';
import t from 'tap';
import { FakeLifecycleStore } from '../../test/helpers/lifecycle-fake.js';
import { parsePrometheusText } from '../../test/helpers/prom-text.js';
import { CentralConfig } from '../config/central-schema.js';
import { createCentralMetrics } from '../metrics/registry.js';
import type { ModelSource } from '../model/holder.js';
import type { CentralStore } from '../storage/readings/types.js';
import { storageCommand } from './cli.js';
import { composeLifecycle } from './compose.js';
import { DAY_MS } from './retention-cutoff.js';
import { cachedStatus, formatStatus } from './status.js';

const NOW = Date.UTC(2026, 4, 20, 12);
const AMS = 'Europe/Amsterdam';
const log = pino({ level: 'silent' });

function world() {
  const store = new FakeLifecycleStore();
  const id = store.addSeries('ams1', 'gw1', 'pdu1', 'o1');
  const rs = [];
  for (let ts = NOW - 60 * DAY_MS; ts < NOW; ts += 3_600_000) rs.push({ ts, kwh: ts / 3.6e9, w: 500 });
  store.addReadings(id, rs);
  const models = { current: () => ({ model: { sites: new Map([['ams1', { timeZone: AMS }]]) } }) } as unknown as ModelSource;
  const config = CentralConfig.parse({ lifecycle: { intervalMin: 60, historyDays: 365 } });
  const lifecycle = composeLifecycle({
    config,
    store: store as unknown as CentralStore,
    models,
    clock: { now: () => NOW },
    log,
  });
  return { store, lifecycle };
}

t.test('status before and after the passes', async (t) => {
  const { lifecycle } = world();
  const before = await lifecycle.status();
  t.match(before, {
    seriesWithData: 1,
    unrolledSeries: 1,
    dirtySeries: 0,
    rollupLagMs: undefined,
    next: { heldBy: 'rollups', rawRemovable: 0 },
  });
  t.match(formatStatus(before), /raw complete from {4}the start/);
  await lifecycle.pass({ parts: 'rollups' });
  const after = await lifecycle.status();
  t.match(after, { unrolledSeries: 0, next: { heldBy: 'age', rawCutoffMs: NOW - 35 * DAY_MS, rawRemovable: 25 * 24 } });
  t.equal(after.rollupLagMs, 3_600_000, 'rolled to the last full hour');
  t.equal(after.rawBytesPerReading, 40);
  t.match(formatStatus(after), /next retention pass {2}raw before 2026-04-15T12:00:00.000Z \(held by age\): 600 readings/);
});

t.test('the storage command: status, prune --dry-run, prune, rollup', async (t) => {
  const { store, lifecycle } = world();
  let out = '';
  let closed = 0;
  const cmd = storageCommand({
    open: async () => ({ lifecycle, close: async () => void closed++ }),
    write: (text) => (out += text),
  });
  cmd.exitOverride();
  const run = async (...args: string[]) => {
    out = '';
    await cmd.parseAsync(['node', 'storage', ...args, '-c', 'central.yaml']);
    return out;
  };
  t.match(await run('rollup'), /^rolled up 1 series: 61 days covering 1440 readings/);
  t.match(JSON.parse(await run('status', '--json')), { next: { rawRemovable: 600 } });
  t.match(await run('prune', '--dry-run'), /^would remove 600 raw readings before 2026-04-15T12:00:00.000Z \(held by age\), 0 rollup days/);
  t.equal(await store.rawRemovable(NOW - 35 * DAY_MS), 600, 'a dry run removes nothing');
  t.match(JSON.parse(await run('prune', '--dry-run', '--json')), { dryRun: true, rawRemovable: 600 });
  t.match(await run('prune'), /^removed 600 raw readings before 2026-04-15T12:00:00.000Z/);
  t.equal(await store.rawRemovable(NOW - 35 * DAY_MS), 0);
  t.match(JSON.parse(await run('rollup', '--json')), { series: 0 });
  t.match(JSON.parse(await run('prune', '--json')), { rawRemoved: 0, rawDone: true });
  t.equal(closed, 7, 'every command closes what it opened');
});

t.test('the metrics read one status per scrape; the status is cached a few seconds', async (t) => {
  const { store, lifecycle } = world();
  await lifecycle.pass({ parts: 'rollups' });
  const rollupBytes = [...store.rows.values()].reduce((a, r) => a + r.body.length, 0);
  let reads = 0;
  let clockMs = 0;
  const status = cachedStatus(
    () => {
      reads++;
      return lifecycle.status();
    },
    5_000,
    () => clockMs,
  );
  const metrics = createCentralMetrics({
    central: { id: 'c1', version: 'test' },
    processMetrics: false,
    parts: { storage: { status } },
    pipeline: {
      counters: {
        snapshot: () => ({
          messagesIn: 0,
          messagesStored: 0,
          messagesAbandoned: 0,
          readingsStored: 0,
          otherItemsStored: 0,
          duplicates: 0,
          rejected: {} as never,
          storeCalls: 0,
          storeFailures: 0,
          storeLatency: { count: 0, sumMs: 0, maxMs: 0, buckets: [] },
        }),
      },
      pending: 0,
    },
    alerts: { counters: { forwarded: 0, published: 0, publishFailed: 0, webhookDelivered: 0, webhookFailed: 0, webhookDropped: 0 } },
  });
  const families = parsePrometheusText(await metrics.render());
  const samples = (name: string) => families.get(`joulebook_central_${name}`)!.samples.map((x) => [x.labels.tier, x.value]);
  t.same(samples('storage_bytes'), [
    ['raw', 1440 * 40],
    ['rollups', rollupBytes],
    ['other', 1000],
  ]);
  t.same(samples('storage_oldest_seconds'), [
    ['raw', (NOW - 60 * DAY_MS) / 1000],
    ['rollups', (await lifecycle.status()).figures.oldestRollupDayMs! / 1000],
  ]);
  t.same(samples('rollup_lag_seconds'), [[undefined, 3600]]);
  t.same(samples('retention_removable_readings'), [[undefined, 600]]);
  t.equal(reads, 1, 'one read for the four gauges within the cache time');
  clockMs += 6_000;
  await status();
  t.equal(reads, 2, 'read again once the copy is older than 5 s');
});
