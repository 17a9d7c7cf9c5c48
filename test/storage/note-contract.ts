// The billing storage contract for credit and debit notes once issued: listed by the invoice they correct
// (entity, month, customer, account, number) and by kind, read by id and number, and their outputs and
// webhook deliveries recorded beside the note, whose row stays immutable. Run by billing-sqlite.test.ts and
// billing-postgres.test.ts with the same fixtures as billing-contract.ts.
import type { Test } from 'tap';
import { draftOf } from '../../scripts/benches/invoice-drafts.js';
import type { NoteDraft } from '../../central/billing/types.js';
import type { BillingStore, StoredNote } from '../../central/storage/billing/types.js';
import { noteOf, type BillingFixture, type BillingTarget } from './billing-contract.js';

/** Final invoices of acme (two accounts) and globex at ams1 in October, of acme at sin1 in November. */
async function invoices(store: BillingStore): Promise<Record<'acme' | 'acmeLabs' | 'globex' | 'acmeSin', string>> {
  const oct = await store.ensureRun('ams1', '2026-10', 'drafted', 1);
  await store.addDrafts(
    oct.id,
    [draftOf('acme'), draftOf('acme', '4.00', 'ams1', '2026-10', 'acme-labs'), draftOf('globex')].map((draft) => ({ draft, review: [] })),
    1,
  );
  const nov = await store.ensureRun('sin1', '2026-11', 'drafted', 1);
  await store.addDrafts(nov.id, [{ draft: draftOf('acme', '3.00', 'sin1', '2026-11'), review: [] }], 1);
  const numbers: string[] = [];
  for (const inv of await store.invoices()) numbers.push((await store.finalize(inv.id, { atMs: 2, year: 2026 })).number!);
  const [acme, acmeLabs, globex, acmeSin] = numbers as [string, string, string, string];
  return { acme, acmeLabs, globex, acmeSin };
}

const of = (inv: string, kind: NoteDraft['kind'], total: string, customer = 'acme', account = customer): NoteDraft => ({
  ...noteOf(inv, kind, total),
  customer,
  account,
});

export function noteContract(t: Test, target: BillingTarget): void {
  const withStore = (name: string, fn: (t: Test, f: BillingFixture) => Promise<void>) =>
    t.test(name, async (t) => {
      const f = await target.fresh(() => 1_000);
      t.teardown(() => f.close());
      await fn(t, f);
    });

  withStore('notes listed by entity, month, customer, account, kind and invoice; read by id and number', async (t, { store }) => {
    const inv = await invoices(store);
    const add = async (n: NoteDraft, fp: string, atMs: number) => (await store.addNote(n, { fingerprint: fp, atMs, year: 2026 })).note;
    const cn = await add(of(inv.acme, 'credit', '-2.00'), 'f1', 3);
    const dn = await add(of(inv.acmeLabs, 'debit', '1.00', 'acme', 'acme-labs'), 'f1', 4);
    const gn = await add(of(inv.globex, 'credit', '-5.00', 'globex'), 'f1', 5);
    const sn = await add(of(inv.acmeSin, 'debit', '0.50'), 'f1', 6);
    t.match(cn, {
      number: 'AMS1-CN-2026-000001',
      invoiceNumber: inv.acme,
      entity: 'ams1',
      period: '2026-10',
      customer: 'acme',
      account: 'acme',
      kind: 'credit',
      totalDelta: '-2.00',
      createdAt: 3,
      renderedAt: undefined,
      deliveredAt: undefined,
      deliveryAttempts: 0,
      lastDeliveryError: undefined,
    });
    t.match(sn, { number: 'SIN1-DN-2026-000001', entity: 'sin1', period: '2026-11' });
    const numbers = (l: StoredNote[]) => l.map((n) => n.number);
    t.same(numbers(await store.notes({})), [cn.number, dn.number, gn.number, sn.number], 'all, oldest first');
    t.same(numbers(await store.notes({ entity: 'ams1' })), [cn.number, dn.number, gn.number]);
    t.same(numbers(await store.notes({ period: '2026-11' })), [sn.number]);
    t.same(numbers(await store.notes({ customer: 'acme' })), [cn.number, dn.number, sn.number]);
    t.same(numbers(await store.notes({ customer: 'acme', account: 'acme-labs' })), [dn.number]);
    t.same(numbers(await store.notes({ customer: 'acme', kind: 'credit' })), [cn.number]);
    t.same(numbers(await store.notes({ entity: 'ams1', period: '2026-10', customer: 'globex', kind: 'credit' })), [gn.number]);
    t.same(numbers(await store.notes({ invoiceNumber: inv.acme })), [cn.number]);
    t.same(numbers(await store.notes(inv.acme)), [cn.number], 'by the invoice number alone, as before');
    t.same(await store.notes({ customer: 'initech' }), []);
    t.same(await store.note(dn.id), dn);
    t.same(await store.noteByNumber(gn.number), gn);
    t.equal(await store.note(9999), undefined);
    t.equal(await store.noteByNumber('AMS1-CN-2026-999999'), undefined);
  });

  withStore("a note's outputs and deliveries are kept beside it; the note itself never changes", async (t, { store, tamper }) => {
    const inv = await invoices(store);
    const { note } = await store.addNote(of(inv.acme, 'credit', '-2.00'), { fingerprint: 'f1', atMs: 3, year: 2026 });
    const other = (await store.addNote(of(inv.globex, 'debit', '1.00', 'globex'), { fingerprint: 'f1', atMs: 3, year: 2026 })).note;
    const numbers = async (f: Parameters<BillingStore['notes']>[0]) => (await store.notes(f)).map((n) => n.number);
    t.same(await numbers({ rendered: false }), [note.number, other.number], 'new notes wait for their outputs');
    await store.markNoteRendered(note.id, 6);
    t.same(await numbers({ rendered: false }), [other.number]);
    t.same(await numbers({ rendered: true }), [note.number]);
    await store.recordNoteDelivery(note.id, { atMs: 7, ok: false, error: 'HTTP 500' });
    t.match(await store.note(note.id), { renderedAt: 6, deliveredAt: undefined, deliveryAttempts: 1, lastDeliveryError: 'HTTP 500' });
    t.same(await numbers({ delivered: false, customer: 'acme' }), [note.number], 'a failed delivery is still pending');
    await store.recordNoteDelivery(note.id, { atMs: 8, ok: true });
    const after = (await store.note(note.id))!;
    t.match(after, { renderedAt: 6, deliveredAt: 8, deliveryAttempts: 2, lastDeliveryError: undefined });
    t.same(await numbers({ delivered: false }), [other.number]);
    t.same(await numbers({ delivered: true }), [note.number]);
    await store.recordNoteDelivery(note.id, { atMs: 9, ok: false, error: 'late retry' });
    t.match(await store.note(note.id), { deliveredAt: 8, deliveryAttempts: 3 }, 'once delivered, a later failure does not undo it');
    const strip = ({ renderedAt: _r, deliveredAt: _d, deliveryAttempts: _a, lastDeliveryError: _e, ...rest }: StoredNote) => rest;
    t.same(strip(after), strip(note), 'the note is as it was issued');
    await t.rejects(tamper('invoice_notes', 'update', note.id), /immutable/, 'and its row still refuses an UPDATE');
    await t.rejects(tamper('invoice_notes', 'delete', note.id), /immutable/);
  });
}
