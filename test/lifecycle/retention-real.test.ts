// Retention on real stores (issue 21), SQLite and PostgreSQL, with the billing store of the same database:
// a month whose invoice run is partial, or complete but holding a held invoice, keeps every raw reading of
// it however old; once the run is complete and nothing is held, a pass removes exactly the readings before
// the cutoff (before rawFrom: PostgreSQL drops whole weeks, so rawFrom may lag the cutoff).
import t from 'tap';
import { lifecyclePass } from '../../central/lifecycle/pass.js';
import type { RetentionDeps } from '../../central/lifecycle/retention.js';
import { monthPeriod } from '../../common/local-time.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { draftOf } from '../../scripts/benches/invoice-drafts.js';
import { quietLog } from '../helpers/env.js';
import { synthesize } from '../helpers/synthetic.js';
import { ingest, type SeriesToIngest } from '../energy/stores.js';
import { builderOn, clockAt, GATEWAY, H, MIN, proofKinds, SITE, ZONE } from './proof-stores.js';

const DAY_MS = 24 * H;
const ENTITY = 'nl-bv';
const SEP = monthPeriod('2026-09', ZONE);
const OCT = monthPeriod('2026-10', ZONE);
const NOV = monthPeriod('2026-11', ZONE);
/** 60 days after October: its raw readings are far past the 35 days of raw retention. */
const NOW = OCT.toMs + 60 * DAY_MS;
const RAW_DAYS = 35;

/** Readings every 15 minutes (7 s past) from September until now. */
const series: SeriesToIngest[] = [0, 1, 2].map((i) => ({
  site: SITE,
  gateway: GATEWAY,
  device: `pdu-${i}`,
  channel: 'total',
  data: synthesize({
    fromMs: SEP.fromMs + 7_000,
    toMs: NOW - 2 * H,
    stepMs: 15 * MIN,
    startKwh: 40 + i,
    power: [{ fromMs: 0, powerW: 600 + 90 * i }],
  }),
}));

/** Per device: raw readings stored before and from an instant. */
async function counts(store: CentralStore, atMs: number): Promise<{ before: number; from: number }> {
  let before = 0;
  let from = 0;
  for (const s of await store.listSeries()) {
    before += (await store.readings(s.id, 0, atMs)).length;
    from += (await store.readings(s.id, atMs, 1e15)).length;
  }
  return { before, from };
}

const ingestedFrom = (atMs: number): number => series.reduce((n, s) => n + s.data.counters.filter((c) => c.ts >= atMs).length, 0);

t.test('retention waits for the invoices of a month on real stores', async (t) => {
  for (const kind of await proofKinds(t)) {
    t.test(kind.name, async (t) => {
      const started = performance.now();
      const db = kind.fresh();
      const clock = clockAt(NOW);
      const store = await db.open(clock.now);
      const billing = await db.billing(clock.now);
      t.teardown(async () => {
        await billing.close();
        await store.close();
      });
      const total = await ingest(store, series);
      const retention: RetentionDeps = {
        store,
        billing,
        entities: () => [{ id: ENTITY, zones: [ZONE], since: '2026-09' }],
        clock,
        settings: { rawDays: RAW_DAYS, rollupYears: 10 },
      };
      const pass = () =>
        lifecyclePass(
          { lock: billing, owner: 'central-a', builder: builderOn(store, clock), retention, log: quietLog },
          { retention: { batchRows: 5_000 } },
        );
      await billing.ensureRun(ENTITY, '2026-09', 'complete', NOW);
      const oct = await billing.ensureRun(ENTITY, '2026-10', 'partial', NOW);
      await billing.ensureRun(ENTITY, '2026-11', 'complete', NOW);

      // October's run is partial: September may go, nothing of October.
      const first = await pass();
      t.match(first.retention?.plan.raw, { reason: 'invoices', month: { entity: ENTITY, period: '2026-10' }, cutoffMs: OCT.fromMs });
      t.equal(first.rollups?.failed, 0);
      while (!(await pass()).retention!.rawDone);
      const afterPartial = await counts(store, OCT.fromMs);
      t.equal(afterPartial.from, ingestedFrom(OCT.fromMs), 'every reading of October kept');
      const rawFrom1 = (await store.lifecycleValue('raw_from_ms'))!;
      if (kind.name === 'sqlite') t.equal(rawFrom1, OCT.fromMs, 'SQLite: raw complete exactly from October');
      else t.ok(rawFrom1 <= OCT.fromMs && rawFrom1 > OCT.fromMs - 7 * DAY_MS, 'PostgreSQL: raw complete from the week October starts in');
      t.same(await counts(store, rawFrom1), { before: 0, from: ingestedFrom(rawFrom1) }, 'exactly the readings before rawFrom removed');
      t.comment(`${total - ingestedFrom(rawFrom1)} readings of September removed, ${ingestedFrom(rawFrom1)} kept`);

      // Complete, but an invoice of October is held for review: still nothing of October goes.
      await billing.addDrafts(oct.id, [{ draft: draftOf('globex', '7.50', ENTITY, '2026-10'), review: ['measured share under 99%'] }], NOW);
      await billing.setRunState(oct.id, 'complete', NOW);
      const held = await pass();
      t.match(
        held.retention,
        { rawRemoved: 0, plan: { raw: { reason: 'invoices', month: { period: '2026-10' } } } },
        'a held invoice holds its month',
      );
      t.same(await counts(store, OCT.fromMs), afterPartial, 'nothing of October removed');

      // Nothing held any more: the cutoff is the age, and exactly the readings before it (or before the
      // week rawFrom says, on PostgreSQL) go.
      const [inv] = await billing.invoices({ status: 'held' });
      await billing.replaceDraft(inv!.id, { draft: draftOf('globex', '7.60', ENTITY, '2026-10'), review: [] });
      t.same(await billing.invoices({ status: 'held' }), [], 'no invoice held');
      const last = await pass();
      t.match(last.retention?.plan.raw, { reason: 'age', cutoffMs: NOW - RAW_DAYS * DAY_MS });
      while (!(await pass()).retention!.rawDone);
      const rawFrom = (await store.lifecycleValue('raw_from_ms'))!;
      const cutoff = NOW - RAW_DAYS * DAY_MS;
      if (kind.name === 'sqlite') t.equal(rawFrom, cutoff, 'SQLite: raw complete exactly from the cutoff');
      else t.ok(rawFrom <= cutoff && rawFrom > cutoff - 7 * DAY_MS, 'PostgreSQL: raw complete from the week of the cutoff');
      t.same(await counts(store, rawFrom), { before: 0, from: ingestedFrom(rawFrom) }, 'exactly the readings before rawFrom removed');
      t.ok(ingestedFrom(rawFrom) < ingestedFrom(NOV.fromMs), 'October and most of November removed now');
      t.comment(`${kind.name}: ${total} readings, ${total - ingestedFrom(rawFrom)} removed, ${Math.round(performance.now() - started)} ms`);
    });
  }
});
