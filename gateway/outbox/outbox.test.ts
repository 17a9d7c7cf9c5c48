import { mkdtempSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { quietLog } from '../../test/helpers/env.js';
import { Outbox } from './outbox.js';

const START = Date.UTC(2026, 10, 1);
const dir = () => mkdtempSync(join(tmpdir(), 'jb-outbox-'));
const reading = (device: string, ts: number, kwh: number) => ({
  device,
  channel: 'total',
  ts,
  values: { energy_import_kwh: kwh },
  quality: 'good',
});

t.test('committed before publishable, deleted only when acknowledged, kept across reopen', async (t) => {
  const file = join(dir(), 'outbox.db');
  const clock = new FakeClock(START);
  const box = Outbox.open({ file, maxBytes: 1e9, maxAgeMs: 86_400_000 }, clock, quietLog);
  box.append('readings', [reading('m1', START, 1), reading('m2', START, 2)], START, ['m1|total', 'm2|total']);
  t.same(box.take(0, 10), [], 'nothing to publish before the commit');
  t.equal(box.commit(), 1);
  const [item] = box.take(0, 10);
  t.equal(item?.seq, 1);
  t.equal(item?.count, 2);
  t.same(JSON.parse(item!.body), [reading('m1', START, 1), reading('m2', START, 2)]);
  box.append('events', [{ type: 'clock_jump', ts: START, deltaMs: 5000 }], START);
  box.commit();
  box.acked(1, 1);
  t.equal(box.take(0, 10).length, 2, 'an acknowledgement takes effect at the next commit');
  box.commit();
  t.same(
    box.take(0, 10).map((i) => [i.seq, i.kind]),
    [[2, 'events']],
  );
  t.match(box.size, { items: 1, entries: 1, lastSeq: 2, oldestTs: START });
  box.close();
  const again = Outbox.open({ file, maxBytes: 1e9, maxAgeMs: 86_400_000 }, clock, quietLog);
  t.same(
    again.take(0, 10).map((i) => i.seq),
    [2],
    'survives a reopen',
  );
  again.append('readings', [reading('m1', START + 1, 3)], START + 1);
  again.commit();
  t.equal(again.size.lastSeq, 3, 'sequences continue');
  again.close();
});

t.test('bounds: oldest first, gap events say what went, the newest counter of a channel stays', async (t) => {
  const clock = new FakeClock(START);
  const box = Outbox.open({ file: join(dir(), 'o.db'), maxBytes: 2000, maxAgeMs: 3_600_000 }, clock, quietLog);
  // A meter that went quiet early: its only item is old but holds its newest counter.
  box.append('readings', [reading('quiet', START, 10)], START, ['quiet|total']);
  for (let i = 1; i <= 30; i++) box.append('readings', [reading('busy', START + i, i)], START + i, ['busy|total']);
  box.commit();
  t.ok(box.size.bytes <= 2000, `within the byte bound (${box.size.bytes})`);
  const seqs = box.take(0, 100).map((i) => i.seq);
  t.ok(seqs.includes(1), "the quiet meter's newest counter is kept");
  t.ok(seqs.includes(31), 'the newest item is kept');
  const gaps = box.takeGaps();
  const gap = gaps.find((g) => g.type === 'gap');
  t.match(gap, { type: 'gap', reason: 'outbox_full', fromSeq: 2 });
  const dropped = gaps.reduce((n, g) => n + (g.type === 'gap' ? g.readings : 0), 0);
  t.equal(dropped + box.size.entries, 31, 'every reading is either kept or counted in a gap');
  t.same(box.takeGaps(), [], 'each gap is taken once');
  await clock.advance(2 * 3_600_000, 3_600_000);
  box.append('readings', [reading('busy', clock.now(), 99)], clock.now(), ['busy|total']);
  box.commit();
  t.ok(
    box.takeGaps().some((g) => g.type === 'gap' && g.reason === 'outbox_expired'),
    'items older than maxAgeMs expire with a gap event',
  );
  t.same(
    box
      .take(0, 100)
      .map((i) => i.seq)
      .sort((a, b) => a - b),
    [1, 32],
    'only the protected and the new item remain',
  );
  box.close();
});

t.test('a damaged file is moved aside and a fresh outbox starts; sequences continue above the floor', async (t) => {
  const d = dir();
  const file = join(d, 'outbox.db');
  writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
  const resets: string[] = [];
  const box = Outbox.open({ file, maxBytes: 1e9, maxAgeMs: 1e9, seqFloor: 5000 }, new FakeClock(START), quietLog, (reason) =>
    resets.push(reason),
  );
  t.equal(resets.length, 1, 'the reset is reported');
  t.match(
    box.takeGaps(),
    [{ type: 'gap', reason: 'outbox_reset', fromSeq: 0, toSeq: 5000, readings: 0 }],
    'and announced as a gap up to the floor',
  );
  t.ok(
    readdirSync(d).some((n) => n.startsWith('outbox.db.corrupt-')),
    'the damaged file is kept for inspection',
  );
  box.append('readings', [reading('m', START, 1)], START);
  box.commit();
  t.equal(box.take(0, 1)[0]?.seq, 5001, 'numbering continues above the floor');
  box.close();
  t.notOk(box.isOpen);
  t.ok(existsSync(file));
});
