// History buckets from the rollups' day totals (issue 21) equal the energy core's, bucket for bucket, on
// SQLite and PostgreSQL: 40 Amsterdam days with daily cuts (the clocks go back on 25 October: a 25-hour
// day), a point with a three-hour outage (estimated edges), one held from the middle of a day for part of
// the span, one taken off (a minus point), the last days not rolled up, then a late change marking a
// series dirty. The core-only figures come from the same function with the day totals turned off.
import t, { type Test } from 'tap';
import { formatLocalDate, localMidnight, nextDay, parseLocalDate } from '../../common/local-time.js';
import { RollupBuilder } from '../../central/lifecycle/builder.js';
import type { PointInfo } from '../../central/model/types.js';
import { selectionsOverCuts } from '../../central/portal/data/energy.js';
import type { Selection } from '../../central/portal/core/targets.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { synthesize } from '../helpers/synthetic.js';
import { quietLog } from '../helpers/env.js';
import { ingest, storeKinds, type SeriesToIngest } from '../energy/stores.js';

const ZONE = 'Europe/Amsterdam';
const H = 3_600_000;
const MIN = 60_000;
const cuts: number[] = [];
for (let d = parseLocalDate('2026-10-05'); cuts.length < 41; d = nextDay(d)) cuts.push(localMidnight(formatLocalDate(d), ZONE));
const FROM = cuts[0]!;
const TO = cuts[cuts.length - 1]!;

const point = (device: string): PointInfo =>
  ({
    id: `${device}/total`,
    node: device,
    gateway: 'gw1',
    device,
    channel: 'total',
    site: 'hist',
    phase: 'L1',
    scope: 'whole',
    infrastructure: false,
  }) as PointInfo;
const A = point('pdu-a');
const B = point('pdu-b');
const C = point('sub-c');
const series = (p: PointInfo, powerW: number, outages: { fromMs: number; toMs: number }[] = []): SeriesToIngest => ({
  site: p.site,
  gateway: p.gateway,
  device: p.device,
  channel: p.channel,
  data: synthesize({
    fromMs: FROM - 24 * H + 7_000,
    toMs: TO + 24 * H,
    stepMs: 5 * MIN,
    startKwh: 1000.25,
    power: [{ fromMs: 0, powerW }],
    outages,
  }),
});
const B_FROM = cuts[15]! + 12 * H; // the middle of a day: that bucket goes to the core
const B_TO = cuts[27]!;
const selections: Selection[] = [
  { site: 'hist', target: { kind: 'site' } as Selection['target'], plus: [{ point: A, held: [{ fromMs: FROM }] }], minus: [] },
  {
    site: 'hist',
    target: { kind: 'site' } as Selection['target'],
    plus: [{ point: B, held: [{ fromMs: B_FROM, toMs: B_TO }] }],
    minus: [],
  },
  {
    site: 'hist',
    target: { kind: 'site' } as Selection['target'],
    plus: [
      { point: A, held: [{ fromMs: FROM }] },
      { point: B, held: [{ fromMs: B_FROM, toMs: B_TO }] },
    ],
    minus: [{ point: C, held: [{ fromMs: FROM }] }],
  },
];

/** The store with its boundary lookups counted: the day totals must spare most of them. */
function counted(store: CentralStore): { store: CentralStore; lookups: () => number } {
  let n = 0;
  const s = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'boundaries')
        return (qs: Parameters<CentralStore['boundaries']>[0], o: Parameters<CentralStore['boundaries']>[1]) => {
          n += qs.length;
          return target.boundaries(qs, o);
        };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: s, lookups: () => n };
}

async function bothWays(t: Test, store: CentralStore, what: string, spared: number) {
  const fast = counted(store);
  const t0 = performance.now();
  const viaTotals = await selectionsOverCuts(
    { store: fast.store, model: { sites: new Map([['hist', { timeZone: ZONE }]]) } },
    selections,
    cuts,
  );
  const totalsMs = performance.now() - t0;
  const core = counted(store);
  const t1 = performance.now();
  const viaCore = await selectionsOverCuts({ store: core.store, dayTotals: false }, selections, cuts);
  const coreMs = performance.now() - t1;
  t.equal(viaTotals.clippedToMs, viaCore.clippedToMs, `${what}: the same data end`);
  let worst = 0;
  viaCore.buckets.forEach((sel, s) => {
    t.equal(viaTotals.buckets[s]!.length, sel.length, `${what}: selection ${s} has ${sel.length} buckets both ways`);
    sel.forEach((b, i) => {
      const f = viaTotals.buckets[s]![i]!;
      t.same([f.fromMs, f.toMs], [b.fromMs, b.toMs]);
      const d = Math.max(Math.abs(f.kWh - b.kWh), Math.abs(f.estimatedKwh - b.estimatedKwh));
      if (d > 1e-9) t.comment(`${what}: selection ${s} bucket ${i}: ${f.kWh} ${f.estimatedKwh} against ${b.kWh} ${b.estimatedKwh}`);
      worst = Math.max(worst, d);
    });
  });
  t.ok(worst <= 1e-9, `${what}: every bucket within 1e-9 kWh of the core's (worst ${worst.toExponential(2)})`);
  t.ok(
    viaCore.buckets[0]!.some((b) => b.estimatedKwh > 0),
    `${what}: the outage leaves estimated energy`,
  );
  t.ok(fast.lookups() < core.lookups() * spared, `${what}: ${fast.lookups()} boundary lookups with day totals, ${core.lookups()} without`);
  t.comment(`${what}: day totals ${totalsMs.toFixed(1)} ms, core only ${coreMs.toFixed(1)} ms`);
}

t.test('history buckets from day totals equal the core, bucket for bucket', async (t) => {
  // One outage inside a day (its quarter hours estimated, the day measured), one across a midnight.
  const outages = [
    { fromMs: cuts[6]! + 10 * H + 20 * MIN, toMs: cuts[6]! + 13 * H + 20 * MIN },
    { fromMs: cuts[9]! - 2 * H, toMs: cuts[9]! + 2 * H },
  ];
  const data = [series(A, 1800, outages), series(B, 700), series(C, 250)];
  for (const kind of await storeKinds(t)) {
    t.test(kind.name, async (t) => {
      const store = await kind.open();
      t.teardown(() => store.close());
      await ingest(store, data);
      const builder = new RollupBuilder({
        store,
        timeZoneOf: (site) => (site === 'hist' ? ZONE : undefined),
        clock: { now: () => cuts[35]! + 6 * H },
        log: quietLog,
        intervalMin: 15,
      });
      const report = await builder.pass();
      t.equal(report.failed, 0, 'no series failed');
      const states = await store.rollupStates({ site: 'hist' });
      t.ok(
        states.every((s) => s.rolledToMs !== undefined && s.rolledToMs > FROM && s.rolledToMs < TO),
        'rolled up into the span, the last days not',
      );
      const totals = await store.rollupTotals([states[0]!.seriesId], FROM, TO);
      t.ok(totals.length > 20 && totals.every((r) => r.estimatedKwh !== undefined), `${totals.length} day rows with their estimate`);
      await bothWays(t, store, 'rolled up', 0.5);
      // A late change from the 20th day on: those days go back to the core until they are built again.
      await store.markDirty(states.map((s) => ({ seriesId: s.seriesId, fromMs: cuts[20]! + 5 * H })));
      await bothWays(t, store, 'dirty from day 20', 0.6);
    });
  }
});
