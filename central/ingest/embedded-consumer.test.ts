import t from 'tap';
import { pino } from 'pino';
import { EmbeddedIngest, NotStoredError } from './embedded-consumer.js';
import { IngestPipeline } from './pipeline.js';
import { systemClock } from '../../common/clock.js';
import { readingsPayload } from '../../scripts/benches/sample-messages.js';

t.test('the embedded gate refuses (no PUBACK) what a stopped pipeline did not store, drops what it rejected', async (t) => {
  const pipeline = new IngestPipeline({
    sink: { store: async (b) => b.map(() => ({ inserted: 1, duplicates: 0 })) },
    clock: systemClock,
    log: pino({ level: 'silent' }),
  });
  const gate = new EmbeddedIngest({ pipeline });
  const p = { clientId: 'c', principal: undefined, gone: () => false };
  t.equal(await gate.admit({ ...p, topic: 'joulebook/v1/s/g/readings', payload: Buffer.from('nope') }), 'drop');
  t.equal(
    await gate.admit({ ...p, topic: 'joulebook/v1/s/g/readings', payload: readingsPayload({ gateway: 'g', seq: 1, readings: 1 }) }),
    'forward',
  );
  await gate.stop(100);
  await t.rejects(
    gate.admit({ ...p, topic: 'joulebook/v1/s/g/readings', payload: readingsPayload({ gateway: 'g', seq: 2, readings: 1 }) }),
    NotStoredError,
  );
});
