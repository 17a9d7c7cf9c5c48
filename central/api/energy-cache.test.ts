import t from 'tap';
import { buildModel } from '../model/build.js';
import type { SeriesInfo } from '../storage/readings/types.js';
import { cachedCustomerEnergy } from './energy-cache.js';

// One customer with one point and no readings stored: the report is empty but real, so the cache's
// keys and lifetimes are what is tested here (the report itself: central/energy tests).
const built = buildModel({
  sites: [{ id: 's1', name: 'S', timeZone: 'UTC', currency: 'EUR', rooms: [{ id: 'r1' }] }],
  gateways: [{ id: 'g1', site: 's1', room: 'r1' }],
  racks: [{ id: 'k1', room: 'r1', tags: [] }],
  cages: [],
  nodes: [{ id: 'p1', kind: 'pdu', rack: 'k1', tags: [] }],
  points: [{ id: 'p1', node: 'p1', gateway: 'g1', device: 'd1', channel: 'total', infrastructure: false }],
  customers: [{ id: 'acme', name: 'Acme' }],
  assignments: [{ id: 'a1', version: 1, customer: 'acme', rack: 'k1', from: '2026-01-01' }],
});

t.test('reports cached per model version and query for ttlMs; the series index kept as long', async (t) => {
  if (!built.ok) throw new Error('model');
  let now = 0;
  let lists = 0;
  const store = {
    listSeries: async (): Promise<SeriesInfo[]> => {
      lists++;
      return [];
    },
    boundaries: async () => [],
    events: async () => [],
  } as unknown as Parameters<typeof cachedCustomerEnergy>[0]['store'];
  const energy = cachedCustomerEnergy({ store, clock: { now: () => now }, ttlMs: 100, maxReports: 2 });
  const q = { customer: 'acme', from: '2026-10-01', to: '2026-11-01', by: 'rack' as const };
  const a = await energy({ model: built.model, version: 1, query: q });
  t.equal(a.customer, 'acme');
  t.equal(await energy({ model: built.model, version: 1, query: q }), a, 'the same report again');
  t.match(energy.stats, { hits: 1, misses: 1, indexLoads: 1 });
  await energy({ model: built.model, version: 2, query: q });
  t.match(energy.stats, { misses: 2, indexLoads: 1 }, 'a new model version is a new key; the index is kept');
  now = 150;
  await energy({ model: built.model, version: 2, query: q });
  t.match(energy.stats, { misses: 3, indexLoads: 2 }, 'both expire; the index is refreshed in the background, the old one answering');
  await new Promise((r) => setImmediate(r));
  await energy({ model: built.model, version: 2, query: { ...q, by: 'site' } });
  await energy({ model: built.model, version: 2, query: { ...q, by: 'point' } });
  await energy({ model: built.model, version: 2, query: q });
  t.equal(energy.stats.misses, 6, 'at most maxReports kept: the oldest went');
  t.equal(lists, 2);
});

t.test('an index refresh that fails keeps the old index and is tried again', async (t) => {
  if (!built.ok) throw new Error('model');
  let now = 0;
  let fail = false;
  let lists = 0;
  let release: () => void = () => undefined;
  const store = {
    listSeries: async (): Promise<SeriesInfo[]> => {
      lists++;
      if (fail) throw new Error('database gone');
      if (lists === 3)
        await new Promise<void>((r) => {
          release = r;
        });
      return [];
    },
    boundaries: async () => [],
    events: async () => [],
  } as unknown as Parameters<typeof cachedCustomerEnergy>[0]['store'];
  const energy = cachedCustomerEnergy({ store, clock: { now: () => now }, ttlMs: 100 });
  const q = { customer: 'acme', from: '2026-10-01', to: '2026-11-01', by: 'rack' as const };
  await energy({ model: built.model, version: 1, query: q });
  now = 200;
  fail = true;
  await energy({ model: built.model, version: 2, query: q });
  await new Promise((r) => setImmediate(r));
  t.match(energy.stats, { indexLoads: 2, indexFailures: 1 }, 'the refresh failed; the report came from the old index');
  fail = false;
  await energy({ model: built.model, version: 3, query: q });
  await energy({ model: built.model, version: 4, query: q });
  t.equal(energy.stats.indexLoads, 3, 'tried again, once while one refresh is under way');
  release();
  await new Promise((r) => setImmediate(r));
  await energy({ model: built.model, version: 5, query: q });
  t.equal(energy.stats.indexLoads, 3, 'the refreshed index is fresh');
  await t.rejects(
    cachedCustomerEnergy({
      store: {
        ...store,
        listSeries: async () => {
          throw new Error('no db');
        },
      } as never,
      clock: { now: () => 0 },
    })({ model: built.model, version: 1, query: q }),
    /no db/,
    "a first load that fails is the request's error",
  );
});
