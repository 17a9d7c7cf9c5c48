// Who is calling: users with scrypt-hashed passwords (the broker's hashing, central/broker/passwords.ts),
// API tokens for scripts and sign-in sessions for browsers, both random secrets stored as SHA-256.
// Constructed from deps, no I/O until called; failed sign-ins are limited per username and per client
// address (limiter.ts), and an unknown name costs what a known one does (dummy-hash.ts).
import type { Logger } from 'pino';
import { DEFAULT_SCRYPT, generatePassword, hashPassword, verifyPassword, type ScryptParams } from '../broker/passwords.js';
import type { AccessStore, Role, StoredSecret, StoredUser } from '../storage/access/types.js';
import { commonShape, defaultShape, dummyHash } from './dummy-hash.js';
import { FailureLimiter, type LimitedKey } from './limiter.js';
import { newSecret, parseSecret, sameHash, SESSION_PREFIX, TOKEN_PREFIX } from './secrets.js';

/** The caller of a request, as every route sees it. */
export interface Principal {
  username: string;
  role: Role;
  /** Set exactly for role customer: everything it sees is confined to this customer. */
  customer?: string;
  via: 'token' | 'session';
}

export interface AuthDeps {
  store: AccessStore;
  clock: { now(): number };
  log: Logger;
  /** Whether a customer id exists (the current model); users of unknown customers are refused. */
  customerExists?: (id: string) => boolean;
  scrypt?: ScryptParams;
  sessionTtlMs?: number;
  limits?: Partial<SignInLimits>;
}

/** How many failed sign-ins within the window a username, and a client address, may have before they wait. */
export interface SignInLimits {
  perUsername: number;
  /** Higher than perUsername: behind a proxy every user may share one address. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perUsername: 5, perAddress: 50, windowMs: 15 * 60_000 };
/** How long the dummy hash's shape is kept before the stored hashes are looked at again. */
const DUMMY_REFRESH_MS = 60_000;

export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

export type LoginResult =
  | { ok: true; principal: Principal; session: string; expiresAt: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'blocked'; retryAfterMs: number };

export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;
const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

export class AuthService {
  readonly limiter: FailureLimiter;
  readonly limits: SignInLimits;
  private dummy: { hash: string; atMs: number } | undefined;

  constructor(private readonly deps: AuthDeps) {
    this.limits = { ...DEFAULT_SIGN_IN_LIMITS, ...deps.limits };
    this.limiter = new FailureLimiter(this.limits.windowMs);
  }

  /** The hash an unknown username is checked against, shaped like the stored ones (refreshed every minute). */
  async dummyHash(nowMs: number): Promise<string> {
    if (!this.dummy || nowMs - this.dummy.atMs >= DUMMY_REFRESH_MS || nowMs < this.dummy.atMs) {
      const shape = commonShape(await this.deps.store.users()) ?? defaultShape(this.deps.scrypt ?? DEFAULT_SCRYPT);
      this.dummy = { hash: dummyHash(shape), atMs: nowMs };
    }
    return this.dummy.hash;
  }

  private principalOf(u: StoredUser, via: Principal['via']): Principal {
    return { username: u.username, role: u.role, customer: u.customer, via };
  }

  /** The limiter's keys of an attempt: the username (any letter case: one account) and the client address. */
  private keysOf(username: string, client: string): LimitedKey[] {
    return [
      { key: `user:${username.toLowerCase()}`, max: this.limits.perUsername },
      { key: `addr:${client}`, max: this.limits.perAddress },
    ];
  }

  /**
   * Checks a password. The attempt is reserved before anything is awaited and counted as a failure until it
   * ends, so concurrent attempts never evaluate more passwords than the limits allow.
   */
  async login(username: string, password: string, client: string): Promise<LoginResult> {
    const now = this.deps.clock.now();
    const keys = this.keysOf(username, client);
    const r = this.limiter.reserve(keys, now);
    if (!r.ok) {
      this.deps.log.warn({ username, client, refused: this.limiter.refusedTotal }, 'sign-in refused: too many failures');
      return { ok: false, reason: 'blocked', retryAfterMs: r.retryAfterMs };
    }
    let user: StoredUser | undefined;
    let good: boolean;
    try {
      // The dummy is looked up for every attempt alike, so its occasional refresh does not mark unknown names.
      const dummy = await this.dummyHash(now);
      user = USERNAME.test(username) ? await this.deps.store.user(username) : undefined;
      good = await verifyPassword(password, user?.passwordHash ?? dummy);
    } catch (err) {
      r.attempt.release();
      throw err;
    }
    if (!user || !good) {
      r.attempt.fail(this.deps.clock.now());
      this.deps.log.warn({ username, client, failed: this.limiter.failedTotal }, 'sign-in failed');
      return { ok: false, reason: 'invalid' };
    }
    r.attempt.release();
    const s = newSecret(SESSION_PREFIX);
    const expiresAt = now + (this.deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
    await this.deps.store.addSecret('session', {
      id: s.id,
      username,
      hash: s.hash,
      label: undefined,
      createdAt: now,
      expiresAt,
      revokedAt: undefined,
    });
    this.deps.log.info({ username, role: user.role }, 'signed in');
    return { ok: true, principal: this.principalOf(user, 'session'), session: s.text, expiresAt };
  }

  async logout(session: string): Promise<void> {
    const p = parseSecret(session, SESSION_PREFIX);
    if (p) await this.deps.store.revokeSecret('session', p.id, this.deps.clock.now());
  }

  /** The principal of a bearer token or a session cookie; undefined when neither is valid. */
  async authenticate(creds: { bearer?: string; session?: string }): Promise<Principal | undefined> {
    const now = this.deps.clock.now();
    const check = async (text: string, kind: 'token' | 'session'): Promise<Principal | undefined> => {
      const p = parseSecret(text, kind === 'token' ? TOKEN_PREFIX : SESSION_PREFIX);
      if (!p) return undefined;
      const row = await this.deps.store.secret(kind, p.id);
      if (!row || !sameHash(row.hash, p.hash) || row.revokedAt !== undefined || (row.expiresAt !== undefined && row.expiresAt <= now))
        return undefined;
      const user = await this.deps.store.user(row.username);
      return user && this.principalOf(user, kind);
    };
    if (creds.bearer !== undefined) return check(creds.bearer, 'token');
    if (creds.session !== undefined) return check(creds.session, 'session');
    return undefined;
  }

  private validate(username: string, role: Role, customer: string | undefined): void {
    if (!USERNAME.test(username)) throw new AuthError(`username "${username}": letters, digits, "_", ".", "@", "-" (up to 128)`);
    if (role === 'customer' && !customer) throw new AuthError('a customer user needs --customer');
    if (role !== 'customer' && customer) throw new AuthError(`--customer is only for role customer, not ${role}`);
    if (customer && this.deps.customerExists && !this.deps.customerExists(customer)) throw new AuthError(`unknown customer "${customer}"`);
  }

  /** Adds a user; the password is generated when not given and returned (shown once). */
  async addUser(spec: {
    username: string;
    role: Role;
    customer?: string;
    password?: string;
  }): Promise<{ user: StoredUser; password: string }> {
    this.validate(spec.username, spec.role, spec.customer);
    if (await this.deps.store.user(spec.username)) throw new AuthError(`user "${spec.username}" exists; use passwd or remove it first`);
    const password = spec.password ?? generatePassword();
    const now = this.deps.clock.now();
    const user: StoredUser = {
      username: spec.username,
      role: spec.role,
      customer: spec.customer,
      passwordHash: await hashPassword(password, this.deps.scrypt ?? DEFAULT_SCRYPT),
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.putUser(user);
    this.dummy = undefined;
    return { user, password };
  }

  /** Sets a new password (generated when not given) and ends the user's sessions. */
  async setPassword(username: string, password?: string): Promise<string> {
    const user = await this.deps.store.user(username);
    if (!user) throw new AuthError(`no user "${username}"`);
    const next = password ?? generatePassword();
    const now = this.deps.clock.now();
    await this.deps.store.putUser({ ...user, passwordHash: await hashPassword(next, this.deps.scrypt ?? DEFAULT_SCRYPT), updatedAt: now });
    this.dummy = undefined;
    for (const s of await this.deps.store.secrets('session', username)) await this.deps.store.revokeSecret('session', s.id, now);
    return next;
  }

  async removeUser(username: string): Promise<boolean> {
    this.dummy = undefined;
    return this.deps.store.removeUser(username, this.deps.clock.now());
  }

  users(): Promise<StoredUser[]> {
    return this.deps.store.users();
  }

  /** A new API token of a user, with its role and customer; the text is returned once. */
  async createToken(username: string, label?: string): Promise<{ token: StoredSecret; text: string }> {
    if (!(await this.deps.store.user(username))) throw new AuthError(`no user "${username}"`);
    const s = newSecret(TOKEN_PREFIX);
    const token: StoredSecret = {
      id: s.id,
      username,
      hash: s.hash,
      label,
      createdAt: this.deps.clock.now(),
      expiresAt: undefined,
      revokedAt: undefined,
    };
    await this.deps.store.addSecret('token', token);
    return { token, text: s.text };
  }

  /** By id or by the whole token text. */
  async revokeToken(ref: string): Promise<boolean> {
    const id = parseSecret(ref, TOKEN_PREFIX)?.id ?? ref;
    return this.deps.store.revokeSecret('token', id, this.deps.clock.now());
  }

  tokens(username?: string): Promise<StoredSecret[]> {
    return this.deps.store.secrets('token', username);
  }
}
