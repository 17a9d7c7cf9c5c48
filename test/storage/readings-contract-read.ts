// The read side of the readings storage contract: boundaries, epochs, alerts, gateway status and meta.
import type { Test } from 'tap';
import {
  alert,
  alertsBatch,
  epoch,
  eventsBatch,
  gap,
  GW,
  metaBatch,
  reading,
  readingsBatch,
  SITE,
  statusBatch,
  T0,
} from './readings-fixtures.js';
import { boundaryValue, type CentralStore } from '../../central/storage/readings/types.js';

type WithStore = (name: string, fn: (t: Test, store: CentralStore) => Promise<void>) => unknown;

export function readSideContract(t: Test, withStore: WithStore): void {
  withStore('boundaries: exact hit, between, before first, after last, measurement absent in some readings', async (t, store) => {
    const ts = (s: number) => T0 + s * 1000;
    await store.store([
      readingsBatch(1, [
        reading('m1', 'total', ts(10), { energy_import_kwh: 100, power_w: 1000, current_a: 4 }),
        reading('m1', 'total', ts(20), { energy_import_kwh: 101 }),
        reading('m1', 'total', ts(30), { power_w: 1100 }, { flags: { energy_import_kwh: 'unreadable' }, quality: 'partial' }),
        reading('m1', 'total', ts(35), { power_w: 1150 }),
        reading('m1', 'total', ts(40), { energy_import_kwh: 103, current_a: 5 }),
        reading('m2', 'total', ts(15), { energy_import_kwh: 7 }),
      ]),
    ]);
    const m1 = (await store.findSeries({ site: SITE, gateway: GW, device: 'm1', channel: 'total' }))!.id;
    const m2 = (await store.findSeries({ site: SITE, gateway: GW, device: 'm2', channel: 'total' }))!.id;
    const at = async (measurement: 'energy_import_kwh' | 'power_w' | 'current_a', s: number, id = m1) => {
      const p = await store.boundary({ seriesId: id, measurement, atMs: ts(s) });
      return [p.before && [(p.before.ts - T0) / 1000, p.before.value], p.after && [(p.after.ts - T0) / 1000, p.after.value]];
    };
    t.same(
      await at('energy_import_kwh', 20),
      [
        [20, 101],
        [20, 101],
      ],
      'exact hit: the same reading on both sides',
    );
    t.same(
      await at('energy_import_kwh', 25),
      [
        [20, 101],
        [40, 103],
      ],
      'between two readings',
    );
    t.same(
      await at('energy_import_kwh', 30),
      [
        [20, 101],
        [40, 103],
      ],
      'on readings without the measurement: skipped',
    );
    t.same(await at('energy_import_kwh', 5), [undefined, [10, 100]], 'before the first');
    t.same(await at('energy_import_kwh', 50), [[40, 103], undefined], 'after the last');
    t.same(
      await at('power_w', 20),
      [
        [10, 1000],
        [30, 1100],
      ],
      'power skips energy-only readings',
    );
    t.same(await at('power_w', 36), [[35, 1150], undefined]);
    t.same(
      await at('current_a', 30),
      [
        [10, 4],
        [40, 5],
      ],
      'a measurement kept in the values object',
    );
    t.same(
      await at('energy_import_kwh', 15, m2),
      [
        [15, 7],
        [15, 7],
      ],
      'another series',
    );
    t.same(await at('energy_import_kwh', 15, m2 + m1 + 100), [undefined, undefined], 'unknown series');
    const full = await store.boundary({ seriesId: m1, measurement: 'power_w', atMs: ts(30) });
    t.strictSame(
      full.before,
      { ts: ts(30), values: { power_w: 1100 }, flags: { energy_import_kwh: 'unreadable' }, quality: 'partial', value: 1100 },
      'the whole reading comes with the value',
    );
    const qs = [
      { seriesId: m2, measurement: 'energy_import_kwh' as const, atMs: ts(16) },
      { seriesId: m1, measurement: 'current_a' as const, atMs: ts(11) },
      { seriesId: m1, measurement: 'energy_import_kwh' as const, atMs: ts(21) },
      { seriesId: m1, measurement: 'power_w' as const, atMs: ts(31) },
    ];
    const many = await store.boundaries(qs);
    t.same(
      many.map((p) => [p.before?.value, p.after?.value]),
      [
        [7, undefined],
        [4, 5],
        [101, 103],
        [1100, 1150],
      ],
      'many at once, in query order',
    );
    const single = await Promise.all(qs.map((q) => store.boundary(q)));
    t.strictSame(
      many,
      single.map((p) => ({ before: boundaryValue(p.before), after: boundaryValue(p.after) })),
      "the same answers as one by one, values only: the measurement's value, time, quality and flags",
    );
    t.strictSame(many[3]!.before, { ts: ts(30), value: 1100, quality: 'partial', flags: { energy_import_kwh: 'unreadable' } });
    t.same(await store.boundaries([]), []);
  });

  withStore('counter epoch events of a series in a range; gap events by type', async (t, store) => {
    await store.store([
      readingsBatch(1, [reading('m1', 'total', T0, { energy_import_kwh: 1 }), reading('m1', 'l1', T0, { energy_import_kwh: 1 })]),
      eventsBatch(2, [epoch('m1', 'total', T0 + 5000, 'swap'), epoch('m1', 'l1', T0 + 6000), epoch('m2', 'total', T0 + 6000)]),
      eventsBatch(3, [epoch('m1', 'total', T0 + 1000), gap(T0 + 2000, 10, 20), { type: 'clock_jump', ts: T0 + 3000, deltaMs: -4000 }]),
    ]);
    const total = (await store.findSeries({ site: SITE, gateway: GW, device: 'm1', channel: 'total' }))!.id;
    t.same(
      await store.epochEvents(total, T0, T0 + 10_000),
      [epoch('m1', 'total', T0 + 1000), epoch('m1', 'total', T0 + 5000, 'swap')],
      'only this device and channel, oldest first, exactly as sent',
    );
    t.same(await store.epochEvents(total, T0, T0 + 5000), [epoch('m1', 'total', T0 + 1000)], '[from, to): to excluded');
    const gaps = await store.events({ site: SITE, gateway: GW, type: 'gap' });
    t.same(
      gaps.map((e) => e.event),
      [gap(T0 + 2000, 10, 20)],
    );
    t.match(gaps[0], { site: SITE, gateway: GW, receivedAt: T0 });
    const all = await store.events({ site: SITE, gateway: GW });
    t.same(
      all.map((e) => e.event.type),
      ['counter_epoch', 'gap', 'clock_jump', 'counter_epoch', 'counter_epoch', 'counter_epoch'],
    );
    t.same(
      (await store.events({ site: SITE, gateway: GW, fromMs: T0 + 2000, toMs: T0 + 5000 })).map((e) => e.event.type),
      ['gap', 'clock_jump'],
    );
    t.equal((await store.events({ site: SITE, gateway: GW, limit: 2 })).length, 2);
  });

  withStore('alerts: history of raises and clears, the active set, late transitions', async (t, store) => {
    await store.store([
      alertsBatch(1, [alert('a1', 'raised', T0 + 100, { device: 'm1', channel: 'l2' }), alert('a2', 'raised', T0 + 110)]),
    ]);
    t.same(
      (await store.activeAlerts()).map((a) => a.id),
      ['a1', 'a2'],
    );
    await store.store([alertsBatch(2, [alert('a1', 'cleared', T0 + 200, { device: 'm1', channel: 'l2' })])]);
    t.same(
      (await store.activeAlerts()).map((a) => a.id),
      ['a2'],
      'a cleared alert leaves the active set',
    );
    await store.store([alertsBatch(3, [alert('a1', 'raised', T0 + 150, { device: 'm1', channel: 'l2' })])]);
    t.same(
      (await store.activeAlerts()).map((a) => a.id),
      ['a2'],
      'a late raise older than the clear does not reactivate',
    );
    await store.store([alertsBatch(4, [alert('a2', 'cleared', T0 + 300), alert('a2', 'raised', T0 + 300)])]);
    t.same(await store.activeAlerts(), [], 'raised and cleared at the same instant: cleared');
    await store.store([alertsBatch(5, [alert('a3', 'raised', T0 + 400)], { gateway: 'gw-2' })]);
    const active = await store.activeAlerts();
    t.strictSame(
      active,
      [{ ...alert('a3', 'raised', T0 + 400), site: SITE, gateway: 'gw-2', receivedAt: T0 }],
      'a stored alert is the wire alert plus where from',
    );
    t.same(await store.activeAlerts({ gateway: GW }), []);
    const history = await store.alertHistory({ site: SITE, gateway: GW });
    t.same(
      history.map((a) => [a.id, a.state, a.ts - T0]),
      [
        ['a1', 'raised', 100],
        ['a2', 'raised', 110],
        ['a1', 'raised', 150],
        ['a1', 'cleared', 200],
        ['a2', 'raised', 300],
        ['a2', 'cleared', 300],
      ],
    );
    t.strictSame(history[0], {
      ...alert('a1', 'raised', T0 + 100, { device: 'm1', channel: 'l2' }),
      site: SITE,
      gateway: GW,
      receivedAt: T0,
    });
    t.same(
      (await store.alertHistory({ alertId: 'a1', fromMs: T0 + 150 })).map((a) => a.state),
      ['raised', 'cleared'],
    );
    t.same(
      (await store.alertHistory({ toMs: T0 + 150, limit: 1 })).map((a) => a.id),
      ['a1'],
    );
  });

  withStore('status and meta: the latest wins; device serials keep their history', async (t, store) => {
    await store.store([statusBatch('online', T0 + 100, T0 + 1000)]);
    // The Last Will carries the ts of the connect, so arrival decides for status.
    await store.store([statusBatch('offline', T0 + 50, T0 + 2000)]);
    await store.store([statusBatch('online', T0 + 90, T0 + 1500)]);
    let gw = await store.gateway(SITE, GW);
    t.match(gw?.status, { message: { state: 'offline', ts: T0 + 50 }, receivedAt: T0 + 2000 }, 'the last to arrive');
    t.equal(gw?.meta, undefined, 'no meta yet');
    const devices = (serial: string) => [
      { id: 'm1', kind: 'modbus' as const, profile: 'eastron-sdm630', serial },
      { id: 'p1', kind: 'snmp' as const, profile: 'apc-rpdu2' },
    ];
    await store.store([metaBatch(T0 + 100, T0 + 1000, devices('S-A'))]);
    await store.store([metaBatch(T0 + 50, T0 + 3000, devices('S-OLD'))]);
    await store.store([metaBatch(T0 + 200, T0 + 2000, devices('S-B')), metaBatch(T0 + 300, T0 + 2100, devices('S-B'))]);
    gw = await store.gateway(SITE, GW);
    t.strictSame(
      gw?.meta,
      { message: metaBatch(T0 + 300, T0 + 2100, devices('S-B')).message, receivedAt: T0 + 2100 },
      'meta: the newest by its ts',
    );
    t.same(
      (await store.deviceSerials(SITE, GW, 'm1')).map((s) => [s.serial, s.firstSeenTs - T0, s.lastSeenTs - T0]),
      [
        ['S-OLD', 50, 50],
        ['S-A', 100, 100],
        ['S-B', 200, 300],
      ],
      'every serial with when it was first and last seen',
    );
    t.same(await store.deviceSerials(SITE, GW, 'p1'), [], 'devices without a serial');
    await store.store([statusBatch('online', T0, T0, { gateway: 'gw-2', site: 'sin1' })]);
    t.same(
      (await store.gateways()).map((g) => `${g.site}/${g.gateway}`),
      ['ams1/gw-1', 'sin1/gw-2'],
    );
    t.same(
      (await store.gateways({ site: 'sin1' })).map((g) => g.gateway),
      ['gw-2'],
    );
    t.equal(await store.gateway(SITE, 'gw-none'), undefined);
  });

  withStore('latest readings: the newest of every series, late older readings do not replace it, by site', async (t, store) => {
    await store.store([
      readingsBatch(1, [
        reading('m1', 'total', T0 + 1000, { energy_import_kwh: 1, power_w: 100 }),
        reading('m1', 'total', T0 + 3000, { energy_import_kwh: 3, power_w: 300, current_a: 1.5 }),
        reading('m1', 'l1', T0 + 2000, { current_a: 2 }),
      ]),
    ]);
    await store.store([readingsBatch(2, [reading('m1', 'total', T0 + 2000, { energy_import_kwh: 2 })])]);
    await store.store([readingsBatch(1, [reading('p1', 'outlet:1', T0 + 500, { power_w: 5 })], { site: 'sin1', gateway: 'gw-2' })]);
    const all = await store.latestReadings();
    t.same(
      all.map((r) => [r.site, r.device, r.channel, r.ts - T0]),
      [
        ['ams1', 'm1', 'l1', 2000],
        ['ams1', 'm1', 'total', 3000],
        ['sin1', 'p1', 'outlet:1', 500],
      ],
    );
    t.strictSame(
      all[1],
      {
        seriesId: all[1]!.seriesId,
        site: SITE,
        gateway: GW,
        device: 'm1',
        channel: 'total',
        ts: T0 + 3000,
        values: { energy_import_kwh: 3, power_w: 300, current_a: 1.5 },
        quality: 'good',
      },
      'the whole reading with its series',
    );
    t.same(
      (await store.latestReadings({ site: 'sin1' })).map((r) => r.device),
      ['p1'],
    );
    t.same(await store.latestReadings({ site: 'nyc1' }), []);
  });
}
