// A site's energy for staff, every grouping over the API (the same top-most tenant meters, regrouped,
// so every grouping has the same total), and the report's own refusals and choice of meters.
import t from 'tap';
import { buildModel } from '../../central/model/build.js';
import { siteEnergyReport, topMeters } from '../../central/energy/site-report.js';
import { call, makeWorld, OCT } from './world.js';

interface Report {
  by: string;
  rows: { group: string; kWh: number; points: number }[];
  total: { kWh: number; measuredShare: number };
}

t.test('a site by room, rack, feed, phase and point: one total', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  const get = async (by: string) =>
    (await call(w, 'GET', `/api/v1/sites/ams1/energy?from=2026-10-01&to=2026-11-01&by=${by}`, { token: w.tokens.readonly })).body as Report;
  const rack = await get('rack');
  t.ok(rack.total.kWh > 0, `${rack.total.kWh} kWh at ams1 in October`);
  for (const by of ['room', 'feed', 'phase', 'point'] as const) {
    const r = await get(by);
    t.equal(r.by, by);
    t.ok(Math.abs(r.total.kWh - rack.total.kWh) < 1e-6, `by ${by}: the same total`);
    t.equal(
      r.rows.reduce((n, x) => n + x.points, 0),
      3,
      `by ${by}: the three tenant meters, the house meter left out`,
    );
  }
  t.same(
    (await get('room')).rows.map((r) => r.group),
    ['hall1'],
  );
  t.same(
    (await get('feed')).rows.map((r) => r.group),
    ['A'],
    'the feed of the busbar above',
  );
  t.same(
    (await get('point')).rows.map((r) => r.group),
    ['pt-acme-1', 'pt-beta-1', 'pt-shared'],
  );
  t.equal(
    (await call(w, 'GET', '/api/v1/sites/ams1/energy?from=2026-10-01&to=2026-11-01&by=customer', { token: w.tokens.operator })).status,
    400,
    'an unknown grouping is refused',
  );

  const model = w.holder.current().model;
  await t.rejects(
    siteEnergyReport({ store: w.deps.store, model }, { site: 'nowhere', fromMs: OCT, toMs: OCT + 1, by: 'rack' }),
    /unknown site "nowhere"/,
  );
  await t.rejects(
    siteEnergyReport({ store: w.deps.store, model }, { site: 'ams1', fromMs: OCT, toMs: OCT, by: 'rack' }),
    /the end must be after the start/,
  );
});

t.test('top meters: one per node, its total first; none under another tenant meter', async (t) => {
  const built = buildModel({
    sites: [{ id: 's1', name: 'S', timeZone: 'UTC', currency: 'EUR', rooms: [{ id: 'r1' }] }],
    gateways: [{ id: 'g1', site: 's1', room: 'r1' }],
    racks: [{ id: 'k1', room: 'r1', tags: [] }],
    cages: [],
    nodes: [
      { id: 'pdu', kind: 'pdu', rack: 'k1', tags: [] },
      { id: 'sub', kind: 'pdu', parent: 'pdu', rack: 'k1', tags: [] },
    ],
    points: [
      { id: 'pdu-l1', node: 'pdu', gateway: 'g1', device: 'd1', channel: 'l1', infrastructure: false },
      { id: 'pdu-total', node: 'pdu', gateway: 'g1', device: 'd1', channel: 'total', infrastructure: false },
      { id: 'sub-total', node: 'sub', gateway: 'g1', device: 'd2', channel: 'total', infrastructure: false },
    ],
    customers: [],
    assignments: [],
  });
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('; '));
  t.same(
    topMeters(built.model, 's1').map((p) => p.id),
    ['pdu-total'],
    'the total of the top node; the node below is inside it',
  );
});
