import t from 'tap';
import { parseBound, partitionName, weeksCovering, weekStartMs, WEEK_MS } from './weeks.js';

t.test('week starts are Mondays 00:00 UTC', async (t) => {
  const cases: [string, string][] = [
    ['2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z'],
    ['2026-01-11T23:59:59.999Z', '2026-01-05T00:00:00Z'],
    ['2026-01-12T00:00:00Z', '2026-01-12T00:00:00Z'],
    ['1970-01-01T00:00:00Z', '1969-12-29T00:00:00Z'],
    ['1960-06-15T12:00:00Z', '1960-06-13T00:00:00Z'],
  ];
  for (const [at, want] of cases) t.equal(new Date(weekStartMs(Date.parse(at))).toISOString(), new Date(want).toISOString(), at);
});

t.test('names and coverage', async (t) => {
  t.equal(partitionName(Date.parse('2026-01-05T00:00:00Z')), 'readings_p20260105');
  t.equal(partitionName(Date.parse('1969-12-29T00:00:00Z')), 'readings_p19691229');
  const w = Date.parse('2026-01-05T00:00:00Z');
  t.same(weeksCovering(w + 1, w + 2), [w]);
  t.same(weeksCovering(w - 1, w), [w - WEEK_MS, w]);
  t.same(weeksCovering(w, w + WEEK_MS * 2 - 1), [w, w + WEEK_MS]);
});

t.test('bounds as PostgreSQL prints them', async (t) => {
  t.same(parseBound("FOR VALUES FROM ('1767571200000') TO ('1768176000000')"), { fromMs: 1767571200000, toMs: 1768176000000 });
  t.same(parseBound("FOR VALUES FROM (MINVALUE) TO ('1768176000000')"), { fromMs: -Infinity, toMs: 1768176000000 });
  t.same(parseBound("FOR VALUES FROM ('-5') TO (MAXVALUE)"), { fromMs: -5, toMs: Infinity });
  t.equal(parseBound('DEFAULT'), undefined);
});
