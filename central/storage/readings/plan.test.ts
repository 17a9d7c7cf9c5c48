import t from 'tap';
import {
  alert,
  alertsBatch,
  epoch,
  eventsBatch,
  gap,
  metaBatch,
  reading,
  readingsBatch,
  statusBatch,
  T0,
} from '../../../test/storage/readings-fixtures.js';
import { canonicalJson, eventIdentity, planWrite } from './plan.js';

t.test('event identity does not depend on key order', async (t) => {
  const e = epoch('m1', 'total', T0);
  const shuffled = Object.fromEntries(Object.entries(e).reverse()) as typeof e;
  t.equal(eventIdentity(shuffled).ident, eventIdentity(e).ident);
  t.not(eventIdentity(epoch('m1', 'total', T0 + 1)).ident, eventIdentity(e).ident);
  t.equal(canonicalJson({ b: [{ d: 1, c: 2 }], a: null }), '{"a":null,"b":[{"c":2,"d":1}]}');
});

t.test('plan: in-call duplicates counted, winners chosen, ranges merged per gateway, gateways sorted', async (t) => {
  const plan = planWrite([
    readingsBatch(3, [reading('m1', 'total', T0, { power_w: 1 })], { gateway: 'gw-b', seqEnd: 4 }),
    eventsBatch(5, [gap(T0, 1, 2), gap(T0, 1, 2)], { gateway: 'gw-b' }),
    alertsBatch(1, [alert('x', 'raised', T0), alert('x', 'raised', T0)], { gateway: 'gw-a' }),
    statusBatch('online', T0 + 9, T0 + 1, { gateway: 'gw-a' }),
    statusBatch('offline', T0, T0 + 2, { gateway: 'gw-a' }),
    metaBatch(T0 + 2, T0, [{ id: 'm1', kind: 'modbus', profile: 'p', serial: 'A' }], { gateway: 'gw-a' }),
    metaBatch(T0 + 1, T0 + 5, [{ id: 'm1', kind: 'modbus', profile: 'p', serial: 'A' }], { gateway: 'gw-a' }),
    readingsBatch(1, [reading('m1', 'total', T0 - 1, { power_w: 1 })], { gateway: 'gw-b', seqEnd: 2 }),
  ]);
  t.same(
    plan.results.map((r) => r.duplicates),
    [0, 1, 1, 0, 0, 0, 0, 0],
  );
  t.equal(plan.events.length, 1);
  t.equal(plan.alerts.length, 1);
  t.same(
    plan.status.map((s) => s.message.state),
    ['offline'],
    'status: the later arrival',
  );
  t.same(
    plan.meta.map((m) => m.message.ts),
    [T0 + 2],
    'meta: the later ts',
  );
  t.same(
    plan.serials.map((s) => [s.serial, s.firstSeenTs, s.lastSeenTs]),
    [['A', T0 + 1, T0 + 2]],
  );
  t.same(plan.ranges, [
    { site: 'ams1', gateway: 'gw-b', ranges: [{ fromSeq: 1, toSeq: 5 }] },
    { site: 'ams1', gateway: 'gw-a', ranges: [{ fromSeq: 1, toSeq: 1 }] },
  ]);
  t.same(
    plan.gateways.map((g) => g.gateway),
    ['gw-a', 'gw-b'],
  );
});
