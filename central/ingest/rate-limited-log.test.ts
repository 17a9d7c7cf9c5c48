import t from 'tap';
import { pino } from 'pino';
import { RateLimitedLog } from './rate-limited-log.js';
import { EmbeddedIngest, NotStoredError } from './embedded-consumer.js';
import { IngestPipeline } from './pipeline.js';
import { systemClock } from './clock.js';
import { readingsPayload } from './sample-messages.js';

t.test('a burst per key per window, then one summary line with the suppressed count', async (t) => {
  const lines: { msg: string; key: string; suppressed?: number; level: number }[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s)); } });
  let now = 0;
  const r = new RateLimitedLog({ log, nowMs: () => now, options: { burst: 2, windowMs: 1000 } });
  for (let i = 0; i < 10; i++) r.warn('bad_json', { i }, 'rejected');
  r.error('store_failed', {}, 'failed');
  t.equal(r.suppressed('bad_json'), 8);
  t.equal(r.suppressed('other'), 0);
  t.same(lines.map((l) => [l.key, l.msg]), [['bad_json', 'rejected'], ['bad_json', 'rejected'], ['store_failed', 'failed']]);
  now = 1000;
  r.warn('bad_json', {}, 'rejected');
  t.match(lines[3], { key: 'bad_json', suppressed: 8, msg: '8 more like this were not logged' });
  t.match(lines[4], { key: 'bad_json', msg: 'rejected' });
  t.equal(lines.filter((l) => l.level === 50).length, 1, 'errors at error level');
});

t.test('the embedded gate refuses (no PUBACK) what a stopped pipeline did not store, drops what it rejected', async (t) => {
  const pipeline = new IngestPipeline({ sink: { store: async (b) => b.map(() => ({ inserted: 1, duplicates: 0 })) }, clock: systemClock, log: pino({ level: 'silent' }) });
  const gate = new EmbeddedIngest({ pipeline });
  const p = { clientId: 'c', principal: undefined, gone: () => false };
  t.equal(await gate.admit({ ...p, topic: 'joulebook/v1/s/g/readings', payload: Buffer.from('nope') }), 'drop');
  t.equal(await gate.admit({ ...p, topic: 'joulebook/v1/s/g/readings', payload: readingsPayload({ gateway: 'g', seq: 1, readings: 1 }) }), 'forward');
  await gate.stop(100);
  await t.rejects(gate.admit({ ...p, topic: 'joulebook/v1/s/g/readings', payload: readingsPayload({ gateway: 'g', seq: 2, readings: 1 }) }), NotStoredError);
});
