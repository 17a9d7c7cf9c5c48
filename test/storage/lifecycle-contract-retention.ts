// The lifecycle contract, part two: retention (raw, rollups, history), storage figures and the read tiers.
import type { Test } from 'tap';
import { alert, alertsBatch, eventsBatch, gap, reading, readingsBatch, SITE, GW, T0 } from './readings-fixtures.js';
import { row, seriesOf, storeMinutes, type LifecycleTarget, type WithStore } from './lifecycle-contract.js';
import { encodeRollupBody } from '../../central/storage/rollups/codec.js';
import type { BoundaryTrace } from '../../central/energy/types.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import type { RollupDay } from '../../central/storage/rollups/types.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function assertCountsTrue(t: Test, store: CentralStore): Promise<void> {
  for (const s of await store.listSeries()) {
    const rs = await store.readings(s.id, 0, Number.MAX_SAFE_INTEGER);
    t.same([s.readingCount, s.firstTs, s.lastTs], [rs.length, rs[0]?.ts, rs.at(-1)?.ts], `series ${s.device}: count and first/last true`);
  }
}

/** A day of hourly edges made by hand: counter 100 + i at edge i, except edge 5 in a gap (no value). */
function handDay(seriesId: number, dayMs: number): RollupDay {
  const edges: BoundaryTrace[] = Array.from({ length: 25 }, (_, i) =>
    i === 5
      ? { atMs: dayMs + i * HOUR, method: 'in_gap', estimated: false }
      : {
          atMs: dayMs + i * HOUR,
          method: 'interpolated',
          estimated: false,
          valueKwh: 100 + i,
          before: { ts: dayMs + i * HOUR - 20_000, valueKwh: 100 + i - 0.01 },
          after: { ts: dayMs + i * HOUR + 40_000, valueKwh: 100 + i + 0.02 },
        },
  );
  const intervals = Array.from({ length: 24 }, () => ({ kWh: 1, meanW: 1000, minW: 900, maxW: 1100, readings: 60 }));
  return { seriesId, dayMs, intervalMin: 60, edges, intervals };
}

export function retentionContract(withStore: WithStore, target: LifecycleTarget): void {
  withStore(
    'removeRawBefore: bounded batches remove exactly ts < cutoff, counts stay true, ingest meanwhile loses nothing',
    async (t, store) => {
      await storeMinutes(store, 'm1', T0 - 2 * HOUR, 240);
      await storeMinutes(store, 'm2', T0 - 30 * MIN, 60);
      await storeMinutes(store, 'm3', T0 + HOUR, 10);
      await storeMinutes(store, 'm4', T0 - 3 * HOUR, 20); // wholly before the cutoff
      const cutoff = T0;
      const expected = 120 + 30 + 20;
      t.equal(await store.rawRemovable(cutoff), expected);
      let removed = 0;
      let calls = 0;
      let ingestTs = T0 + 10 * HOUR;
      for (;;) {
        const r = await store.removeRawBefore(cutoff, { batchRows: 7 });
        t.ok(r.removed <= 7, 'a batch stays bounded');
        removed += r.removed;
        calls++;
        // Ingest between batches: new readings, and a late one before the cutoff that a later batch takes.
        await store.store([readingsBatch(9000 + calls, [reading('m1', 'total', (ingestTs += MIN), { energy_import_kwh: 2000 })])]);
        if (calls === 3) await store.store([readingsBatch(8000, [reading('m2', 'total', T0 - 45 * MIN, { energy_import_kwh: 999 })])]);
        if (r.done) {
          t.equal(r.rawFromMs, cutoff);
          break;
        }
        // From the first batch on, raw before the cutoff is no longer whole: no day is rebuilt from it.
        t.equal(r.rawFromMs, cutoff, 'raw is complete only from the cutoff once a removal has begun');
      }
      t.equal(removed, expected + 1, 'every reading before the cutoff, the late one too');
      t.ok(calls >= Math.ceil(expected / 7));
      t.equal(await store.rawRemovable(cutoff), 0);
      t.equal(await store.lifecycleValue('raw_from_ms'), cutoff);
      const left = (await Promise.all((await store.listSeries()).map((s) => store.readings(s.id, 0, Number.MAX_SAFE_INTEGER)))).flat();
      t.ok(left.every((r) => r.ts >= cutoff));
      t.equal(left.length, 120 + 30 + 10 + calls, 'everything at or after the cutoff is there, and every reading stored meanwhile');
      await assertCountsTrue(t, store);
      const m4 = (await store.listSeries({ device: 'm4' }))[0]!;
      t.same([m4.readingCount, m4.firstTs, m4.lastTs], [0, undefined, undefined], 'an emptied series holds nothing');
      const again = await store.removeRawBefore(cutoff - DAY);
      t.same(again, { removed: 0, done: true, rawFromMs: cutoff }, 'an earlier cutoff keeps the later horizon');
    },
    target.pending?.rawRemoval,
  );

  withStore('removeRollupsBefore: days before the cutoff (whole UTC years on a partitioned store)', async (t, store) => {
    await storeMinutes(store, 'm1', T0, 2);
    const id = await seriesOf(store, 'm1');
    const y2024 = Date.UTC(2024, 5, 1);
    const y2026 = Date.UTC(2026, 2, 1);
    await store.writeRollups([row(id, y2024, 1), row(id, y2024 + DAY, 2), row(id, y2026, 3), row(id, y2026 + DAY, 4)], []);
    t.equal(await store.removeRollupsBefore(Date.UTC(2025, 0, 1)), 2);
    t.same(
      (await store.rollupTotals([id], 0, Date.UTC(2030, 0, 1))).map((r) => r.dayMs),
      [y2026, y2026 + DAY],
    );
    const inside = await store.removeRollupsBefore(y2026 + DAY);
    t.equal(inside, target.rollupRetention === 'days' ? 1 : 0, 'a cutoff inside a year');
    t.equal(await store.removeRollupsBefore(Date.UTC(2025, 0, 1)), 0, 'nothing twice');
    await store.writeRollups([row(id, y2024, 5)], []);
    t.equal((await store.rollupRows([id], y2024, y2024 + DAY)).length, 1, 'a year removed can be written again');
  });

  withStore('removeHistoryBefore: events and alert transitions before the cutoff, never an alert still raised', async (t, store) => {
    await store.store([
      eventsBatch(1, [gap(T0, 1, 2), gap(T0 + 10 * HOUR, 3, 4)]),
      alertsBatch(5, [
        alert('a1', 'raised', T0),
        alert('a2', 'raised', T0),
        alert('a2', 'cleared', T0 + 1000),
        alert('a3', 'raised', T0 + 9 * HOUR),
      ]),
    ]);
    t.equal(await store.removeHistoryBefore(T0 + HOUR), 1 + 2 + 1, 'one event, two history rows and one current row');
    t.same(
      (await store.events({ site: SITE, gateway: GW })).map((e) => e.event.ts),
      [T0 + 10 * HOUR],
    );
    t.same(
      (await store.activeAlerts()).map((a) => a.id),
      ['a1', 'a3'],
    );
    t.same(
      (await store.alertHistory()).map((a) => [a.id, a.state]),
      [
        ['a1', 'raised'],
        ['a3', 'raised'],
      ],
    );
  });

  withStore('storageFigures: sizes and rows of each tier once there is data', async (t, store) => {
    const empty = await store.storageFigures();
    t.match(empty, { rawRows: 0, rollupRows: 0, oldestRawMs: undefined, oldestRollupDayMs: undefined, rawFromMs: undefined });
    await storeMinutes(store, 'm1', T0, 300);
    const id = await seriesOf(store, 'm1');
    await store.writeRollups([row(id, T0 - DAY, 1, 2500), row(id, T0, 2, 2500)], []);
    await store.setLifecycleValue('raw_from_ms', T0 - 3 * DAY);
    const f = await store.storageFigures();
    t.match(f, { rawRows: 300, rollupRows: 2, oldestRawMs: T0, oldestRollupDayMs: T0 - DAY, rawFromMs: T0 - 3 * DAY });
    t.ok(f.rawBytes > 0 && f.rollupBytes > 0 && f.otherBytes > 0, JSON.stringify(f));
  });

  withStore('boundaries: the raw tier, the rollup tier at and between edges, auto by the raw horizon', async (t, store) => {
    await storeMinutes(store, 'm1', T0, 6 * 60);
    await storeMinutes(store, 'm1', T0 + 10 * DAY, 10);
    const id = await seriesOf(store, 'm1');
    const day = handDay(id, T0);
    await store.writeRollups(
      [{ seriesId: id, dayMs: T0, intervalMin: 60, energyKwh: 24, readings: 1440, body: encodeRollupBody(day) }],
      [],
    );
    const q = (atMs: number) => ({ seriesId: id, measurement: 'energy_import_kwh' as const, atMs });
    const raw = (atMs: number) => ({ ts: atMs, value: 1000 + (atMs - T0) / MIN / 1000, quality: 'good' as const });
    const edge2 = { ts: T0 + 2 * HOUR, value: 102, quality: 'good' as const };

    t.same(await store.boundaries([q(T0 + 2 * HOUR)], { tier: 'raw' }), [{ before: raw(T0 + 2 * HOUR), after: raw(T0 + 2 * HOUR) }]);
    const [atEdge, between, inGap, noRow] = await store.boundaries(
      [q(T0 + 2 * HOUR), q(T0 + 2 * HOUR + 30 * MIN), q(T0 + 5 * HOUR), q(T0 + 10 * DAY + 5 * MIN)],
      { tier: 'rollups' },
    );
    t.same(atEdge, { before: edge2, after: edge2, edge: day.edges[2] }, 'an edge: its value and its whole trace');
    t.same(between, { before: edge2, after: { ts: T0 + 3 * HOUR, value: 103, quality: 'good' } }, 'between edges: the edges around');
    t.same(inGap?.edge, day.edges[5]);
    t.same([inGap?.before, inGap?.after], [undefined, undefined], 'an edge without a value');
    const [midnight] = await store.boundaries([q(T0 + DAY)], { tier: 'rollups' });
    const edge24 = { ts: T0 + DAY, value: 124, quality: 'good' as const };
    t.same(midnight, { before: edge24, after: edge24, edge: day.edges[24] }, 'the midnight closing the newest day: its last edge');
    t.same(noRow, { before: raw(T0 + 10 * DAY + 5 * MIN), after: raw(T0 + 10 * DAY + 5 * MIN) }, 'no day row: raw');

    t.same(
      await store.boundaries([q(T0 + 2 * HOUR)]),
      [{ before: raw(T0 + 2 * HOUR), after: raw(T0 + 2 * HOUR) }],
      'auto, no retention yet: raw',
    );
    await store.setLifecycleValue('raw_from_ms', T0 - DAY);
    const [early, late] = await store.boundaries([q(T0 + 2 * HOUR), q(T0 + 10 * DAY + 5 * MIN)], { tier: 'auto' });
    t.same(early, { before: edge2, after: edge2, edge: day.edges[2] }, 'auto: rollups before raw_from + 7 days');
    t.same(late, { before: raw(T0 + 10 * DAY + 5 * MIN), after: raw(T0 + 10 * DAY + 5 * MIN) }, 'auto: raw after');
  });
}
