// The credentials file as the running broker sees it: read at start, re-read when it changes on disk (so
// provisioning a gateway or rotating a password needs no restart). A bad edit keeps the last good users.
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Principal } from './acl.js';
import { type BrokerUser, principalOf, readCredentials } from './credentials.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: 'unknown_user' | 'bad_password' | 'no_credentials' };

export interface CredentialStoreDeps {
  file: string;
  log: Logger;
}

export class CredentialStore {
  private users = new Map<string, BrokerUser>();
  private stamp = '';
  private failedStamp = '';
  private refreshing: Promise<void> | undefined;
  private dummyHash: Promise<string> | undefined;
  reloadFailures = 0;

  constructor(private readonly deps: CredentialStoreDeps) {}

  /** First read; a broken file is a ConfigError here (refuse to start), later only a logged error. */
  async load(): Promise<void> {
    const st = await stat(this.deps.file);
    this.install(await readCredentials(this.deps.file), `${st.ino}:${st.mtimeMs}:${st.size}`);
  }

  get size(): number {
    return this.users.size;
  }

  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<AuthResult> {
    if (!username || !password) return { ok: false, reason: 'no_credentials' };
    await this.refresh();
    const user = this.users.get(username);
    // An unknown user costs the same scrypt as a known one, so timing does not tell which names exist.
    const stored = user?.scrypt ?? (await (this.dummyHash ??= hashPassword('unused')));
    const ok = await verifyPassword(password.toString('utf8'), stored);
    if (!user) return { ok: false, reason: 'unknown_user' };
    return ok ? { ok: true, principal: principalOf(user) } : { ok: false, reason: 'bad_password' };
  }

  /** The user as the file had it at the last sign-in (re-read then); undefined once removed. */
  principalOf(username: string): Principal | undefined {
    const user = this.users.get(username);
    return user ? principalOf(user) : undefined;
  }

  private refresh(): Promise<void> {
    return (this.refreshing ??= this.reloadIfChanged().finally(() => {
      this.refreshing = undefined;
    }));
  }

  private async reloadIfChanged(): Promise<void> {
    let stamp = 'missing';
    try {
      const st = await stat(this.deps.file);
      stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
      if (stamp === this.stamp || stamp === this.failedStamp) return;
      this.install(await readCredentials(this.deps.file), stamp);
      this.deps.log.info({ file: this.deps.file, users: this.users.size }, 'broker credentials reloaded');
    } catch (err) {
      if (stamp === this.failedStamp) return;
      // Logged once per broken version of the file, not once per connect.
      this.failedStamp = stamp;
      this.reloadFailures++;
      this.deps.log.error({ file: this.deps.file, err }, 'broker credentials not reloaded; keeping the last good ones');
    }
  }

  private install(c: { users: BrokerUser[] }, stamp: string): void {
    this.users = new Map(c.users.map((u) => [u.username, u]));
    this.stamp = stamp;
  }
}
