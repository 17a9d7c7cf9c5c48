import { pino } from 'pino';
import t from 'tap';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { startModelRefresh } from './refresh.js';

t.test('refreshes every everyMs; a failed read is logged and tried again; stop ends the loop', async (t) => {
  const clock = new FakeClock(0);
  const lines: string[] = [];
  const log = pino(
    { level: 'info' },
    {
      write: (s: string) => {
        lines.push(JSON.parse(s).msg as string);
      },
    },
  );
  const answers: (boolean | Error)[] = [false, true, new Error('connection refused'), false];
  const calls: number[] = [];
  const models = {
    refresh: async () => {
      calls.push(clock.now());
      const a = answers.shift() ?? false;
      if (a instanceof Error) throw a;
      return a;
    },
  };
  const r = startModelRefresh({ models, everyMs: 10_000, clock, log });
  await clock.advance(9_000, 1000);
  t.same(calls, [], 'not before the first interval');
  await clock.advance(31_000, 1000);
  t.same(calls, [10_000, 20_000, 30_000, 40_000]);
  t.same(lines, [
    'model rebuilt with edits stored by another instance',
    'reading the stored edits failed; the model stays, next try in a while',
  ]);
  await r.stop();
  await clock.advance(30_000, 1000);
  t.equal(calls.length, 4, 'no refresh after stop');
});
