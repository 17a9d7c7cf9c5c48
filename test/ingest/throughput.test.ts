// The throughput measure runs and reports consistent figures (small run: this is not the benchmark).
import t from 'tap';
import { measureEmbeddedThroughput } from '../../scripts/benches/ingest-throughput.js';
import { freePort, quietLog } from '../helpers/env.js';
import { MemorySink } from '../helpers/memory-sink.js';

t.test('measureEmbeddedThroughput stores every message and compares with the bare broker', async (t) => {
  const sink = new MemorySink();
  const r = await measureEmbeddedThroughput(
    { sink, log: quietLog, port: await freePort() },
    { messages: 60, readingsPerMessage: 50, publishers: 3, inFlight: 4 },
  );
  t.equal(r.ingest.messages, 60);
  t.equal(r.broker.messages, 60);
  t.equal(sink.readings, 60 * 50, 'every reading stored once');
  t.ok(r.ingest.readingsPerS > 0 && r.broker.readingsPerS > 0);
  t.equal(r.ratio, r.ingest.readingsPerS / r.broker.readingsPerS);
  t.ok(r.ingest.storeCalls >= 1 && r.ingest.storeCalls <= 60);
});
