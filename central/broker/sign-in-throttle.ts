// Failed broker sign-ins, counted over a sliding window per username and address together, per address,
// and per username. A key with too many failures (plus sign-ins still being checked) is refused before the
// password is hashed, so a flood of guesses costs no scrypt. A gateway that knows its password is not
// locked out by guesses against its name from elsewhere: the per-username limit only stops addresses the
// user has not signed in from before. Pure apart from the injected clock.

export interface SignInThrottleOptions {
  /** Failures count for this long. */
  windowMs: number;
  /** Failed sign-ins of one username from one address per window. */
  maxFailuresPerUserAddress: number;
  /** Failed sign-ins from one address per window, whatever the username. */
  maxFailuresPerAddress: number;
  /** Failed sign-ins of one username per window, from addresses it has never signed in from. */
  maxFailuresPerUser: number;
  /** Keys remembered per kind; the oldest are forgotten first (bounds memory under a spray of names). */
  maxKeys?: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleOptions = {
  windowMs: 300_000,
  maxFailuresPerUserAddress: 5,
  maxFailuresPerAddress: 30,
  maxFailuresPerUser: 100,
};

export type ThrottleLimit = 'user_address' | 'address' | 'user';
export interface SignInTicket {
  readonly keys: { pair: string; address: string; user: string; countsForUser: boolean };
}
export type ThrottleVerdict = { ok: true; ticket: SignInTicket } | { ok: false; limit: ThrottleLimit; retryInMs: number };

/** IPv4 as is (also when mapped into IPv6); IPv6 by its /64, which one site or host usually holds whole. */
export function addressKey(address: string | undefined): string {
  if (!address) return '?';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

interface Window {
  /** Times of the newest failures, oldest first, at most the limit of their kind. */
  failures: number[];
  /** Sign-ins admitted and not yet decided. */
  pending: number;
}

class FailureWindows {
  private readonly keys = new Map<string, Window>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Failures within the window plus pending sign-ins; when at the limit, how long until one expires. */
  load(key: string, nowMs: number): { full: boolean; retryInMs: number } {
    const w = this.keys.get(key);
    if (!w) return { full: false, retryInMs: 0 };
    while (w.failures.length > 0 && w.failures[0]! <= nowMs - this.windowMs) w.failures.shift();
    const full = w.failures.length + w.pending >= this.max;
    return { full, retryInMs: full && w.failures.length > 0 ? w.failures[0]! + this.windowMs - nowMs : 0 };
  }

  reserve(key: string): void {
    const w = this.keys.get(key);
    if (w) w.pending++;
    else this.put(key, { failures: [], pending: 1 });
  }

  settle(key: string, failedAtMs: number | undefined): void {
    const w = this.keys.get(key);
    if (!w) return;
    w.pending = Math.max(0, w.pending - 1);
    if (failedAtMs !== undefined) {
      w.failures.push(failedAtMs);
      if (w.failures.length > this.max) w.failures.shift();
      // Most recently failing last, so the keys forgotten first are the quiet ones.
      this.keys.delete(key);
      this.put(key, w);
    } else if (w.failures.length === 0 && w.pending === 0) {
      this.keys.delete(key);
    }
  }

  forget(key: string): void {
    const w = this.keys.get(key);
    if (w) w.failures = [];
  }

  get size(): number {
    return this.keys.size;
  }

  private put(key: string, w: Window): void {
    this.keys.set(key, w);
    for (const [k, old] of this.keys) {
      if (this.keys.size <= this.maxKeys) break;
      if (old.pending === 0) this.keys.delete(k);
    }
  }
}

/** Addresses each user signed in from lately (a handful per user; users are the credentials file's). */
const KNOWN_ADDRESSES_PER_USER = 8;

export class SignInThrottle {
  private readonly pairs: FailureWindows;
  private readonly addresses: FailureWindows;
  private readonly users: FailureWindows;
  private readonly known = new Map<string, string[]>();

  constructor(private readonly deps: { options: SignInThrottleOptions; nowMs: () => number }) {
    const o = deps.options;
    const maxKeys = o.maxKeys ?? 10_000;
    this.pairs = new FailureWindows(o.maxFailuresPerUserAddress, o.windowMs, maxKeys);
    this.addresses = new FailureWindows(o.maxFailuresPerAddress, o.windowMs, maxKeys);
    this.users = new FailureWindows(o.maxFailuresPerUser, o.windowMs, maxKeys);
  }

  /** Before the password is checked: refused, or admitted with a ticket to hand back to end(). */
  begin(username: string, address: string | undefined): ThrottleVerdict {
    const now = this.deps.nowMs();
    const addr = addressKey(address);
    const user = username.slice(0, 256);
    const keys = { pair: `${addr} ${user}`, address: addr, user, countsForUser: !(this.known.get(user)?.includes(addr) ?? false) };
    const checks: [ThrottleLimit, FailureWindows, string][] = [
      ['user_address', this.pairs, keys.pair],
      ['address', this.addresses, keys.address],
    ];
    if (keys.countsForUser) checks.push(['user', this.users, keys.user]);
    for (const [limit, windows, key] of checks) {
      const l = windows.load(key, now);
      if (l.full) return { ok: false, limit, retryInMs: l.retryInMs };
    }
    this.pairs.reserve(keys.pair);
    this.addresses.reserve(keys.address);
    if (keys.countsForUser) this.users.reserve(keys.user);
    return { ok: true, ticket: { keys } };
  }

  /** After the password was checked; `ok` also means a known user (a refused one counts as a failure). */
  end(ticket: SignInTicket, ok: boolean): void {
    const k = ticket.keys;
    const failedAt = ok ? undefined : this.deps.nowMs();
    this.pairs.settle(k.pair, failedAt);
    this.addresses.settle(k.address, failedAt);
    if (k.countsForUser) this.users.settle(k.user, failedAt);
    if (!ok) return;
    this.pairs.forget(k.pair);
    const seen = (this.known.get(k.user) ?? []).filter((a) => a !== k.address);
    this.known.set(k.user, [...seen, k.address].slice(-KNOWN_ADDRESSES_PER_USER));
  }

  /** Keys held, per kind (for tests: memory stays bounded). */
  sizes(): { pairs: number; addresses: number; users: number } {
    return { pairs: this.pairs.size, addresses: this.addresses.size, users: this.users.size };
  }
}
