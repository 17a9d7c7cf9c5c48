import t from 'tap';
import { binaryCopy, emptyStageRows } from './copy-rows.js';

t.test('binary COPY: header, tuples with nulls and UTF-8 text, trailer', async (t) => {
  const r = emptyStageRows();
  const rows: [number, number, number, number | null, number | null, string | null, string | null, string][] = [
    [0, 7, 1_780_000_000_123, 1.5, null, null, null, ''],
    [1, 8, -1, null, -0.1, '{"v":1}', '["x"]', 'estimated'],
    [2, 9, 2 ** 53 - 1, Number.MAX_VALUE, 5e-324, 'é€', null, 'q'],
  ];
  for (const [b, sid, ts, e, p, vals, flags, q] of rows) {
    r.b.push(b);
    r.sid.push(sid);
    r.ts.push(ts);
    r.e.push(e);
    r.p.push(p);
    r.vals.push(vals);
    r.flags.push(flags);
    r.q.push(q);
  }
  const buf = binaryCopy(r);
  t.equal(buf.subarray(0, 11).toString('latin1'), 'PGCOPY\n\xff\r\n\0');
  let o = 19;
  const read: unknown[][] = [];
  for (;;) {
    const n = buf.readInt16BE(o);
    o += 2;
    if (n === -1) break;
    t.equal(n, 8);
    const row: unknown[] = [];
    for (let f = 0; f < n; f++) {
      const len = buf.readInt32BE(o);
      o += 4;
      if (len === -1) row.push(null);
      else if (f < 2) row.push(buf.readInt32BE(o));
      else if (f === 2) row.push(Number(buf.readBigInt64BE(o)));
      else if (f < 5) row.push(buf.readDoubleBE(o));
      else row.push(buf.toString('utf8', o, o + len));
      o += Math.max(0, len);
    }
    read.push(row);
  }
  t.equal(o, buf.length, 'nothing after the trailer');
  t.same(read, rows);
});
