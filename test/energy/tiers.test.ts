// The same month both ways (issue 21): October 2026 of the example sites invoiced from the raw readings and
// from the rollups, on SQLite and PostgreSQL. The month holds a meter swap (branch a1-01 on the 20th), a
// counter that wraps (K11's PDU A, a 2,000 kWh register, on the 17th), a three-hour outage (ams2 r02's PDU A
// across the month's end: estimated edges), the night the clocks go back (the 25th: a 25-hour day, 100 quarter hours)
// and readings every 5 minutes, 7 s after the minute, so every rollup edge is interpolated. Every draft of
// every entity must come out the same, trace included; then, with the raw readings of October removed, the
// automatic tier must read the rollups and give the same drafts again (what a recheck or a credit note of an
// old month computes).
import { join } from 'node:path';
import t from 'tap';
import { computeEntityDrafts } from '../../central/billing/drafts.js';
import { readInventory } from '../../central/config/inventory-load.js';
import { readTariffs } from '../../central/config/tariff-load.js';
import { RollupBuilder } from '../../central/lifecycle/builder.js';
import type { InventoryModel } from '../../central/model/types.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { onTier } from '../../scripts/benches/lifecycle-checks.js';
import { synthesize } from '../helpers/synthetic.js';
import { quietLog } from '../helpers/env.js';
import { OCT_AMS, OCT_SIN, POWER_W, SWAP_AT } from './example-data.js';
import { ingest, storeKinds, type SeriesToIngest } from './stores.js';

const ROOT = join(import.meta.dirname, '..', '..');
const H = 3_600_000;
const MIN = 60_000;
const { model } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
const tariffs = await readTariffs([join(ROOT, 'config', 'tariffs.example.yaml')], model);
const WRAPS = 'ams1-k11-pdu-a/total';
const OUTAGE = 'ams2-r02-pdu-a/total';
// Three hours across the month's end in Amsterdam (31 Oct 23:00Z): the closing boundary is estimated.
const OUTAGE_AT = Date.UTC(2026, 9, 31, 21, 30);

function tierSeries(m: InventoryModel): SeriesToIngest[] {
  return [...m.points.values()].map((p) => {
    const period = p.site === 'sin1' ? OCT_SIN : OCT_AMS;
    const data = synthesize({
      fromMs: period.fromMs - 24 * H + 7_000,
      toMs: period.toMs + 24 * H,
      stepMs: 5 * MIN,
      startKwh: p.id === WRAPS ? 1000 : 1000 + (p.id.length % 7) * 0.123,
      power: [{ fromMs: 0, powerW: POWER_W[p.id] ?? 100 }],
      ...(p.id === 'ams1-r101-a1-01/total'
        ? { restarts: [{ atMs: SWAP_AT + 7_000, gapMs: 10 * MIN, reason: 'swap' as const, startKwh: 0.5, serial: 'NEW' }] }
        : {}),
      ...(p.id === WRAPS ? { wrapKwh: 2000 } : {}),
      ...(p.id === OUTAGE ? { outages: [{ fromMs: OUTAGE_AT, toMs: OUTAGE_AT + 3 * H }] } : {}),
    });
    return { site: p.site, gateway: p.gateway, device: p.device, channel: p.channel, data };
  });
}

async function allDrafts(store: CentralStore) {
  const deps = { store, model, tariffs };
  const out = [];
  for (const entity of ['nl-bv', 'sin1']) {
    const r = await computeEntityDrafts(deps, entity, '2026-10');
    t.same(r.failures, [], `${entity}: no customer failed`);
    out.push(...r.drafts);
  }
  return out;
}

t.test('October invoiced from raw readings and from rollups gives the same drafts', async (t) => {
  const data = tierSeries(model);
  for (const kind of await storeKinds(t)) {
    t.test(kind.name, async (t) => {
      const store = await kind.open();
      t.teardown(() => store.close());
      await ingest(store, data);

      const raw = await allDrafts(onTier(store, 'raw'));
      t.ok(raw.length >= 5, `${raw.length} drafts`);
      const acme = raw.find((d) => d.customer === 'acme');
      t.ok(acme && Number(acme.total) > 1900, 'Acme is billed its month');
      const estimated = raw.reduce((n, d) => n + d.quality.estimatedBoundaries, 0);
      t.ok(estimated > 0, `the outage leaves estimated boundaries (${estimated})`);

      const builder = new RollupBuilder({
        store,
        timeZoneOf: (site) => model.sites.get(site)?.timeZone,
        clock: { now: () => Date.UTC(2026, 10, 5) },
        log: quietLog,
        intervalMin: 15,
      });
      const report = await builder.pass();
      t.equal(report.failed, 0, 'no series failed');
      t.ok(report.days > 0 && report.readings > 0, `rollups built: ${report.days} days over ${report.readings} readings`);

      const fromRollups = await allDrafts(onTier(store, 'rollups'));
      t.strictSame(fromRollups, raw, 'every draft, line and trace is the same from the rollups');
      const kwh = (ds: typeof raw) => ds.flatMap((d) => d.lines.map((l) => `${d.customer} ${l.key} ${l.quantity} ${l.amount}`));
      t.same(kwh(fromRollups), kwh(raw), 'quantities and amounts line by line');

      // October's raw readings age out; the automatic tier then answers from the rollups.
      let removal;
      do removal = await store.removeRawBefore(Date.UTC(2026, 10, 3));
      while (!removal.done);
      t.ok(removal.rawFromMs !== undefined && removal.rawFromMs >= OCT_AMS.toMs, 'raw readings before November are gone');
      const octRaw = await store.readings((await store.listSeries({ site: 'ams1' }))[0]!.id, OCT_AMS.fromMs, OCT_AMS.toMs);
      t.equal(octRaw.length, 0, 'no raw reading of October is left');
      t.strictSame(await allDrafts(store), raw, 'the automatic tier reads the rollups: the same drafts once raw has aged out');
    });
  }
});
