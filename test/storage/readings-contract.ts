// The readings storage contract: every CentralStore implementation runs this suite (sqlite.test.ts,
// postgres.test.ts). Each subtest gets a fresh, empty store from the target.
import type { Test } from 'tap';
import {
  alert,
  alertsBatch,
  epoch,
  eventsBatch,
  gap,
  GW,
  metaBatch,
  ODD_READINGS,
  reading,
  readingsBatch,
  SITE,
  statusBatch,
  T0,
} from './readings-fixtures.js';
import { readSideContract } from './readings-contract-read.js';
import type { CentralStore, IngestBatch } from '../../central/storage/readings/types.js';

export interface ContractTarget {
  /** A fresh, empty, migrated store of its own (file or schema); the suite closes it. */
  fresh(): Promise<CentralStore>;
  /** How many migrations the implementation knows. */
  migrations: number;
}

async function snapshot(store: CentralStore) {
  const series = await store.listSeries();
  return {
    series,
    readings: await Promise.all(series.map((s) => store.readings(s.id, 0, Number.MAX_SAFE_INTEGER))),
    events: await store.events({ site: SITE, gateway: GW }),
    alerts: await store.alertHistory(),
    active: await store.activeAlerts(),
    ranges: await store.sequenceRanges(SITE, GW),
    gateways: await store.gateways(),
    serials: await store.deviceSerials(SITE, GW),
  };
}

export function storeContract(t: Test, target: ContractTarget): void {
  const withStore = (name: string, fn: (t: Test, store: CentralStore) => Promise<void>) =>
    t.test(name, async (t) => {
      const store = await target.fresh();
      t.teardown(() => store.close());
      await fn(t, store);
    });

  withStore('idempotent: the same batches twice change nothing and count as duplicates', async (t, store) => {
    const batches: IngestBatch[] = [
      readingsBatch(1, [reading('m1', 'total', T0, { energy_import_kwh: 1, power_w: 100 }), reading('m1', 'l1', T0, { current_a: 2 })], {
        seqEnd: 2,
      }),
      eventsBatch(3, [gap(T0, 100, 120), epoch('m1', 'total', T0 + 10)]),
      alertsBatch(4, [alert('a1', 'raised', T0)]),
      statusBatch('online', T0, T0 + 5),
      metaBatch(T0, T0 + 5, [{ id: 'm1', kind: 'modbus', profile: 'eastron-sdm630', serial: 'S1' }]),
    ];
    const first = await store.store(batches);
    t.same(first, [
      { inserted: 2, duplicates: 0 },
      { inserted: 2, duplicates: 0 },
      { inserted: 1, duplicates: 0 },
      { inserted: 0, duplicates: 0 },
      { inserted: 0, duplicates: 0 },
    ]);
    const before = await snapshot(store);
    const again = await store.store(batches);
    t.same(
      again.map((r) => r.duplicates),
      [2, 2, 1, 0, 0],
      'every reading, event and alert is a duplicate the second time',
    );
    t.same(
      again.map((r) => r.inserted),
      [0, 0, 0, 0, 0],
    );
    t.same(await snapshot(store), before, 'rows unchanged');
    t.equal(before.series.find((s) => s.channel === 'total')?.readingCount, 1, 'series counts do not grow on a replay');
    // The same message twice in one call (a redelivery racing the original).
    const twice = await store.store([
      readingsBatch(5, [reading('m2', 'total', T0, { power_w: 5 })]),
      readingsBatch(5, [reading('m2', 'total', T0, { power_w: 5 })]),
    ]);
    t.same(
      twice,
      [
        { inserted: 1, duplicates: 0 },
        { inserted: 0, duplicates: 1 },
      ],
      'a duplicate inside one call is counted too',
    );
    t.same(await store.store([]), [], 'an empty call stores nothing');
  });

  withStore('readings round-trip exactly: missing measurements, flags, partial quality, extreme numbers', async (t, store) => {
    const res = await store.store([readingsBatch(1, ODD_READINGS.slice(0, 3)), readingsBatch(2, ODD_READINGS.slice(3))]);
    t.same(res, [
      { inserted: 3, duplicates: 0 },
      { inserted: 3, duplicates: 0 },
    ]);
    const s = await store.findSeries({ site: SITE, gateway: GW, device: 'm1', channel: 'total' });
    t.ok(s, 'series found by its key');
    t.match(s, { firstTs: T0, lastTs: T0 + 5000, readingCount: 6 });
    const back = await store.readings(s!.id, T0, T0 + 6000);
    t.strictSame(
      back,
      ODD_READINGS.map(({ ts, values, flags, quality }) => (flags ? { ts, values, flags, quality } : { ts, values, quality })),
    );
    t.same(
      (await store.readings(s!.id, T0 + 1000, T0 + 3000)).map((r) => r.ts),
      [T0 + 1000, T0 + 2000],
      '[from, to): to excluded',
    );
    t.same(
      (await store.readings(s!.id, T0, T0 + 6000, { limit: 2 })).map((r) => r.ts),
      [T0, T0 + 1000],
      'limit pages',
    );
    t.same(await store.readings(s!.id + 999, 0, Number.MAX_SAFE_INTEGER), [], 'unknown series: nothing');
    t.equal(await store.findSeries({ site: SITE, gateway: GW, device: 'm1', channel: 'l9' }), undefined);
  });

  withStore('sequence gaps: out-of-order arrival, replays filling holes, overlapping ranges', async (t, store) => {
    const r = (seq: number, seqEnd: number, gateway = GW) =>
      readingsBatch(seq, [reading('m1', 'total', T0 + seq, { energy_import_kwh: seq })], { seqEnd, gateway });
    await store.store([r(41, 50), r(1, 10)]);
    await store.store([r(21, 30)]);
    t.same(await store.sequenceGaps(SITE, GW), [
      { fromSeq: 11, toSeq: 20 },
      { fromSeq: 31, toSeq: 40 },
    ]);
    await store.store([r(11, 15)]);
    t.same(
      await store.sequenceGaps(SITE, GW),
      [
        { fromSeq: 16, toSeq: 20 },
        { fromSeq: 31, toSeq: 40 },
      ],
      'a late message narrows a hole',
    );
    await store.store([eventsBatch(16, [gap(T0, 1, 2)]), alertsBatch(17, [alert('x', 'raised', T0)]), r(18, 20)]);
    t.same(await store.sequenceGaps(SITE, GW), [{ fromSeq: 31, toSeq: 40 }], 'events and alerts messages fill sequences too');
    await store.store([r(25, 45)]);
    t.same(await store.sequenceGaps(SITE, GW), [], 'an overlapping replay closes the last hole');
    t.same(await store.sequenceRanges(SITE, GW), [{ fromSeq: 1, toSeq: 50 }], 'one merged range');
    await store.store([r(60, 60), r(55, 70), r(80, 80), r(3, 7)]);
    t.same(await store.sequenceRanges(SITE, GW), [
      { fromSeq: 1, toSeq: 50 },
      { fromSeq: 55, toSeq: 70 },
      { fromSeq: 80, toSeq: 80 },
    ]);
    t.same(await store.sequenceGaps(SITE, GW), [
      { fromSeq: 51, toSeq: 54 },
      { fromSeq: 71, toSeq: 79 },
    ]);
    await store.store([r(5, 5, 'gw-2')]);
    t.same(await store.sequenceRanges(SITE, 'gw-2'), [{ fromSeq: 5, toSeq: 5 }], 'gateways are independent');
    t.same(await store.sequenceGaps(SITE, 'gw-none'), [], 'a gateway never heard from has no gaps');
  });

  withStore('a store() that fails half way leaves nothing; the next one works', async (t, store) => {
    const good = [
      readingsBatch(1, [reading('m1', 'total', T0, { energy_import_kwh: 1 })]),
      eventsBatch(2, [epoch('m1', 'total', T0)]),
      alertsBatch(3, [alert('a1', 'raised', T0)]),
      metaBatch(T0, T0, [{ id: 'm1', kind: 'modbus', profile: 'p', serial: 'S1' }]),
    ];
    const badStatus = statusBatch('online', 'late' as unknown as number, T0);
    await t.rejects(store.store([...good, badStatus]), 'a status with a text timestamp fails the whole call');
    const badReading = readingsBatch(4, [reading('m2', 'total', 'x' as unknown as number, { power_w: 1 })]);
    await t.rejects(store.store([...good, badReading]), 'a reading with a text timestamp fails the whole call');
    await t.rejects(
      store.store([...good, readingsBatch(5, [reading('m3', 'total', T0, { power_w: Number.NaN })])]),
      'a non-finite value fails the call',
    );
    const empty = await snapshot(store);
    t.same(empty.series, [], 'no series');
    t.same(empty.events, [], 'no events');
    t.same(empty.alerts, [], 'no alerts');
    t.same(empty.ranges, [], 'no sequence ranges');
    t.same(empty.gateways, [], 'no gateway status or meta');
    t.same(empty.serials, [], 'no serials');
    t.same(await store.store(good), [
      { inserted: 1, duplicates: 0 },
      { inserted: 1, duplicates: 0 },
      { inserted: 1, duplicates: 0 },
      { inserted: 0, duplicates: 0 },
    ]);
    const s = await store.findSeries({ site: SITE, gateway: GW, device: 'm1', channel: 'total' });
    t.equal((await store.readings(s!.id, 0, Number.MAX_SAFE_INTEGER)).length, 1, 'series ids from the failed calls were not kept');
    t.equal((await store.epochEvents(s!.id, 0, Number.MAX_SAFE_INTEGER)).length, 1);
  });

  withStore('migrations applied again are a no-op', async (t, store) => {
    await store.store([readingsBatch(1, [reading('m1', 'total', T0, { energy_import_kwh: 1 })])]);
    t.same(await store.migrate(), { applied: [], current: target.migrations });
    t.same(await store.migrate(), { applied: [], current: target.migrations });
    t.equal((await store.listSeries()).length, 1, 'data kept');
  });

  readSideContract(t, withStore);
}
