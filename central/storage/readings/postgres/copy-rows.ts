// Readings as PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html,
// "Binary Format"), for the staging table of write-sql.ts: b int4, series_id int4, ts int8, e float8,
// p float8, vals text, flags text, q text. Binary because it needs neither number formatting here nor
// parsing on the server (float8 travel as their 8 bytes: exact). Pure.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const FIELDS = 8;

export interface StageRows {
  b: number[];
  sid: number[];
  ts: number[];
  e: (number | null)[];
  p: (number | null)[];
  vals: (string | null)[];
  flags: (string | null)[];
  q: string[];
}

export function emptyStageRows(): StageRows {
  return { b: [], sid: [], ts: [], e: [], p: [], vals: [], flags: [], q: [] };
}

/** The whole COPY payload: header, one tuple per row, trailer. */
export function binaryCopy(r: StageRows): Buffer {
  const n = r.b.length;
  // Fixed part per tuple: field count, 8 lengths, 2 x int4, int8, 2 x float8 (nulls written shorter).
  let size = SIGNATURE.length + 8 + 2 + n * (2 + FIELDS * 4 + 4 + 4 + 8 + 8 + 8);
  for (let i = 0; i < n; i++) {
    size += txtLen(r.vals[i]!) + txtLen(r.flags[i]!) + Buffer.byteLength(r.q[i]!);
  }
  const buf = Buffer.allocUnsafe(size);
  let o = SIGNATURE.copy(buf, 0);
  o = buf.writeInt32BE(0, o);
  o = buf.writeInt32BE(0, o);
  for (let i = 0; i < n; i++) {
    o = buf.writeInt16BE(FIELDS, o);
    o = buf.writeInt32BE(4, o);
    o = buf.writeInt32BE(r.b[i]!, o);
    o = buf.writeInt32BE(4, o);
    o = buf.writeInt32BE(r.sid[i]!, o);
    o = buf.writeInt32BE(8, o);
    o = int64(buf, o, r.ts[i]!);
    o = float(buf, o, r.e[i]!);
    o = float(buf, o, r.p[i]!);
    o = text(buf, o, r.vals[i]!);
    o = text(buf, o, r.flags[i]!);
    o = text(buf, o, r.q[i]!);
  }
  o = buf.writeInt16BE(-1, o);
  return buf.subarray(0, o);
}

/** An integral ms timestamp as int8; without a BigInt for the usual non-negative ones (a third of the encoding time). */
function int64(buf: Buffer, o: number, v: number): number {
  if (v < 0) return buf.writeBigInt64BE(BigInt(v), o);
  buf.writeUInt32BE(Math.floor(v / 0x1_0000_0000), o);
  return buf.writeUInt32BE(v % 0x1_0000_0000, o + 4);
}

function txtLen(s: string | null): number {
  return s === null ? 0 : Buffer.byteLength(s);
}

function float(buf: Buffer, o: number, v: number | null): number {
  if (v === null) return buf.writeInt32BE(-1, o);
  o = buf.writeInt32BE(8, o);
  return buf.writeDoubleBE(v, o);
}

function text(buf: Buffer, o: number, s: string | null): number {
  if (s === null) return buf.writeInt32BE(-1, o);
  const len = buf.write(s, o + 4, 'utf8');
  buf.writeInt32BE(len, o);
  return o + 4 + len;
}
