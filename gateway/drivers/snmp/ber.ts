// Just enough BER to read which request an SNMP message answers: the PDU's request-id (v1, v2c) or the
// msgID of the header (v3, which is never encrypted). RFC 3416 section 3, RFC 3412 section 6. Pure.

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function readTlv(b: Buffer, at: number): Tlv | undefined {
  if (at + 2 > b.length) return undefined;
  const tag = b[at]!;
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > b.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  const end = start + len;
  return end <= b.length ? { tag, start, end } : undefined;
}

function readInt(b: Buffer, t: Tlv): number | undefined {
  if (t.tag !== 0x02 || t.end - t.start < 1 || t.end - t.start > 6) return undefined;
  let v = b[t.start]! & 0x80 ? -1 : 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + b[i]!;
  return v;
}

/** The request id a message answers, or undefined if it cannot be read. */
export function messageRequestId(b: Buffer): number | undefined {
  const msg = readTlv(b, 0);
  if (!msg || msg.tag !== 0x30) return undefined;
  const ver = readTlv(b, msg.start);
  const version = ver && readInt(b, ver);
  if (!ver || version === undefined) return undefined;
  const next = readTlv(b, ver.end);
  if (!next) return undefined;
  if (version === 3) {
    if (next.tag !== 0x30) return undefined;
    const id = readTlv(b, next.start);
    return id && readInt(b, id);
  }
  const pdu = readTlv(b, next.end);
  if (!pdu || (pdu.tag & 0xe0) !== 0xa0) return undefined;
  const id = readTlv(b, pdu.start);
  return id && readInt(b, id);
}
