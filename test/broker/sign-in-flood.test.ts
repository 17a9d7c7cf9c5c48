// Failed sign-ins to the embedded broker are throttled before the password is hashed (issue 17): 300 wrong
// passwords for a gateway's username from one address cost 5 scrypt evaluations, not 300, while the
// gateway itself signs in from its own address; an address spraying usernames and a username guessed from
// many addresses are stopped the same way. Clients come from several loopback addresses (127.0.0.x);
// time is a fake clock, so the window passes when the test says so.
import { connect } from 'node:net';
import mqtt, { type IClientOptions } from 'mqtt';
import t from 'tap';
import { DEFAULT_SIGN_IN_THROTTLE } from '../../central/broker/sign-in-throttle.js';
import { startEmbedded, USERS } from '../helpers/broker-users.js';

/** Signs in from `from` (a loopback address); resolves with the refusal's message, or 'connected'. */
function signIn(port: number, from: string, o: IClientOptions): Promise<string> {
  const client = new mqtt.MqttClient(() => connect({ port, host: '127.0.0.1', localAddress: from }), {
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...o,
  });
  return new Promise((resolve) => {
    client.once('connect', () => {
      client.end(true);
      resolve('connected');
    });
    client.once('error', (err) => {
      client.end(true);
      resolve(err.message);
    });
  });
}

/** Runs `n` attempts, `concurrency` at a time; counts the answers. */
async function flood(n: number, concurrency: number, attempt: (i: number) => Promise<string>): Promise<Record<string, number>> {
  const answers: Record<string, number> = {};
  for (let i = 0; i < n; i += concurrency) {
    const batch = await Promise.all(Array.from({ length: Math.min(concurrency, n - i) }, (_, j) => attempt(i + j)));
    for (const a of batch) answers[a] = (answers[a] ?? 0) + 1;
  }
  return answers;
}

t.test('300 wrong passwords from one address: 5 evaluated, the rest refused unhashed; the gateway signs in meanwhile', async (t) => {
  let nowMs = 0;
  let evaluations = 0;
  const b = await startEmbedded({
    nowMs: () => nowMs,
    throttle: DEFAULT_SIGN_IN_THROTTLE,
    credentials: (store) => ({
      authenticate: (u, p) => {
        evaluations++;
        return store.authenticate(u, p);
      },
      principalOf: (u) => store.principalOf(u),
    }),
  });
  t.teardown(() => b.broker.stop(1000));
  const gateway = (from = '127.0.0.1') =>
    signIn(b.port, from, { clientId: 'joulebook-gw-a1', username: USERS.a1.username, password: USERS.a1.password });

  const started = performance.now();
  const [answers, during] = await Promise.all([
    flood(300, 50, (i) => signIn(b.port, '127.0.0.2', { clientId: `guess-${i}`, username: USERS.a1.username, password: `guess-${i}` })),
    gateway(),
  ]);
  const seconds = (performance.now() - started) / 1000;
  t.comment(`300 wrong passwords in ${seconds.toFixed(2)} s: ${JSON.stringify(answers)}; password checks: ${evaluations}`);
  t.equal(during, 'connected', 'the gateway, at its own address with its password, signed in during the flood');
  t.same(answers, { 'Connection refused: Bad username or password': 5, 'Connection refused: Server unavailable': 295 });
  t.equal(evaluations, 6, "5 guesses and the gateway's sign-in were checked; 295 guesses cost no scrypt");
  t.match(b.security.refusals(), { connect_bad_password: 5, connect_throttled: 295 });
  t.equal(await gateway('127.0.0.2'), 'Connection refused: Server unavailable', 'from the flooding address even the right password waits');

  nowMs += DEFAULT_SIGN_IN_THROTTLE.windowMs;
  t.equal(await gateway('127.0.0.2'), 'connected', 'once the window has passed, it is checked again');
  t.equal(evaluations, 7);
});

t.test('an address spraying usernames is stopped; a username guessed from many addresses too, except where it signed in', async (t) => {
  let evaluations = 0;
  const b = await startEmbedded({
    nowMs: () => 0,
    throttle: DEFAULT_SIGN_IN_THROTTLE,
    credentials: (store) => ({
      authenticate: (u, p) => {
        evaluations++;
        return store.authenticate(u, p);
      },
      principalOf: (u) => store.principalOf(u),
    }),
  });
  t.teardown(() => b.broker.stop(1000));

  const spray = await flood(200, 50, (i) => signIn(b.port, '127.0.0.3', { clientId: `s-${i}`, username: `user-${i}`, password: 'x' }));
  t.same(
    spray,
    { 'Connection refused: Bad username or password': 30, 'Connection refused: Server unavailable': 170 },
    'maxFailuresPerAddress (30) evaluated, then the address waits',
  );
  t.equal(evaluations, 30);

  const b2 = (from: string, password: string = USERS.b2.password) =>
    signIn(b.port, from, { clientId: 'joulebook-gw-b2', username: USERS.b2.username, password });
  t.equal(await b2('127.0.0.1'), 'connected', 'gw-b2 signs in from its address');
  evaluations = 0;
  const spread = await flood(140, 20, (i) => b2(`127.0.1.${i + 1}`, 'guess'));
  t.same(
    spread,
    { 'Connection refused: Bad username or password': 100, 'Connection refused: Server unavailable': 40 },
    'one guess from each of 140 addresses: maxFailuresPerUser (100) evaluated',
  );
  t.equal(evaluations, 100);
  t.equal(await b2('127.0.0.1'), 'connected', 'gw-b2 still signs in from the address it used before');
  t.equal(await b2('127.0.2.1'), 'Connection refused: Server unavailable', 'from an address it never used, it waits for the window');
});
