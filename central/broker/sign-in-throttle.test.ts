import t from 'tap';
import { addressKey, SignInThrottle, type SignInThrottleOptions } from './sign-in-throttle.js';

const OPTIONS: SignInThrottleOptions = {
  windowMs: 60_000,
  maxFailuresPerUserAddress: 3,
  maxFailuresPerAddress: 10,
  maxFailuresPerUser: 20,
};

function setup(o: Partial<SignInThrottleOptions> = {}) {
  let now = 1_000_000;
  const throttle = new SignInThrottle({ options: { ...OPTIONS, ...o }, nowMs: () => now });
  /** One sign-in: refused by the throttle (its limit), or checked with the given outcome. */
  const attempt = (user: string, addr: string, ok: boolean): string => {
    const v = throttle.begin(user, addr);
    if (!v.ok) return v.limit;
    throttle.end(v.ticket, ok);
    return ok ? 'ok' : 'failed';
  };
  return {
    throttle,
    attempt,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

t.test('addresses: IPv4 as is, mapped IPv4 unwrapped, IPv6 by /64', async (t) => {
  t.equal(addressKey('10.0.0.7'), '10.0.0.7');
  t.equal(addressKey('::ffff:10.0.0.7'), '10.0.0.7');
  t.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  t.equal(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  t.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
  t.equal(addressKey(undefined), '?');
});

t.test('one username from one address: locked after the limit, free again when the window passes', async (t) => {
  const { attempt, advance } = setup();
  t.same(
    [1, 2, 3, 4, 5].map(() => attempt('gw-a1', '10.0.0.9', false)),
    ['failed', 'failed', 'failed', 'user_address', 'user_address'],
  );
  t.equal(attempt('gw-a1', '10.0.0.9', true), 'user_address', 'even the right password waits: it is not checked at all');
  t.equal(attempt('gw-a1', '10.0.0.1', true), 'ok', 'the gateway at its own address signs in meanwhile');
  advance(59_999);
  t.equal(attempt('gw-a1', '10.0.0.9', true), 'user_address', 'still within the window');
  advance(1);
  t.equal(attempt('gw-a1', '10.0.0.9', true), 'ok', 'the oldest failures expired');
  t.equal(attempt('gw-a1', '10.0.0.9', false), 'failed', "a success cleared that pair's failures");
});

t.test('one address trying many usernames is locked for every name', async (t) => {
  const { attempt } = setup();
  const results = Array.from({ length: 15 }, (_, i) => attempt(`guess-${i}`, '10.0.0.9', false));
  t.equal(results.filter((r) => r === 'failed').length, 10);
  t.same(results.slice(10), Array(5).fill('address'));
  t.equal(attempt('gw-a1', '10.0.0.9', true), 'address');
  t.equal(attempt('gw-a1', '10.0.0.2', true), 'ok', 'other addresses are not affected');
});

t.test('one username guessed from many addresses: new addresses stopped, known ones still checked', async (t) => {
  const { attempt } = setup();
  t.equal(attempt('gw-a1', '10.0.0.1', true), 'ok', 'the gateway signed in from its address before');
  const guesses = Array.from({ length: 30 }, (_, i) => attempt('gw-a1', `192.0.2.${i}`, false));
  t.equal(guesses.filter((r) => r === 'failed').length, 20);
  t.same(guesses.slice(20), Array(10).fill('user'));
  t.equal(attempt('gw-a1', '10.0.0.1', true), 'ok', 'the gateway at its known address still signs in');
  t.equal(attempt('gw-a1', '10.0.0.77', true), 'user', 'a new address waits for the window');
});

t.test('sign-ins being checked count: a burst is never evaluated past the limit', async (t) => {
  const { throttle } = setup();
  const verdicts = Array.from({ length: 100 }, () => throttle.begin('gw-a1', '10.0.0.9'));
  const admitted = verdicts.filter((v) => v.ok);
  t.equal(admitted.length, 3, 'only 3 of 100 concurrent attempts go on to the password check');
  for (const v of admitted) if (v.ok) throttle.end(v.ticket, false);
  t.equal(throttle.begin('gw-a1', '10.0.0.9').ok, false, 'and then the pair is locked');
});

t.test('memory stays bounded under a spray of usernames and addresses', async (t) => {
  const { attempt, throttle } = setup({ maxKeys: 100, maxFailuresPerAddress: 1_000_000 });
  for (let i = 0; i < 5000; i++) attempt(`u${i}`, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, false);
  const s = throttle.sizes();
  t.ok(s.pairs <= 100 && s.addresses <= 100 && s.users <= 100, JSON.stringify(s));
});
