// The embedded broker's checks on each connect, publish and subscribe, with a count per refusal reason and
// one (rate-limited) log line per refusal naming the client id, user and topic. Decisions come from the
// credentials (credential-store.ts), the pure ACL (acl.ts) and the sign-in throttle (sign-in-throttle.ts);
// this file applies them in order and keeps the books.
import type { Logger } from 'pino';
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import { ACL_REFUSALS, canPublish, canSubscribe, type Principal } from './acl.js';
import type { GuardRefusal } from './connection-guard.js';
import type { AuthResult } from './credential-store.js';
import { DEFAULT_SIGN_IN_THROTTLE, SignInThrottle, type SignInThrottleOptions } from './sign-in-throttle.js';

export const CONNECT_REFUSALS = [
  'no_credentials',
  'unknown_user',
  'bad_password',
  'throttled',
  'client_id_in_use',
  'client_id_owned',
  'will_not_permitted',
] as const;
export type ConnectRefusal = (typeof CONNECT_REFUSALS)[number];
export type SecurityRefusal =
  | `connect_${ConnectRefusal}`
  | GuardRefusal
  | 'stale_will_not_permitted'
  | `publish_${(typeof ACL_REFUSALS)[number]}`
  | `subscribe_${(typeof ACL_REFUSALS)[number]}`;
export const SECURITY_REFUSALS: readonly SecurityRefusal[] = [
  ...CONNECT_REFUSALS.map((r) => `connect_${r}` as const),
  'connect_timeout',
  'packet_too_large',
  'stale_will_not_permitted',
  ...ACL_REFUSALS.map((r) => `publish_${r}` as const),
  ...ACL_REFUSALS.map((r) => `subscribe_${r}` as const),
];

export interface Authenticator {
  authenticate(username: string | undefined, password: Buffer | undefined): Promise<AuthResult>;
  /** The user as the credentials have it now; undefined once removed. */
  principalOf(username: string): Principal | undefined;
}

export interface BrokerSecurityDeps {
  credentials: Authenticator;
  log: Logger;
  /** Monotonic milliseconds, for the sign-in throttle's window and the log's rate limit. */
  nowMs?: () => number;
  throttle?: SignInThrottleOptions;
  /** Refusal log lines per reason per minute; counts stay exact. */
  logBurst?: number;
}

export interface ConnectRequest {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  /** The peer's address, for the sign-in throttle. */
  address: string | undefined;
  clean: boolean;
  will: { topic: string } | undefined;
}

export interface ConnectContext {
  /** The user connected under this client id now, if any. */
  holderOf(clientId: string): string | undefined;
  /** The user whose session or will the broker's database holds under this client id, if any. */
  ownerOf(clientId: string): string | undefined;
  /** Whether the database holds a session under this client id (asked only when it has no owner). */
  hasSession(clientId: string): Promise<boolean>;
}

export type ConnectDecision =
  { ok: true; principal: Principal; discardSession: boolean } | { ok: false; reason: ConnectRefusal; returnCode: 2 | 3 | 4 | 5 };

export class BrokerSecurity {
  private readonly counts = new Map<SecurityRefusal, number>(SECURITY_REFUSALS.map((r) => [r, 0]));
  private readonly refusalLog: RateLimitedLog;
  private readonly throttle: SignInThrottle;

  constructor(private readonly deps: BrokerSecurityDeps) {
    const nowMs = deps.nowMs ?? (() => performance.now());
    this.refusalLog = new RateLimitedLog({ log: deps.log, nowMs, options: { burst: deps.logBurst ?? 20, windowMs: 60_000 } });
    this.throttle = new SignInThrottle({ options: deps.throttle ?? DEFAULT_SIGN_IN_THROTTLE, nowMs });
  }

  /**
   * In order: credentials present; the sign-in throttle (before any password hashing); the password; the
   * client id not held by another connected user (MQTT-3.1.4-2 would kick it off) nor owning another
   * user's session or will; the will's topic within the user's ACL (a will is a publish made later).
   */
  async connect(req: ConnectRequest, ctx: ConnectContext): Promise<ConnectDecision> {
    const { clientId, username, address } = req;
    if (!username || !req.password) return this.refuseConnect('no_credentials', 5, { clientId, username, address });
    const admitted = this.throttle.begin(username, address);
    if (!admitted.ok)
      return this.refuseConnect('throttled', 3, {
        clientId,
        username,
        address,
        limit: admitted.limit,
        retryInS: Math.ceil(admitted.retryInMs / 1000),
      });
    let auth: AuthResult = { ok: false, reason: 'bad_password' };
    try {
      auth = await this.deps.credentials.authenticate(username, req.password);
    } finally {
      this.throttle.end(admitted.ticket, auth.ok);
    }
    if (!auth.ok) return this.refuseConnect(auth.reason, auth.reason === 'no_credentials' ? 5 : 4, { clientId, username, address });
    const principal = auth.principal;
    const holder = ctx.holderOf(clientId);
    if (holder !== undefined && holder !== username)
      return this.refuseConnect('client_id_in_use', 2, { clientId, username, heldBy: holder });
    if (req.will) {
      const d = canPublish(principal, req.will.topic);
      if (!d.allowed)
        return this.refuseConnect('will_not_permitted', 5, { clientId, username, topic: req.will.topic.slice(0, 256), acl: d.reason });
    }
    const owner = ctx.ownerOf(clientId);
    if (owner !== undefined && owner !== username) {
      if (this.deps.credentials.principalOf(owner)) {
        return this.refuseConnect('client_id_owned', 2, {
          clientId,
          username,
          owner,
          hint: `the client id holds the session of user ${owner}: connect with a client id of your own`,
        });
      }
      this.deps.log.info({ clientId, username, owner }, 'discarding the session of a removed user under this client id');
      return { ok: true, principal, discardSession: true };
    }
    if (owner === undefined && !req.clean && (await ctx.hasSession(clientId))) {
      // Stored before sessions had owners: nobody can say whose it is, so nobody resumes it.
      this.deps.log.info({ clientId, username }, 'discarding a session stored without an owner');
      return { ok: true, principal, discardSession: true };
    }
    return { ok: true, principal, discardSession: false };
  }

  /**
   * A Last Will the database held from before this broker started (aedes publishes it with no client):
   * allowed only if the user who set it still exists and may still publish there. Returns that user.
   */
  staleWill(clientId: string, topic: string, owner: string | undefined): Principal | undefined {
    const principal = owner === undefined ? undefined : this.deps.credentials.principalOf(owner);
    const d = principal ? canPublish(principal, topic) : undefined;
    if (principal && d?.allowed) return principal;
    const why = !principal ? 'owner unknown' : d && !d.allowed ? d.reason : 'not_permitted';
    this.refuse('stale_will_not_permitted', { clientId, owner: owner ?? '(none recorded)', topic: topic.slice(0, 256), why });
    return undefined;
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

  /** A connection closed before it signed in (connection-guard.ts). */
  refuseConnection(reason: GuardRefusal, fields: Record<string, unknown>): void {
    this.refuse(reason, fields);
  }

  refusals(): Record<SecurityRefusal, number> {
    return Object.fromEntries(this.counts) as Record<SecurityRefusal, number>;
  }

  private refuseConnect(reason: ConnectRefusal, returnCode: 2 | 3 | 4 | 5, fields: Record<string, unknown>): ConnectDecision {
    this.refuse(`connect_${reason}`, fields);
    return { ok: false, reason, returnCode };
  }

  private refuse(reason: SecurityRefusal, fields: Record<string, unknown>): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    this.refusalLog.warn(reason, fields, `refused: ${reason.replace(/_/g, ' ')}`);
  }
}
