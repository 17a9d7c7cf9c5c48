// The portal's views over a real SQLite store holding the example inventory's October (test/energy/
// example-data.ts: constant power per point, a meter swap on branch a1-01, readings every 15 minutes).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readInventory } from '../../config/inventory-load.js';
import { openSqliteStore } from '../../storage/readings/sqlite/store.js';
import { quietLog } from '../../../test/helpers/env.js';
import { exampleSeries } from '../../../test/energy/example-data.js';
import { ingest } from '../../../test/energy/stores.js';
import { chain } from './chain.js';
import { compare, history, live, type ViewDeps } from './views.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NOW = Date.parse('2026-10-15T10:07:00Z');
const close = (a: number | undefined, b: number, eps = 1e-6) => a !== undefined && Math.abs(a - b) < eps;

t.test('views over the example October', async (t) => {
  const { model } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
  const store = await openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-portal-views-')), 'c.db'), log: quietLog });
  t.teardown(() => store.close());
  await ingest(store, exampleSeries(model));
  const deps: ViewDeps = { store, model, clock: { now: () => NOW }, liveFreshMs: 20 * 60_000 };

  t.test('history: a month in 6-hour buckets of mean power', async (t) => {
    const h = await history(deps, {}, { site: 'ams1', target: 'rack:ams1-r12', from: '2026-10-01', to: '2026-11-01' });
    t.equal(h.step, '6h');
    t.equal(h.buckets.length, 124);
    t.ok(
      h.buckets.every((b) => close(b.kW, 3, 1e-3) || b.estimated),
      'branches a1-01 and b1-01 draw 2 + 1 kW',
    );
    t.ok(close(h.total.kWh, 3 * 745, 1e-3), `October in Amsterdam has 745 hours: ${h.total.kWh} kWh`);
    const swap = h.buckets.filter((b) => b.estimated);
    t.equal(swap.length, 1, 'the bucket of the meter swap is marked estimated');
    t.ok(h.total.measuredShare < 1 && h.total.measuredShare > 0.999);
    const hour = await history(deps, {}, { site: 'ams1', target: 'site', range: '1h' });
    t.equal(hour.step, '1m');
    t.equal(hour.toMs, Date.parse('2026-10-15T10:07:00Z'));
    t.ok(hour.maxKw > 0);
    await t.rejects(history(deps, {}, { site: 'ams1', target: 'site', from: '2026-10-01' }), {
      message: 'give both from and to, or a range',
      status: 400,
    });
    await t.rejects(history(deps, {}, { site: 'ams1', target: 'site', from: 'soon', to: '2026-10-02' }), {
      message: /from "soon" is neither/,
    });
    await t.rejects(history(deps, {}, { site: 'ams1', target: 'site', from: '2026-10-02', to: '2026-10-01' }), {
      message: 'the period must end after it starts',
    });
    await t.rejects(history(deps, {}, { site: 'ams1', target: 'site', range: '2y' as never }), { message: /range "2y" is one of 1h, 24h/ });
    await t.rejects(history(deps, {}, { site: 'nowhere', target: 'site' }), { name: 'TargetError', status: 404 });
  });

  t.test('history: a customer sees its own and nothing else', async (t) => {
    const acme = await history(deps, { customer: 'acme' }, { site: 'ams1', target: 'rack:ams1-r12', from: '2026-10-01', to: '2026-11-01' });
    t.ok(close(acme.total.kWh, 3 * 745, 1e-3));
    await t.rejects(history(deps, { customer: 'nordwind' }, { site: 'ams1', target: 'rack:ams1-r12', range: '24h' }), {
      message: 'no rack:ams1-r12 at ams1 among your points',
      status: 404,
    });
    await t.rejects(history(deps, { customer: 'nordwind' }, { site: 'ams1', target: 'customer:acme', range: '24h' }), {
      name: 'TargetError',
      status: 404,
    });
  });

  t.test('compare: two months per rack, energy and 15-minute peak', async (t) => {
    const c = await compare(deps, {}, { site: 'ams1', by: 'rack', a: '2026-09', b: '2026-10' });
    const r12 = c.rows.find((r) => r.group === 'ams1-r12')!;
    t.ok(close(r12.b.kWh, 2235, 1e-3), `${r12.b.kWh}`);
    t.ok(close(r12.b.peakKw, 3, 1e-3), `peak ${r12.b.peakKw} kW`);
    t.ok(r12.a.estimated && r12.a.kWh < 2235, 'September holds only its last day of readings: the rest is estimated, and marked');
    t.ok(close(r12.deltaKwh, r12.b.kWh - r12.a.kWh) && r12.deltaPct! > 0);
    t.same(
      c.rows.map((r) => r.group),
      ['ams1-c7-k01', 'ams1-c7-k02', 'ams1-k11', 'ams1-r12', 'ams1-r14'],
    );
    t.ok(
      c.total.b.kWh > c.total.a.kWh &&
        close(
          c.total.b.kWh,
          c.rows.reduce((s, r) => s + r.b.kWh, 0),
        ),
    );

    const mine = await compare(deps, { customer: 'acme' }, { site: 'ams1', by: 'rack', a: '2026-09', b: '2026-10' });
    t.same(
      mine.rows.map((r) => r.group),
      ['ams1-k11', 'ams1-r12', 'ams1-r14'],
      'acme compares only its racks (K11 from 15 October)',
    );
    const k11 = mine.rows.find((r) => r.group === 'ams1-k11')!;
    t.equal(k11.a.kWh, 0, "not acme's in September");
    t.ok(close(k11.b.kWh, 4 * (17 * 24 + 1), 1e-3), `K11 from 15 October: 4 kW over 409 h = ${k11.b.kWh}`);
    const byCustomer = await compare(deps, {}, { site: 'ams1', by: 'customer', a: '2026-09', b: '2026-10' });
    t.same(
      byCustomer.rows.map((r) => r.group),
      ['acme', 'nordwind'],
    );
    const self = await compare(deps, { customer: 'nordwind' }, { site: 'ams1', by: 'customer', a: '2026-09', b: '2026-10' });
    t.same(
      self.rows.map((r) => r.group),
      ['nordwind'],
      'a customer compares only itself',
    );
    const feeds = await compare(deps, {}, { site: 'ams1', by: 'feed', a: '2026-09', b: '2026-10' });
    t.same(
      feeds.rows.map((r) => r.group),
      ['A', 'B'],
    );
    await t.rejects(compare(deps, {}, { site: 'ams1', by: 'cage' as never, a: '2026-09', b: '2026-10' }), {
      message: /by "cage" is one of rack, feed, customer/,
    });
    await t.rejects(compare(deps, {}, { site: 'ams1', by: 'rack', a: '2026-13', b: '2026-10' }), {
      message: '"2026-13" is not a month (YYYY-MM)',
    });
  });

  // issue 17: a period past the newest reading (the example data ends 1 Nov 23:00Z in Amsterdam) was
  // extrapolated for up to 7 days as "estimated", then 0. Now the buckets stop at the newest reading.
  t.test('history and compare past the newest reading: the figures stop there and say so', async (t) => {
    const end = Date.UTC(2026, 10, 1, 23);
    const h = await history(deps, {}, { site: 'ams1', target: 'rack:ams1-r12', from: '2026-10-25', to: '2026-11-10' });
    t.equal(h.clippedToMs, end, 'the data ends at the newest reading');
    t.equal(h.buckets[h.buckets.length - 1]!.toMs, end, 'the last bucket ends there');
    t.notOk(
      h.buckets.some((b) => b.estimated),
      'nothing extrapolated',
    );
    const hours = (end - Date.UTC(2026, 9, 24, 22)) / 3_600_000;
    t.ok(close(h.total.kWh, 3 * hours, 1e-3), `3 kW × ${hours} h = ${h.total.kWh} kWh`);
    t.ok(
      close(h.total.measuredShare, (end - h.fromMs) / (h.toMs - h.fromMs)),
      `measured ${(h.total.measuredShare * 100).toFixed(2)} % of the period asked for`,
    );
    const after = await history(deps, {}, { site: 'ams1', target: 'rack:ams1-r12', from: '2026-12-01', to: '2026-12-02' });
    t.same(
      [after.buckets.length, after.total.kWh, after.total.measuredShare, after.clippedToMs],
      [0, 0, 0, after.fromMs],
      'a day after the data: no buckets, 0 kWh at 0 % measured',
    );
    const full = await history(deps, {}, { site: 'ams1', target: 'rack:ams1-r12', from: '2026-10-01', to: '2026-11-01' });
    t.equal(full.clippedToMs, null, 'a period the data covers is not clipped');

    const c = await compare(deps, {}, { site: 'ams1', by: 'rack', a: '2026-10', b: '2026-11' });
    t.same([c.a.clippedToMs, c.b.clippedToMs], [null, end], 'November stops at the newest reading');
    const r12 = c.rows.find((r) => r.group === 'ams1-r12')!;
    t.ok(close(r12.b.kWh, 3 * 24, 1e-3) && !r12.b.estimated, `November so far: 3 kW × 24 h, measured (${r12.b.kWh} kWh)`);
    t.ok(close(r12.b.peakKw, 3, 1e-3), 'its peak from whole slots');
  });

  t.test('live and the chain', async (t) => {
    const racks = await live(deps, {}, { by: 'rack', site: 'ams1' });
    t.ok(close(racks.rows.find((r) => r.group === 'ams1-r12')?.kW, 3), 'rack r12 draws 3 kW now');
    t.equal(racks.rows[0]!.timeZone, 'Europe/Amsterdam');
    const mine = await live(deps, { customer: 'nordwind' }, { by: 'rack' });
    t.same(
      mine.rows.map((r) => r.group),
      ['ams1-c7-k01', 'ams1-c7-k02', 'ams1-r14', 'ams2-r01'],
      "nordwind: its cage and its outlet in r14, its rack in Amsterdam 2; K11 is acme's now",
    );
    t.ok(close(mine.rows.find((r) => r.group === 'ams1-r14')?.kW, 0.3), 'its outlet draws 300 W');
    const later = await live({ ...deps, clock: { now: () => NOW + 60 * 86_400_000 } }, {}, { by: 'site' });
    t.same(
      later.rows.map((r) => [r.group, r.kW, r.points]),
      [
        ['ams1', 0, 0],
        ['ams2', 0, 0],
        ['sin1', 0, 0],
      ],
      'nothing live two months later',
    );
    await t.rejects(live(deps, {}, { by: 'site', site: 'x' }), { name: 'TargetError', status: 404 });

    const c = await chain(deps, { site: 'ams1' });
    t.same(
      c.roots.map((n) => n.id),
      ['ams1-util-a', 'ams1-util-b'],
    );
    const bb = c.roots[0]!.children[0]!.children[0]!;
    t.equal(bb.id, 'ams1-r101-bb-a');
    t.equal(bb.balance.status, 'unknown', 'no current read: balance unknown');
    t.ok(bb.kW !== undefined && bb.kW > 0);
    await t.rejects(chain(deps, { site: 'x' }), { name: 'TargetError', status: 404 });
  });
});
