import t from 'tap';
import { pino } from 'pino';
import { RateLimitedLog } from './rate-limited-log.js';

t.test('a burst per key per window, then one summary line with the suppressed count', async (t) => {
  const lines: { msg: string; key: string; suppressed?: number; level: number }[] = [];
  const log = pino(
    { level: 'info' },
    {
      write: (s: string) => {
        lines.push(JSON.parse(s));
      },
    },
  );
  let now = 0;
  const r = new RateLimitedLog({ log, nowMs: () => now, options: { burst: 2, windowMs: 1000 } });
  for (let i = 0; i < 10; i++) r.warn('bad_json', { i }, 'rejected');
  r.error('store_failed', {}, 'failed');
  t.equal(r.suppressed('bad_json'), 8);
  t.equal(r.suppressed('other'), 0);
  t.same(
    lines.map((l) => [l.key, l.msg]),
    [
      ['bad_json', 'rejected'],
      ['bad_json', 'rejected'],
      ['store_failed', 'failed'],
    ],
  );
  now = 1000;
  r.warn('bad_json', {}, 'rejected');
  t.match(lines[3], { key: 'bad_json', suppressed: 8, msg: '8 more like this were not logged' });
  t.match(lines[4], { key: 'bad_json', msg: 'rejected' });
  t.equal(lines.filter((l) => l.level === 50).length, 1, 'errors at error level');
});
