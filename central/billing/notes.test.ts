import t from 'tap';
import type { InvoiceDraft, InvoiceLine } from './invoice.js';
import { NoteError, noteFor } from './notes.js';

const line = (key: string, quantity: string, amount: string, kind: InvoiceLine['kind'] = 'energy'): InvoiceLine => ({
  key,
  kind,
  description: key,
  version: 'v1',
  quantity,
  unit: 'kWh',
  unitPrice: '0.20',
  amount,
});
const draft = (lines: InvoiceLine[], total: string): InvoiceDraft => ({
  customer: 'acme',
  account: 'acme',
  entity: 'ams1',
  currency: 'EUR',
  period: { label: '2026-10', timeZone: 'Europe/Amsterdam', fromMs: 1, toMs: 2, days: 31 },
  sections: [],
  versions: ['v1'],
  lines,
  subtotal: total,
  taxTotal: '0.00',
  total,
  quality: { kWh: 0, measuredKwh: 0, estimatedKwh: 0, interpolatedKwh: 0, measuredShare: 1, estimatedBoundaries: 0, anomalies: 0 },
  trace: [],
});

t.test('credit and debit notes, and lines that appear or vanish', async (t) => {
  const inv = {
    ...draft([line('energy:v1:standard', '100', '20.00'), line('overage:v1', '1', '25.00', 'overage')], '45.00'),
    number: 'N1',
  };
  const now = draft([line('energy:v1:standard', '110', '22.00'), line('minimum_topup:v1', '1', '3.00', 'minimum_topup')], '25.00');
  const note = noteFor(inv, now)!;
  t.equal(note.kind, 'credit');
  t.same(
    note.lines.map((l) => [l.key, l.was.amount, l.now.amount, l.amountDelta]),
    [
      ['energy:v1:standard', '20.00', '22.00', '2.00'],
      ['overage:v1', '25.00', '0.00', '-25.00'],
      ['minimum_topup:v1', '0.00', '3.00', '3.00'],
    ],
  );
  t.equal(note.totalDelta, '-20.00');
  const more = noteFor(inv, draft([line('energy:v1:standard', '150', '30.00'), line('overage:v1', '1', '25.00', 'overage')], '55.00'))!;
  t.same([more.kind, more.totalDelta], ['debit', '10.00']);
});

t.test('energy moved between windows: an adjustment with a zero total', async (t) => {
  const inv = { ...draft([line('energy:v1:peak', '10', '2.00'), line('energy:v1:night', '10', '2.00')], '4.00'), number: 'N2' };
  const note = noteFor(inv, draft([line('energy:v1:peak', '15', '3.00'), line('energy:v1:night', '5', '1.00')], '4.00'))!;
  t.same([note.kind, note.totalDelta, note.lines.length], ['adjustment', '0.00', 2]);
});

t.test('a recomputation of something else is refused', async (t) => {
  const inv = { ...draft([], '0.00'), number: 'N3' };
  t.throws(() => noteFor(inv, { ...draft([], '0.00'), customer: 'other' }), NoteError);
  t.throws(() => noteFor(inv, { ...draft([], '0.00'), currency: 'USD' }), NoteError);
  t.throws(() => noteFor(inv, { ...draft([], '0.00'), period: { ...inv.period, toMs: 3 } }), NoteError);
});
