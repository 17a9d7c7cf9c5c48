// The ingest counters against a real SQLite store: a status and a meta message are one item stored each
// (the store keeps the latest per gateway and reports no rows for them), events and alerts one per row.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { systemClock } from '../../common/clock.js';
import { IngestPipeline } from '../../central/ingest/pipeline.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { SCHEMA_VERSION } from '../../protocol/wire.js';
import { quietLog } from '../helpers/env.js';

const GW = 'gw-a1';
const topic = (kind: string) => `joulebook/v1/fra1/${GW}/${kind}`;
const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const T0 = Date.UTC(2026, 9, 1);
const gap = (fromSeq: number) => ({
  type: 'gap',
  ts: T0,
  reason: 'outbox_full',
  fromSeq,
  toSeq: fromSeq + 2,
  fromTs: T0 - 60_000,
  toTs: T0,
  readings: 30,
});

t.test('status and meta count one item each, events and alerts one per row', async (t) => {
  const store = await openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-other-items-')), 'db.sqlite'), log: quietLog });
  t.teardown(() => store.close());
  const pipeline = new IngestPipeline({ sink: store, clock: systemClock, log: quietLog, options: { maxDelayMs: 2 } });
  const head = { v: SCHEMA_VERSION, gateway: GW, boot: 'b1' };
  const outcomes = await Promise.all([
    pipeline.submit(topic('status'), json({ ...head, state: 'online', ts: T0 })),
    pipeline.submit(topic('status'), json({ ...head, state: 'online', ts: T0 + 1 })),
    pipeline.submit(topic('meta'), json({ ...head, ts: T0, version: '0.1.0', configHash: 'h', site: 'fra1', room: 'r1', devices: [] })),
    pipeline.submit(topic('events'), json({ ...head, seq: 1, seqEnd: 1, sentAt: T0, events: [gap(10), gap(20)] })),
  ]);
  t.same(
    outcomes.map((o) => o.status),
    ['stored', 'stored', 'stored', 'stored'],
    JSON.stringify(outcomes),
  );
  const snap = pipeline.counters.snapshot();
  t.equal(snap.messagesStored, 4);
  t.equal(snap.otherItemsStored, 5, 'two status, one meta, two events');
  await pipeline.stop(1000);
});
