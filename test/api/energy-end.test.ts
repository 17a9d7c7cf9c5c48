// Energy asked past the newest reading, over HTTP (issue 17): with `to` 3.5 days past it the API
// extrapolated consumption that had not happened as "estimated"; with `to` weeks past it, it answered
// 0 kWh at 100 % measured. Now the energy ends at the newest reading, the answer says where
// (clippedToMs), and the measured share is over the period asked for.
import t from 'tap';
import { call, HOUR, makeWorld, OCT } from './world.js';

/** The world's readings: every 12 h from OCT (+1 s), 64 of them. */
const NEWEST = OCT + 63 * 12 * HOUR + 1000;
/** A reading of every meter, so the energy from here on is measured at both ends. */
const FROM = OCT + 38 * 12 * HOUR + 1000;
const FROM_TEXT = new Date(FROM).toISOString();

interface Row {
  site?: string;
  group: string;
  kWh: number;
  measuredKwh: number;
  estimatedKwh: number;
  measuredShare: number;
  fromMs: number;
  toMs: number;
  clippedToMs: number | null;
}
interface Report {
  rows: Row[];
  total: { kWh: number; estimatedKwh: number; measuredShare: number };
  clipped?: { site: string; clippedToMs: number }[];
  clippedToMs?: number | null;
}

t.test('energy past the newest reading ends there, says so, and counts the rest as not measured', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  const energy = async (to: string, path = '/api/v1/energy?customer=acme&by=rack') => {
    const res = await call(w, 'GET', `${path}&from=${encodeURIComponent(FROM_TEXT)}&to=${encodeURIComponent(to)}`, {
      token: w.tokens.operator,
    });
    t.equal(res.status, 200, `to=${to}`);
    return res.body as Report;
  };
  // acme holds rk-acme-1 (2 kW) now; rk-shared went to beta on 15 Oct. 2 kW × 300 h between FROM and NEWEST.
  const measuredKwh = (2 * (NEWEST - FROM)) / HOUR;
  t.equal(measuredKwh, 600);

  const upTo = await energy(new Date(NEWEST).toISOString());
  t.same(
    upTo.rows.map((r) => [r.group, r.kWh.toFixed(3), r.estimatedKwh, r.measuredShare, r.clippedToMs]),
    [['rk-acme-1', '600.000', 0, 1, null]],
    'up to the newest reading: all measured, not clipped',
  );
  t.same(upTo.clipped, []);

  for (const [to, toMs] of [
    ['2026-11-05', Date.UTC(2026, 10, 4, 23)],
    ['2026-12-31', Date.UTC(2026, 11, 30, 23)],
    ['2099-01-01T00:00:00Z', Date.UTC(2099, 0, 1)],
  ] as const) {
    const r = await energy(to);
    const row = r.rows[0]!;
    const share = (NEWEST - FROM) / (toMs - FROM);
    t.same(
      [r.rows.length, row.group, row.kWh.toFixed(3), row.estimatedKwh, row.toMs, row.clippedToMs],
      [1, 'rk-acme-1', '600.000', 0, toMs, NEWEST],
      `to ${to}: ${row.kWh.toFixed(3)} kWh, nothing extrapolated past the newest reading, clipped there`,
    );
    t.equal(row.measuredShare.toFixed(6), share.toFixed(6), `to ${to}: measured ${(share * 100).toFixed(2)} % of the period asked for`);
    t.equal(r.total.measuredShare.toFixed(6), share.toFixed(6), 'the total too');
    t.same(r.clipped, [{ site: 'ams1', clippedToMs: NEWEST }], 'the report names the site and where its data ends');
  }

  const after = (await call(w, 'GET', `/api/v1/energy?customer=acme&by=rack&from=2027-01-01&to=2027-02-01`, { token: w.tokens.operator }))
    .body as Report;
  t.same(
    after.rows.map((r) => [r.group, r.kWh, r.measuredShare, r.clippedToMs]),
    [['rk-acme-1', 0, 0, Date.UTC(2026, 11, 31, 23)]],
    'a period wholly after the data: 0 kWh at 0 % measured, not 100 %',
  );
  t.equal(after.total.measuredShare, 0);

  const site = await energy('2099-01-01T00:00:00Z', '/api/v1/sites/ams1/energy?by=rack');
  t.equal(site.clippedToMs, NEWEST, "a site's energy ends at its meters' newest reading");
  t.same(
    site.rows.map((r) => [r.group, r.estimatedKwh]),
    [
      ['rk-acme-1', 0],
      ['rk-beta-1', 0],
      ['rk-shared', 0],
    ],
    'nothing estimated past it',
  );
  t.equal(site.total.kWh.toFixed(3), (((2 + 5 + 3) * (NEWEST - FROM)) / HOUR).toFixed(3));
  t.ok(site.total.measuredShare < 0.01, `${(site.total.measuredShare * 100).toFixed(4)} % measured of a period to 2099`);
});
