// What `gateway scan --snmp` may scan: one IPv4 address, an IPv4 block of at most 4094 hosts, or a host name
// that resolves to IPv4. Anything else is refused with what is wrong, never scanned as a "host" that cannot
// answer (a typo would otherwise end in "no PDU answered", as if the room had no PDU). Pure, except resolve.
import { lookup } from 'node:dns/promises';
import { isIPv6 } from 'node:net';

/** The largest block a scan covers: /20, 4094 hosts. */
export const MIN_PREFIX_BITS = 20;

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** A scan target: the addresses of an IPv4 spec, or a name to resolve first. */
export type ScanTargets = { hosts: string[] } | { name: string };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*\\.?$`);
const WANTED = 'give an IPv4 address (10.1.2.3), an IPv4 block (10.1.2.0/24) or a host name';

/** Parses a `--snmp` spec; throws TargetError saying what is wrong with it. */
export function parseTargets(raw: string): ScanTargets {
  const spec = raw.trim();
  const [address = '', bits] = spec.split('/');
  if (spec.includes(':')) {
    if (!isIPv6(address)) throw new TargetError(`"${spec}" is not an address: ${WANTED}`);
    const size =
      bits !== undefined && /^\d{1,3}$/.test(bits) && Number(bits) <= 128
        ? ` (and a /${bits} block holds 2^${128 - Number(bits)} addresses, a scan covers ${2 ** (32 - MIN_PREFIX_BITS) - 2})`
        : '';
    throw new TargetError(`"${spec}": IPv6 is not supported, the gateway polls SNMP over IPv4${size}; ${WANTED}`);
  }
  const m = IPV4.exec(spec);
  if (m) return { hosts: expandBlock(spec, m) };
  if (bits !== undefined && IPV4.test(address))
    throw new TargetError(`"${spec}": the prefix after "/" is a number, /${MIN_PREFIX_BITS} to /32`);
  if (/^[\d./]+$/.test(spec)) throw new TargetError(`"${spec}" is not an IPv4 address or block: ${WANTED}`);
  if (spec.includes('/')) throw new TargetError(`"${spec}": a block must be IPv4, such as 10.1.2.0/24`);
  if (!HOST_NAME.test(spec)) throw new TargetError(`"${spec}" is not an address or a host name: ${WANTED}`);
  return { name: spec };
}

function expandBlock(spec: string, m: RegExpExecArray): string[] {
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) throw new TargetError(`"${spec}" is not an IPv4 address: each part is 0-255`);
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) throw new TargetError(`"${spec}": an IPv4 prefix is /0 to /32`);
  if (bits < MIN_PREFIX_BITS) {
    throw new TargetError(
      `"${spec}" is too large: ${2 ** (32 - bits) - 2} hosts; a scan covers /${MIN_PREFIX_BITS} (${2 ** (32 - MIN_PREFIX_BITS) - 2} hosts) to /32: scan it in parts`,
    );
  }
  const base = (((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0) & ((~0 << (32 - bits)) >>> 0);
  const size = 2 ** (32 - bits);
  const first = size > 2 ? 1 : 0;
  const last = size > 2 ? size - 2 : size - 1;
  const out: string[] = [];
  for (let i = first; i <= last; i++) {
    const a = (base + i) >>> 0;
    out.push([a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.'));
  }
  return out;
}

const RESOLVE_TIMEOUT_MS = 5000;

/** The hosts to scan: a name is kept as given once it resolves to an IPv4 address (net-snmp sends over udp4). */
export async function resolveTargets(t: ScanTargets, resolve = (name: string) => lookup(name, { family: 4 })): Promise<string[]> {
  if ('hosts' in t) return t.hosts;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${RESOLVE_TIMEOUT_MS} ms`)), RESOLVE_TIMEOUT_MS);
  });
  try {
    await Promise.race([resolve(t.name), late]);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new TargetError(`"${t.name}" is not an IPv4 address or block, and no host of that name resolves to IPv4 (${why}); ${WANTED}`);
  } finally {
    clearTimeout(timer);
  }
  return [t.name];
}
