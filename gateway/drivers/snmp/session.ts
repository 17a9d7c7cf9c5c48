// A promise-shaped SNMP client for one agent (net-snmp underneath), v2c or v3, with its own counters.
// GETBULK repetitions shrink when an agent answers tooBig and the smaller size is kept.
import type { Socket } from 'node:dgram';
import snmp from 'net-snmp';
import { messageRequestId } from './ber.js';
import { Counters } from '../../status/counters.js';
import type { TableRows } from './rows.js';

export const SNMP_COUNTERS = [
  'requests',
  'timeouts',
  'errors',
  'too_big',
  'stale_responses',
  'malformed',
  'bad_values',
  'bad_rows',
  'skipped_backoff',
] as const;
export type SnmpCounter = (typeof SNMP_COUNTERS)[number];

export interface SnmpV3User {
  name: string;
  level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  authProtocol?: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  authKey?: string;
  privProtocol?: 'des' | 'aes' | 'aes256b' | 'aes256r';
  privKey?: string;
}

export interface SnmpTarget {
  host: string;
  port: number;
  version: '2c' | '3';
  community?: string;
  user?: SnmpV3User;
  timeoutMs: number;
  retries: number;
  maxRepetitions: number;
}

export class SnmpError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'error',
  ) {
    super(message);
    this.name = 'SnmpError';
  }
}

type NetSnmpSession = ReturnType<typeof snmp.createSession> & { reqs?: Record<string, unknown>; dgram?: Socket };

/** Our v3 user in net-snmp's terms (shared with the simulator's agents). */
export function netSnmpUser(u: SnmpV3User): snmp.User {
  return {
    name: u.name,
    level: snmp.SecurityLevel[u.level],
    ...(u.authProtocol ? { authProtocol: snmp.AuthProtocols[u.authProtocol], authKey: u.authKey } : {}),
    ...(u.privProtocol ? { privProtocol: snmp.PrivProtocols[u.privProtocol], privKey: u.privKey } : {}),
  } as snmp.User;
}

function openSession(t: SnmpTarget): NetSnmpSession {
  const common = { port: t.port, timeout: t.timeoutMs, retries: t.retries, transport: 'udp4' as const };
  if (t.version === '3') {
    return snmp.createV3Session(t.host, netSnmpUser(t.user!), { ...common, version: snmp.Version3 } as never) as NetSnmpSession;
  }
  return snmp.createSession(t.host, t.community ?? 'public', { ...common, version: snmp.Version2c }) as NetSnmpSession;
}

export class SnmpClient {
  readonly counters: Counters<SnmpCounter>;
  private session: NetSnmpSession;
  private maxRepetitions: number;

  constructor(
    private readonly target: SnmpTarget,
    counters = new Counters<SnmpCounter>(),
  ) {
    this.counters = counters;
    this.maxRepetitions = target.maxRepetitions;
    this.session = this.open();
  }

  private open(): NetSnmpSession {
    const s = openSession(this.target);
    s.on('error', () => this.counters.inc('malformed'));
    // net-snmp drops an answer whose request id matches nothing outstanding without a word; count it
    // before net-snmp sees the datagram.
    s.dgram?.prependListener('message', (buf: Buffer) => {
      const id = messageRequestId(buf);
      if (id === undefined) this.counters.inc('malformed');
      else if (s.reqs && !(id in s.reqs)) this.counters.inc('stale_responses');
    });
    return s;
  }

  /** Values of many OIDs in one GET; a missing instance is undefined. */
  get(oids: readonly string[]): Promise<unknown[]> {
    this.counters.inc('requests');
    return new Promise((resolve, reject) => {
      this.session.get([...oids], (err, vbs) => {
        if (err) return reject(this.fail(err));
        resolve((vbs ?? []).map((vb) => (snmp.isVarbindError(vb) ? undefined : vb.value)));
      });
    });
  }

  /** GETBULK walk of only these columns of a table. */
  async tableColumns(tableOid: string, columns: readonly number[]): Promise<TableRows> {
    for (;;) {
      this.counters.inc('requests');
      try {
        return await new Promise<TableRows>((resolve, reject) => {
          this.session.tableColumns(tableOid, columns as unknown as string[], this.maxRepetitions, (err, table) =>
            err ? reject(err) : resolve(table as unknown as TableRows),
          );
        });
      } catch (err) {
        if (isTooBig(err) && this.maxRepetitions > 1) {
          this.counters.inc('too_big');
          this.maxRepetitions = Math.max(1, Math.floor(this.maxRepetitions / 2));
          continue;
        }
        throw this.fail(err);
      }
    }
  }

  /** Drops every outstanding request (after a budget ran out) and starts afresh. */
  reset(): void {
    this.close();
    this.session = this.open();
  }

  close(): void {
    try {
      this.session.close();
    } catch {
      // already closed
    }
  }

  private fail(err: unknown): SnmpError {
    const timeout = err instanceof RequestTimedOutError;
    this.counters.inc(timeout ? 'timeouts' : 'errors');
    return new SnmpError(err instanceof Error ? err.message : String(err), timeout ? 'timeout' : 'error');
  }
}

/** net-snmp exports its timeout class; @types/net-snmp declares only its interface, not the value. */
const RequestTimedOutError = (snmp as unknown as { RequestTimedOutError: abstract new (...args: never[]) => Error }).RequestTimedOutError;

function isTooBig(err: unknown): boolean {
  return err instanceof Error && (err as { status?: number }).status === snmp.ErrorStatus.TooBig;
}
