// The embedded broker's checks on each connect, publish and subscribe, with a count per refusal reason and
// one (rate-limited) log line per refusal naming the client id, user and topic. Decisions come from the
// credentials (credential-store.ts) and the pure ACL (acl.ts); this file only keeps the books.
import type { Logger } from 'pino';
import { RateLimitedLog } from '../ingest/rate-limited-log.js';
import { ACL_REFUSALS, canPublish, canSubscribe, type Principal } from './acl.js';
import type { AuthResult } from './credential-store.js';

export const CONNECT_REFUSALS = ['no_credentials', 'unknown_user', 'bad_password', 'client_id_in_use'] as const;
export type SecurityRefusal =
  | `connect_${(typeof CONNECT_REFUSALS)[number]}`
  | `publish_${(typeof ACL_REFUSALS)[number]}`
  | `subscribe_${(typeof ACL_REFUSALS)[number]}`;
export const SECURITY_REFUSALS: readonly SecurityRefusal[] = [
  ...CONNECT_REFUSALS.map((r) => `connect_${r}` as const),
  ...ACL_REFUSALS.map((r) => `publish_${r}` as const),
  ...ACL_REFUSALS.map((r) => `subscribe_${r}` as const),
];

export interface Authenticator {
  authenticate(username: string | undefined, password: Buffer | undefined): Promise<AuthResult>;
}

export interface BrokerSecurityDeps {
  credentials: Authenticator;
  log: Logger;
  nowMs?: () => number;
  /** Refusal log lines per reason per minute; counts stay exact. */
  logBurst?: number;
}

export type ConnectDecision = { ok: true; principal: Principal } | { ok: false; reason: (typeof CONNECT_REFUSALS)[number]; returnCode: 2 | 4 | 5 };

export class BrokerSecurity {
  private readonly counts = new Map<SecurityRefusal, number>(SECURITY_REFUSALS.map((r) => [r, 0]));
  private readonly refusalLog: RateLimitedLog;

  constructor(private readonly deps: BrokerSecurityDeps) {
    this.refusalLog = new RateLimitedLog({ log: deps.log, nowMs: deps.nowMs ?? (() => performance.now()), options: { burst: deps.logBurst ?? 20, windowMs: 60_000 } });
  }

  /**
   * `holderOf` names the user currently connected under this client id, if any: a client id held by another
   * user is refused, so one gateway cannot kick another off or take over its session (MQTT-3.1.4-2).
   */
  async connect(clientId: string, username: string | undefined, password: Buffer | undefined, holderOf: (clientId: string) => string | undefined): Promise<ConnectDecision> {
    const auth = await this.deps.credentials.authenticate(username, password);
    if (!auth.ok) {
      this.refuse(`connect_${auth.reason}`, { clientId, username });
      return { ok: false, reason: auth.reason, returnCode: auth.reason === 'no_credentials' ? 5 : 4 };
    }
    const holder = holderOf(clientId);
    if (holder !== undefined && holder !== auth.principal.username) {
      this.refuse('connect_client_id_in_use', { clientId, username, heldBy: holder });
      return { ok: false, reason: 'client_id_in_use', returnCode: 2 };
    }
    return { ok: true, principal: auth.principal };
  }

  publish(p: Principal, clientId: string, topic: string): boolean {
    const d = canPublish(p, topic);
    if (!d.allowed) this.refuse(`publish_${d.reason}`, { clientId, username: p.username, topic: topic.slice(0, 256) });
    return d.allowed;
  }

  subscribe(p: Principal, clientId: string, filter: string): boolean {
    const d = canSubscribe(p, filter);
    if (!d.allowed) this.refuse(`subscribe_${d.reason}`, { clientId, username: p.username, topic: filter.slice(0, 256) });
    return d.allowed;
  }

  refusals(): Record<SecurityRefusal, number> {
    return Object.fromEntries(this.counts) as Record<SecurityRefusal, number>;
  }

  private refuse(reason: SecurityRefusal, fields: Record<string, unknown>): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    this.refusalLog.warn(reason, fields, `refused: ${reason.replace(/_/g, ' ')}`);
  }
}
