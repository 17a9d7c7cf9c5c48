// effectiveInvoice on a consolidated invoice whose two sections price on versions of the same name: their
// lines share keys and are told apart by site, both when the invoice is read and when a note is applied.
import t from 'tap';
import { EntityWorld } from '../../../test/billing/entity-world.js';
import type { StoredInvoice, StoredNote } from '../../storage/billing/types.js';
import { noteFor } from '../notes.js';
import { effectiveInvoice } from './recheck.js';

const stored = (draft: StoredInvoice['draft'], number: string): StoredInvoice =>
  ({ id: 1, number, currency: draft.currency, total: draft.total, draft, status: 'final' }) as StoredInvoice;
const amounts = (lines: { site?: string; key: string; amount: string }[]) => lines.map((l) => [l.site, l.key, l.amount]);

t.test('lines of two sites with one key stay apart, and a note replaces only its own site', async (t) => {
  const world = new EntityWorld();
  const [acme] = await world.computeDrafts('nl-bv', '2026-10', 'acme');
  const inv = stored(acme!, 'NL-BV-2026-000010');
  const plain = effectiveInvoice(inv, []);
  t.same(amounts(plain.lines), amounts(acme!.lines), 'no note: the invoice as it is');
  t.same([plain.subtotal, plain.taxTotal, plain.total], ['1184.25', '248.69', '1432.94']);
  t.equal(noteFor(plain, acme!), undefined, 'and a recomputation that changed nothing needs no note');

  // Late data at dub1: 1.2 kW, 894 kWh × 0.25 = 223.50; VAT on 1221.50 = 256.52; total 1478.02.
  world.powerKw.set('acme@dub1@2026-10', 1.2);
  const [later] = await world.computeDrafts('nl-bv', '2026-10', 'acme');
  const note = noteFor(plain, later!)!;
  const applied = effectiveInvoice(inv, [{ note } as StoredNote]);
  t.same(amounts(applied.lines), [
    ['ams1', 'energy:v2026:standard', '298.00'],
    ['ams1', 'fixed_fee:v2026:Rack space', '400.00'],
    ['dub1', 'energy:v2026:standard', '223.50'],
    ['dub1', 'fixed_fee:v2026:Rack space', '300.00'],
    [undefined, 'tax:VAT:21', '256.52'],
  ]);
  t.same([applied.subtotal, applied.taxTotal, applied.total], ['1221.50', '256.52', '1478.02']);
  t.equal(noteFor(applied, later!), undefined, 'the invoice with its note is the recomputation');
});
