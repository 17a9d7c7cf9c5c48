import t from 'tap';
import { advance, dueKind, nextTick, type Due, type PollKind } from './schedule.js';

t.test('nextTick is the first aligned tick strictly after now', async (t) => {
  const cases = [
    { now: 0, interval: 15_000, want: 15_000 },
    { now: 1, interval: 15_000, want: 15_000 },
    { now: 14_999, interval: 15_000, want: 15_000 },
    { now: 15_000, interval: 15_000, want: 30_000 },
    { now: 15_001, interval: 15_000, want: 30_000 },
    { now: 59_999, interval: 60_000, want: 60_000 },
    { now: Date.UTC(2026, 0, 1, 12, 7, 31), interval: 900_000, want: Date.UTC(2026, 0, 1, 12, 15, 0) },
    { now: Date.UTC(2026, 0, 1, 12, 15, 0), interval: 900_000, want: Date.UTC(2026, 0, 1, 12, 30, 0) },
    { now: 250, interval: 100, want: 300 },
  ];
  for (const c of cases) t.equal(nextTick(c.now, c.interval), c.want, `${c.now} every ${c.interval}`);
});

t.test('dueKind: a full poll takes precedence over an energy poll', async (t) => {
  const cases: { due: Due; now: number; want: PollKind | undefined }[] = [
    { due: { energyAtMs: 15_000, fullAtMs: 60_000 }, now: 14_999, want: undefined },
    { due: { energyAtMs: 15_000, fullAtMs: 60_000 }, now: 15_000, want: 'energy' },
    { due: { energyAtMs: 15_000, fullAtMs: 60_000 }, now: 59_999, want: 'energy' },
    { due: { energyAtMs: 15_000, fullAtMs: 60_000 }, now: 60_000, want: 'full' },
    { due: { energyAtMs: 60_000, fullAtMs: 60_000 }, now: 60_000, want: 'full' },
    { due: { energyAtMs: 60_000, fullAtMs: 60_000 }, now: 59_000, want: undefined },
    { due: { energyAtMs: 75_000, fullAtMs: 60_000 }, now: 61_000, want: 'full' },
    { due: { energyAtMs: 75_000, fullAtMs: 120_000 }, now: 200_000, want: 'full' },
  ];
  for (const c of cases) t.equal(dueKind(c.due, c.now), c.want, `energy ${c.due.energyAtMs} full ${c.due.fullAtMs} at ${c.now}`);
});

t.test('advance: next ticks and missed ticks', async (t) => {
  const intervals = { energyMs: 15_000, fullMs: 60_000 };
  const cases: { name: string; due: Due; kind: PollKind; now: number; want: { due: Due; missed: number } }[] = [
    {
      name: 'energy poll on time',
      due: { energyAtMs: 15_000, fullAtMs: 60_000 },
      kind: 'energy',
      now: 15_200,
      want: { due: { energyAtMs: 30_000, fullAtMs: 60_000 }, missed: 0 },
    },
    {
      name: 'energy poll just under one interval late',
      due: { energyAtMs: 15_000, fullAtMs: 60_000 },
      kind: 'energy',
      now: 29_999,
      want: { due: { energyAtMs: 30_000, fullAtMs: 60_000 }, missed: 0 },
    },
    {
      name: 'energy poll one interval late',
      due: { energyAtMs: 15_000, fullAtMs: 60_000 },
      kind: 'energy',
      now: 30_000,
      want: { due: { energyAtMs: 45_000, fullAtMs: 60_000 }, missed: 1 },
    },
    {
      name: 'energy poll overran two ticks',
      due: { energyAtMs: 15_000, fullAtMs: 60_000 },
      kind: 'energy',
      now: 47_000,
      want: { due: { energyAtMs: 60_000, fullAtMs: 60_000 }, missed: 2 },
    },
    {
      name: 'energy poll leaves an overdue full tick alone',
      due: { energyAtMs: 15_000, fullAtMs: 60_000 },
      kind: 'energy',
      now: 70_000,
      want: { due: { energyAtMs: 75_000, fullAtMs: 60_000 }, missed: 3 },
    },
    {
      name: 'full poll pushes the energy tick too',
      due: { energyAtMs: 60_000, fullAtMs: 60_000 },
      kind: 'full',
      now: 60_300,
      want: { due: { energyAtMs: 75_000, fullAtMs: 120_000 }, missed: 0 },
    },
    {
      name: 'full poll that took 20 s',
      due: { energyAtMs: 60_000, fullAtMs: 60_000 },
      kind: 'full',
      now: 80_000,
      want: { due: { energyAtMs: 90_000, fullAtMs: 120_000 }, missed: 0 },
    },
    {
      name: 'full poll overran two full ticks',
      due: { energyAtMs: 60_000, fullAtMs: 60_000 },
      kind: 'full',
      now: 185_000,
      want: { due: { energyAtMs: 195_000, fullAtMs: 240_000 }, missed: 2 },
    },
    {
      name: 'poll finishing before its tick counts no misses',
      due: { energyAtMs: 15_000, fullAtMs: 60_000 },
      kind: 'energy',
      now: 10_000,
      want: { due: { energyAtMs: 15_000, fullAtMs: 60_000 }, missed: 0 },
    },
  ];
  for (const c of cases) t.same(advance(c.due, c.kind, c.now, intervals), c.want, c.name);
});

t.test('a simulated hour of polling with quick polls: 60 energy-only polls minus the full ones', async (t) => {
  const intervals = { energyMs: 15_000, fullMs: 60_000 };
  let due: Due = { energyAtMs: nextTick(0, intervals.energyMs), fullAtMs: nextTick(0, intervals.fullMs) };
  const counts = { energy: 0, full: 0, missed: 0 };
  for (let now = 0; now <= 3_600_000; now += 1000) {
    const kind = dueKind(due, now);
    if (!kind) continue;
    counts[kind]++;
    const r = advance(due, kind, now + 120, intervals);
    counts.missed += r.missed;
    due = r.due;
  }
  t.same(counts, { energy: 180, full: 60, missed: 0 }, 'every 15 s tick polled once, every fourth as full');
});
