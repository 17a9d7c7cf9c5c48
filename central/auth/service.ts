// Who is calling: users with scrypt-hashed passwords (the broker's hashing, central/broker/passwords.ts),
// API tokens for scripts and sign-in sessions for browsers, both random secrets stored as SHA-256.
// Constructed from deps, no I/O until called; failed sign-ins are counted and slowed (limiter.ts).
import type { Logger } from 'pino';
import { DEFAULT_SCRYPT, generatePassword, hashPassword, verifyPassword, type ScryptParams } from '../broker/passwords.js';
import type { AccessStore, Role, StoredSecret, StoredUser } from '../storage/access-types.js';
import { FailureLimiter } from './limiter.js';
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
  limiter?: FailureLimiter;
}

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
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: AuthDeps) {
    this.limiter = deps.limiter ?? new FailureLimiter();
  }

  private principalOf(u: StoredUser, via: Principal['via']): Principal {
    return { username: u.username, role: u.role, ...(u.customer !== undefined ? { customer: u.customer } : {}), via };
  }

  async login(username: string, password: string, client: string): Promise<LoginResult> {
    const now = this.deps.clock.now();
    const keys = [`user:${username}`, `addr:${client}`];
    const wait = this.limiter.retryAfterMs(keys, now);
    if (wait > 0) {
      this.deps.log.warn({ username, client }, 'sign-in refused: too many failures');
      return { ok: false, reason: 'blocked', retryAfterMs: wait };
    }
    const user = USERNAME.test(username) ? await this.deps.store.user(username) : undefined;
    // An unknown user costs the same scrypt as a known one, so timing does not tell which names exist.
    this.dummyHash ??= hashPassword(generatePassword(), this.deps.scrypt ?? DEFAULT_SCRYPT);
    const good = await verifyPassword(password, user?.passwordHash ?? await this.dummyHash);
    if (!user || !good) {
      this.limiter.fail(keys, now);
      this.deps.log.warn({ username, client, failed: this.limiter.failedTotal }, 'sign-in failed');
      return { ok: false, reason: 'invalid' };
    }
    this.limiter.succeed(keys[0]!);
    const s = newSecret(SESSION_PREFIX);
    const expiresAt = now + (this.deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
    await this.deps.store.addSecret('session', { id: s.id, username, hash: s.hash, label: undefined, createdAt: now, expiresAt, revokedAt: undefined });
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
      if (!row || !sameHash(row.hash, p.hash) || row.revokedAt !== undefined || (row.expiresAt !== undefined && row.expiresAt <= now)) return undefined;
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
  async addUser(spec: { username: string; role: Role; customer?: string; password?: string }): Promise<{ user: StoredUser; password: string }> {
    this.validate(spec.username, spec.role, spec.customer);
    if (await this.deps.store.user(spec.username)) throw new AuthError(`user "${spec.username}" exists; use passwd or remove it first`);
    const password = spec.password ?? generatePassword();
    const now = this.deps.clock.now();
    const user: StoredUser = { username: spec.username, role: spec.role, customer: spec.customer, passwordHash: await hashPassword(password, this.deps.scrypt ?? DEFAULT_SCRYPT), createdAt: now, updatedAt: now };
    await this.deps.store.putUser(user);
    return { user, password };
  }

  /** Sets a new password (generated when not given) and ends the user's sessions. */
  async setPassword(username: string, password?: string): Promise<string> {
    const user = await this.deps.store.user(username);
    if (!user) throw new AuthError(`no user "${username}"`);
    const next = password ?? generatePassword();
    const now = this.deps.clock.now();
    await this.deps.store.putUser({ ...user, passwordHash: await hashPassword(next, this.deps.scrypt ?? DEFAULT_SCRYPT), updatedAt: now });
    for (const s of await this.deps.store.secrets('session', username)) await this.deps.store.revokeSecret('session', s.id, now);
    return next;
  }

  async removeUser(username: string): Promise<boolean> {
    return this.deps.store.removeUser(username, this.deps.clock.now());
  }

  users(): Promise<StoredUser[]> {
    return this.deps.store.users();
  }

  /** A new API token of a user, with its role and customer; the text is returned once. */
  async createToken(username: string, label?: string): Promise<{ token: StoredSecret; text: string }> {
    if (!(await this.deps.store.user(username))) throw new AuthError(`no user "${username}"`);
    const s = newSecret(TOKEN_PREFIX);
    const token: StoredSecret = { id: s.id, username, hash: s.hash, label, createdAt: this.deps.clock.now(), expiresAt: undefined, revokedAt: undefined };
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
