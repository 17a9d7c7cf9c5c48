// A gateway's outbox and publisher at a live rate for a while, as its own process, so that `strace -c`
// can count the fsyncs it makes. Arguments: <broker url> <seconds> <readings per second> <data dir>.
import { join } from 'node:path';
import { pino } from 'pino';
import { systemClock } from '../../common/clock.js';
import { Outbox } from '../../gateway/outbox/outbox.js';
import { Publisher } from '../../gateway/publish/publisher.js';
import { Mqtt } from '../../gateway/config/schema.js';
import { publisherOptions } from '../../gateway/publish/options.js';
import { fakeReadings } from './outbox-data.js';

const [url, seconds, perS, dir] = process.argv.slice(2);
const log = pino({ level: 'silent' });
const outbox = Outbox.open({ file: join(dir!, 'live.db'), maxBytes: 2e9, maxAgeMs: 1e12 }, systemClock, log);
const publisher = new Publisher({
  options: publisherOptions(Mqtt.parse({ url: url!, clientId: 'bench-live', replayReadingsPerS: 1e9 }), {
    site: 'bench',
    gateway: 'bench-live',
    boot: '1',
  }),
  outbox,
  clock: systemClock,
  log,
  meta: () => ({ version: 'bench', configHash: 'x', site: 'bench', room: 'r', devices: [] }),
});
publisher.start();
const batch = 48; // one PDU poll
const perTick = Math.max(1, Math.round(Number(perS) / batch / 10));
const produce = setInterval(() => {
  for (let i = 0; i < perTick; i++) outbox.append('readings', fakeReadings(batch, Date.now()), Date.now());
}, 100);
const commit = setInterval(() => outbox.commit(), 1000);
setTimeout(
  async () => {
    clearInterval(produce);
    clearInterval(commit);
    await publisher.stop();
    outbox.close();
    process.stdout.write(`${JSON.stringify({ commits: outbox.commits, acked: publisher.counters.get('entries_acked') })}\n`);
  },
  Number(seconds) * 1000,
);
