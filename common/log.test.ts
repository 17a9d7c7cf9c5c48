import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger, withoutPassword } from './log.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

t.test('one list of secrets: censored at the top level and two levels down, for the gateway and the central node alike', async (t) => {
  const { stream, lines } = capture();
  const log = createLogger('info', { destination: stream, base: { node: 'central' } });
  log.info({ password: 'p', token: 't', key: 'k', secret: 's', passphrase: 'x', snmp: { key: 'k2', user: { password: 'p2' } } }, 'secrets');
  const [line] = lines();
  t.match(line, {
    node: 'central',
    password: '[redacted]',
    token: '[redacted]',
    key: '[redacted]',
    secret: '[redacted]',
    passphrase: '[redacted]',
  });
  t.match(line, { snmp: { key: '[redacted]', user: { password: '[redacted]' } } });
});

t.test('a URL keeps its host and loses its password; an error keeps its type, message and stack', async (t) => {
  const { stream, lines } = capture();
  const log = createLogger('info', { destination: stream });
  log.warn({ url: 'postgres://jb:hunter2@db:5432/joulebook', err: new TypeError('boom', { cause: new Error('below') }) }, 'failed');
  const [line] = lines();
  t.equal(line!.url, 'postgres://jb:[redacted]@db:5432/joulebook');
  t.notMatch(JSON.stringify(line), /hunter2/);
  t.match(line!.err, { type: 'TypeError', message: 'boom', stack: /TypeError: boom/ });
  t.equal(withoutPassword('mqtt://broker:1883'), 'mqtt://broker:1883', 'a URL without a password is left as it is');
  t.equal(withoutPassword('not a url'), '[redacted]', 'what does not parse is censored');
  t.equal(withoutPassword(42), 42);
});
