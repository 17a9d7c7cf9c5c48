// SNMP values as net-snmp delivers them, to numbers and text. Pure.
// Counter64 comes as a big-endian Buffer of variable length (minimal BER, sometimes 9 bytes with a leading 0).

export type NumberResult = { ok: true; value: number } | { ok: false; reason: 'not_available' | 'bad_type' };

export function snmpNumber(v: unknown): NumberResult {
  if (v === undefined || v === null) return { ok: false, reason: 'not_available' };
  if (typeof v === 'number') return Number.isFinite(v) ? { ok: true, value: v } : { ok: false, reason: 'bad_type' };
  if (typeof v === 'bigint') return { ok: true, value: Number(v) };
  if (Buffer.isBuffer(v)) {
    // Some agents send numbers as text; Counter64 arrives as raw bytes. Text wins when it reads as a number.
    const text = v.toString('latin1').trim();
    if (/^-?\d+(\.\d+)?$/.test(text)) return { ok: true, value: Number(text) };
    if (v.length >= 1 && v.length <= 9) return { ok: true, value: Number(BigInt(`0x${v.toString('hex')}`)) };
    return { ok: false, reason: 'bad_type' };
  }
  return { ok: false, reason: 'bad_type' };
}

export function snmpText(v: unknown): string | undefined {
  if (Buffer.isBuffer(v)) return v.toString('utf8').replace(/\0+$/, '').trim();
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** Does `oid` equal or lie under `prefix`? */
export function oidUnder(oid: string, prefix: string): boolean {
  return oid === prefix || oid.startsWith(`${prefix}.`);
}
