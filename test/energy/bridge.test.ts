// The bridge from storage to the energy core, on real stores: readings and counter_epoch events ingested
// through store.store as gateways send them, then energy computed through StoreSources. It must equal the
// core's result on an in-memory source holding the same data, trace and quality included, for a swap, a
// reset, a rollover, a gap across the month boundary, suspect readings at a boundary, a change of holder.
import t from 'tap';
import { heldEnergyOverCuts, peakDemand, type HeldPoint } from '../../central/energy/group.js';
import { memorySeries } from '../helpers/memory-source.js';
import { StoreSources, type PointSeriesRef } from '../../central/energy/store-source.js';
import { synthesize, type SyntheticSeries, type SyntheticSpec } from '../helpers/synthetic.js';
import { DEFAULT_ENERGY_OPTIONS } from '../../central/energy/types.js';
import { monthPeriod } from '../../common/local-time.js';
import { ingest, storeKinds, type SeriesToIngest } from './stores.js';

const MIN = 60_000;
const H = 60 * MIN;
const OCT = monthPeriod('2026-10', 'Europe/Amsterdam');
const SITE = 'ams1';
const GW = 'ams1-gw1';
const base = { fromMs: OCT.fromMs - 6 * H, toMs: OCT.toMs + 6 * H, stepMs: 5 * MIN };

interface Case {
  id: string;
  device: string;
  spec: SyntheticSpec;
  suspect?: Map<number, number>;
  held?: { fromMs: number; toMs?: number }[];
}

const swapAt = Date.UTC(2026, 9, 15, 10);
const holderChange = Date.UTC(2026, 9, 14, 22, 2, 30); // between two readings: interpolated
const CASES: Case[] = [
  {
    id: 'swap',
    device: 'pdu-r12-a',
    spec: {
      ...base,
      startKwh: 304.6,
      power: [{ fromMs: 0, powerW: 2000 }],
      restarts: [{ atMs: swapAt, gapMs: 15 * MIN, reason: 'swap', startKwh: 12.4, serial: 'NEW-2' }],
      serial: 'OLD-1',
    },
  },
  {
    id: 'reset',
    device: 'busbar-a1',
    spec: {
      ...base,
      startKwh: 81_234.5,
      power: [
        { fromMs: 0, powerW: 3000 },
        { fromMs: Date.UTC(2026, 9, 10), powerW: 4500 },
      ],
      restarts: [{ atMs: Date.UTC(2026, 9, 20), gapMs: 2 * MIN, reason: 'reset', startKwh: 0 }],
    },
  },
  {
    id: 'rollover',
    device: 'pdu-k11-a',
    spec: { ...base, startKwh: 4294967.296 - 700, wrapKwh: 4294967.296, power: [{ fromMs: 0, powerW: 1500 }] },
  },
  // Gateway down from 22:40 on 31 Oct to 03:10 on 1 Nov, local: the month's end is estimated.
  {
    id: 'gap',
    device: 'pdu-c7-a',
    spec: {
      ...base,
      startKwh: 50,
      power: [
        { fromMs: 0, powerW: 800 },
        { fromMs: OCT.toMs - 3 * H, powerW: 1800 },
      ],
      outages: [{ fromMs: OCT.toMs - 80 * MIN, toMs: OCT.toMs + 250 * MIN }],
    },
  },
  // The readings at and after the month's start are doubted by the gateway: stepped over.
  {
    id: 'suspect',
    device: 'pdu-r14-a',
    spec: { ...base, startKwh: 10, power: [{ fromMs: 0, powerW: 1200 }] },
    suspect: new Map([
      [OCT.fromMs, 9e9],
      [OCT.fromMs + 5 * MIN, 0],
      [OCT.fromMs + 10 * MIN, 1e7],
    ]),
  },
  // Held only from a contract change in the middle of the month.
  {
    id: 'holder',
    device: 'pdu-k02-b',
    spec: { ...base, startKwh: 77, power: [{ fromMs: 0, powerW: 950 }] },
    held: [{ fromMs: holderChange }],
  },
];

const ref = (c: Case): PointSeriesRef => ({ pointId: c.id, site: SITE, gateway: GW, device: c.device, channel: 'total' });
/** What storage gives back: counters without serials (readings carry none), suspect values as stored. */
function memoryOf(c: Case, data: SyntheticSeries) {
  const counters = data.counters.map((r) => {
    const bad = c.suspect?.get(r.ts);
    return bad === undefined ? { ts: r.ts, valueKwh: r.valueKwh } : { ts: r.ts, valueKwh: bad, suspect: true };
  });
  return memorySeries({ seriesId: `${SITE}/${GW}/${c.device}/total/energy_import_kwh`, counters, power: data.power, events: data.events });
}

t.test('bridged energy equals the in-memory core on SQLite and PostgreSQL', async (t) => {
  const data = new Map(CASES.map((c) => [c.id, synthesize(c.spec)]));
  const cuts = [OCT.fromMs, holderChange, swapAt + 5 * MIN, Date.UTC(2026, 9, 20, 0, 1), OCT.toMs];
  const heldOf = (c: Case) => c.held ?? [{ fromMs: 0 }];
  const memPoints: HeldPoint[] = CASES.map((c) => ({ pointId: c.id, series: memoryOf(c, data.get(c.id)!), held: heldOf(c) }));
  const want = heldEnergyOverCuts(memPoints, cuts);
  const wantPeak = peakDemand(
    memPoints.filter((p) => p.pointId === 'gap'),
    OCT.toMs - 4 * H,
    OCT.toMs,
  );
  // The scenarios show what they claim: an estimated end, stepped-over suspects, the events used.
  const byId = (iv: (typeof want)[number], id: string) => iv.points.find((p) => p.pointId === id);
  t.equal(byId(want[want.length - 1]!, 'gap')?.pieces[0]?.end.method, 'estimated_rate', 'the gap makes the month end an estimate');
  t.equal(byId(want[0]!, 'suspect')?.pieces[0]?.start.method, 'interpolated', 'suspect readings stepped over');
  t.same(
    [
      ...new Set(want.flatMap((iv) => iv.points.flatMap((p) => p.pieces.flatMap((s) => s.events.map((e) => `${p.pointId}:${e.reason}`))))),
    ].sort(),
    ['reset:reset', 'rollover:rollover', 'swap:swap'],
    'the epoch events are used (the swap by the two intervals its gap spans)',
  );
  t.notOk(byId(want[0]!, 'holder'), 'not held before the change');

  for (const kind of await storeKinds(t)) {
    t.test(kind.name, async (t) => {
      const store = await kind.open();
      t.teardown(() => store.close());
      const list: SeriesToIngest[] = CASES.map((c) => ({
        site: SITE,
        gateway: GW,
        device: c.device,
        channel: 'total',
        data: data.get(c.id)!,
        ...(c.suspect ? { suspect: c.suspect } : {}),
      }));
      const stored = await ingest(store, list);
      t.equal(
        stored,
        CASES.reduce((s, c) => s + data.get(c.id)!.counters.length + data.get(c.id)!.events.length, 0),
        'every reading and event stored',
      );

      const missing: PointSeriesRef = { pointId: 'never-read', site: SITE, gateway: GW, device: 'pdu-new', channel: 'total' };
      const sources = await StoreSources.open({ store, batchSize: 7 }, [...CASES.map(ref), missing]);
      await sources.loadEvents(OCT.fromMs - DEFAULT_ENERGY_OPTIONS.estimateWindowMs);
      await sources.prefetch(CASES.map((c) => ({ pointId: c.id, instantsMs: cuts })));
      const points: HeldPoint[] = CASES.map((c) => ({ pointId: c.id, series: sources.get(c.id), held: heldOf(c) }));
      const results = await sources.settle(['energy', 'peak', 'missing'] as const, (what) =>
        what === 'energy'
          ? heldEnergyOverCuts(points, cuts)
          : what === 'peak'
            ? peakDemand(
                points.filter((p) => p.pointId === 'gap'),
                OCT.toMs - 4 * H,
                OCT.toMs,
              )
            : heldEnergyOverCuts(
                [{ pointId: 'never-read', series: sources.get('never-read'), held: [{ fromMs: 0 }] }],
                [OCT.fromMs, OCT.toMs],
              ),
      );
      t.same(results.get('energy'), { value: want }, 'every interval, point, piece, boundary trace and event as on the in-memory source');
      t.same(results.get('peak'), { value: wantPeak }, 'peak demand across the gap as on the in-memory source');
      const none = results.get('missing') as { value: ReturnType<typeof heldEnergyOverCuts> };
      t.same(
        none.value[0]!.points[0]!.pieces[0]!.anomalies,
        [{ kind: 'no_readings', fromMs: OCT.fromMs, toMs: OCT.toMs }],
        'a point never read: no readings, flagged',
      );
      t.ok(
        sources.stats.passes >= 2,
        `lookups beyond the prefetch fetched in later passes (${sources.stats.passes} passes, ${sources.stats.misses} misses)`,
      );
      t.ok(sources.stats.boundaryCalls > sources.stats.boundaryQueries / 7 - 1, 'fetched in batches of the given size');
      t.equal(sources.stats.eventQueries, 1, 'the events of the gateway in one query');
      t.comment(`${kind.name}: ${JSON.stringify(sources.stats)}`);
    });
  }
});
