import t from 'tap';
import type { Clock } from '../common/clock.js';
import { ClockGuard, RELEASE_EPOCH_MS, systemdTimeSynced } from './clock-guard.js';

function manualClock(wall: number) {
  const c = { wall, mono: 1000 };
  const clock: Clock = { now: () => c.wall, monotonicMs: () => c.mono, sleep: async () => {} };
  return {
    c,
    clock,
    tick: (ms: number) => {
      c.wall += ms;
      c.mono += ms;
    },
  };
}

t.test('a clock from 1970 holds polling until NTP sets it; then one event says how long', async (t) => {
  const m = manualClock(Date.UTC(1970, 0, 1, 0, 0, 42));
  const g = new ClockGuard(m.clock, () => undefined);
  t.notOk(g.plausible());
  t.same(g.check(), []);
  m.tick(5000);
  t.same(g.check(), []);
  m.c.wall = RELEASE_EPOCH_MS + 86_400_000; // NTP answered
  m.c.mono += 1000;
  t.ok(g.plausible());
  t.same(
    g.check(),
    [{ type: 'clock_plausible', ts: RELEASE_EPOCH_MS + 86_400_000, heldMs: 6000 }],
    'no jump event for the first setting, one plausible event',
  );
  m.tick(1000);
  t.same(g.check(), []);
});

t.test('jumps of a plausible clock are events; drift below 2 s is not', async (t) => {
  const m = manualClock(RELEASE_EPOCH_MS + 1e9);
  const g = new ClockGuard(m.clock, () => undefined);
  t.same(g.check(), []);
  m.tick(5000);
  m.c.wall += 1500;
  t.same(g.check(), [], 'small correction');
  m.tick(5000);
  m.c.wall -= 3_600_000;
  t.match(g.check(), [{ type: 'clock_jump', deltaMs: -3_600_000 }]);
});

t.test('the OS says the clock is not synchronised: hold', async (t) => {
  const m = manualClock(RELEASE_EPOCH_MS + 1e9);
  let synced: boolean | undefined = false;
  const g = new ClockGuard(m.clock, () => synced);
  t.notOk(g.plausible());
  g.check();
  synced = true;
  t.ok(g.plausible());
  t.equal(systemdTimeSynced('/nonexistent-dir'), undefined, 'no systemd-timesyncd: the OS cannot tell');
});
