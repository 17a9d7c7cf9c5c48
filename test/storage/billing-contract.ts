// The billing storage contract: every BillingStore implementation runs this suite (billing-sqlite.test.ts,
// billing-postgres.test.ts). Each subtest gets a fresh, empty schema of its own.
import type { Test } from 'tap';
import type { NoteDraft } from '../../central/billing/types.js';
import {
  DocumentCounterBehindError,
  InvoiceImmutableError,
  InvoiceNotFoundError,
  type BillingStore,
} from '../../central/storage/billing/types.js';
import { draftOf } from '../../scripts/benches/invoice-drafts.js';

export interface BillingFixture {
  store: BillingStore;
  /** A second store on the same database (another central instance). */
  peer(): Promise<BillingStore>;
  /** Runs a raw UPDATE or DELETE of a row of the table, bypassing the interface. */
  tamper(table: 'invoices' | 'invoice_notes', op: 'update' | 'delete', id: number): Promise<void>;
  /** Runs raw SQL on the store's tables (unqualified names), bypassing the interface. */
  raw(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface BillingTarget {
  fresh(now: () => number): Promise<BillingFixture>;
  /** SQLite's locks are leases that expire; PostgreSQL's end with the session. */
  leaseMs?: number;
}

/** A note of acme's at ams1 in October (no lines), for the contract suites. */
export const noteOf = (invoiceNumber: string, kind: NoteDraft['kind'], totalDelta: string): NoteDraft => ({
  kind,
  invoiceNumber,
  customer: 'acme',
  account: 'acme',
  entity: 'ams1',
  currency: 'EUR',
  period: draftOf('acme').period,
  lines: [],
  subtotalDelta: totalDelta,
  taxDelta: '0.00',
  totalDelta,
  quality: draftOf('acme').quality,
});

export function billingContract(t: Test, target: BillingTarget): void {
  let nowMs = 1_000;
  const now = () => nowMs;
  const withStore = (name: string, fn: (t: Test, f: BillingFixture) => Promise<void>) =>
    t.test(name, async (t) => {
      nowMs = 1_000;
      const f = await target.fresh(now);
      t.teardown(() => f.close());
      await fn(t, f);
    });

  withStore('runs: made once per issuing entity and period, state kept, listed oldest first', async (t, { store }) => {
    const a = await store.ensureRun('ams1', '2026-10', 'drafted', 5);
    t.match(a, { entity: 'ams1', period: '2026-10', state: 'drafted', createdAt: 5, updatedAt: 5 });
    t.same(await store.ensureRun('ams1', '2026-10', 'partial', 9), a, 'an existing run is returned unchanged');
    await store.ensureRun('ams1', '2026-09', 'partial', 6);
    await store.ensureRun('sin1', '2026-10', 'drafted', 7);
    await store.setRunState(a.id, 'finalized', 8);
    t.match(await store.run('ams1', '2026-10'), { state: 'finalized', updatedAt: 8, createdAt: 5 });
    t.same(
      (await store.runs()).map((r) => `${r.entity}/${r.period}`),
      ['ams1/2026-09', 'ams1/2026-10', 'sin1/2026-10'],
    );
    t.same(
      (await store.runs({ entity: 'ams1', states: ['partial'] })).map((r) => r.period),
      ['2026-09'],
    );
    t.equal(await store.run('nyc1', '2026-10'), undefined);
  });

  withStore('drafts: one per billing account and run, held ones with their reasons, replaced until final', async (t, { store }) => {
    const run = await store.ensureRun('ams1', '2026-10', 'drafted', 1);
    t.equal(
      await store.addDrafts(
        run.id,
        [
          { draft: draftOf('acme'), review: [] },
          { draft: draftOf('globex', '7.50'), review: ['measured share 90.00% is under 99.00%'] },
        ],
        2,
      ),
      2,
    );
    t.equal(
      await store.addDrafts(
        run.id,
        [
          { draft: draftOf('acme', '99.00'), review: [] },
          { draft: draftOf('initech'), review: [] },
        ],
        3,
      ),
      1,
      'acme had one already',
    );
    const all = await store.invoices({ runId: run.id });
    t.same(
      all.map((i) => [i.customer, i.status, i.total, i.number]),
      [
        ['acme', 'draft', '10.00', undefined],
        ['globex', 'held', '7.50', undefined],
        ['initech', 'draft', '10.00', undefined],
      ],
    );
    t.same(all[1]!.review, ['measured share 90.00% is under 99.00%']);
    t.same(all[0]!.draft, draftOf('acme'), 'the whole draft round-trips');
    t.equal(
      await store.addDrafts(run.id, [{ draft: draftOf('acme', '4.00', 'ams1', '2026-10', 'acme-labs'), review: [] }], 3),
      1,
      "a second account of acme's: an invoice of its own in the same run",
    );
    t.same(
      (await store.invoices({ runId: run.id, customer: 'acme' })).map((i) => [i.account, i.total]),
      [
        ['acme', '10.00'],
        ['acme-labs', '4.00'],
      ],
    );
    const held = all[1]!;
    const again = await store.replaceDraft(held.id, { draft: draftOf('globex', '8.00'), review: [] });
    t.match(again, { status: 'draft', total: '8.00', review: [] });
    t.same(await store.invoices({ status: 'held' }), []);
    t.same((await store.invoices({ customer: 'initech', entity: 'ams1', period: '2026-10' })).length, 1);
    await t.rejects(store.addDrafts(9999, [{ draft: draftOf('x'), review: [] }], 1), 'an unknown run');
    await t.rejects(store.replaceDraft(9999, { draft: draftOf('x'), review: [] }), InvoiceNotFoundError);
  });

  withStore('numbers: per issuing entity and year, gap-free, unique, drawn only at finalize', async (t, { store }) => {
    const ams = await store.ensureRun('ams1', '2026-10', 'drafted', 1);
    const sin = await store.ensureRun('sin1', '2026-10', 'drafted', 1);
    await store.addDrafts(
      ams.id,
      ['a', 'b', 'c', 'd'].map((c) => ({ draft: draftOf(c), review: [] })),
      1,
    );
    await store.addDrafts(sin.id, [{ draft: draftOf('a', '1.00', 'sin1'), review: [] }], 1);
    const [a, b, c, d] = await store.invoices({ runId: ams.id });
    t.equal((await store.finalize(a!.id, { atMs: 10, year: 2026 })).number, 'AMS1-2026-000001');
    await t.rejects(store.finalize(a!.id, { atMs: 11, year: 2026 }), InvoiceImmutableError, 'twice: refused');
    t.equal((await store.finalize(b!.id, { atMs: 12, year: 2026 })).number, 'AMS1-2026-000002', 'the refused call drew no number');
    t.equal(
      (await store.finalize((await store.invoices({ runId: sin.id }))[0]!.id, { atMs: 12, year: 2026 })).number,
      'SIN1-2026-000001',
      'entities count apart',
    );
    t.equal((await store.finalize(c!.id, { atMs: 13, year: 2027 })).number, 'AMS1-2027-000001', 'a new year starts at 1');
    const fin = await store.finalize(d!.id, { atMs: 14, year: 2026, release: { by: 'ops@dc', reason: 'meter replaced, estimate agreed' } });
    t.match(fin, {
      number: 'AMS1-2026-000003',
      status: 'final',
      finalizedAt: 14,
      release: { by: 'ops@dc', reason: 'meter replaced, estimate agreed' },
    });
    t.match(await store.invoiceByNumber('AMS1-2026-000002'), { id: b!.id, customer: 'b' });
    t.equal(await store.invoiceByNumber('AMS1-2026-999999'), undefined);
    await t.rejects(store.finalize(9999, { atMs: 1, year: 2026 }), InvoiceNotFoundError);
  });

  withStore('the last draft of a drafted run finalized moves the run to finalized in the same transaction', async (t, { store }) => {
    const run = await store.ensureRun('ams1', '2026-10', 'drafted', 1);
    await store.addDrafts(
      run.id,
      [
        { draft: draftOf('acme'), review: [] },
        { draft: draftOf('globex'), review: [] },
        { draft: draftOf('initech'), review: ['held'] },
      ],
      1,
    );
    const [acme, globex, initech] = await store.invoices({ runId: run.id });
    await store.finalize(acme!.id, { atMs: 5, year: 2026 });
    t.match(await store.run('ams1', '2026-10'), { state: 'drafted', updatedAt: 1 }, 'a draft is left: still drafted');
    await store.finalize(globex!.id, { atMs: 6, year: 2026 });
    t.match(
      await store.run('ams1', '2026-10'),
      { state: 'finalized', updatedAt: 6 },
      'the last draft: finalized with it (a held one does not count)',
    );
    await store.finalize(initech!.id, { atMs: 7, year: 2026, release: { by: 'ops', reason: 'checked' } });
    t.match(await store.run('ams1', '2026-10'), { state: 'finalized', updatedAt: 6 }, 'a later release leaves a finalized run as it is');
    const partial = await store.ensureRun('ams1', '2026-11', 'partial', 1);
    await store.addDrafts(partial.id, [{ draft: draftOf('acme', '1.00', 'ams1', '2026-11'), review: [] }], 1);
    await store.finalize((await store.invoices({ runId: partial.id }))[0]!.id, { atMs: 8, year: 2026 });
    t.match(await store.run('ams1', '2026-11'), { state: 'partial' }, "a partial run waits for the other customers' drafts");
  });

  withStore('a counter behind the numbers issued (rows lost) is refused: no number twice, nothing numbered', async (t, { store, raw }) => {
    const run = await store.ensureRun('ams1', '2026-10', 'drafted', 1);
    await store.addDrafts(
      run.id,
      ['a', 'b', 'c'].map((c) => ({ draft: draftOf(c), review: [] })),
      1,
    );
    const [a, b, c] = await store.invoices({ runId: run.id });
    await store.finalize(a!.id, { atMs: 2, year: 2026 });
    await store.finalize(b!.id, { atMs: 2, year: 2026 });
    const credit = await store.addNote(noteOf('AMS1-2026-000001', 'credit', '-1.00'), { fingerprint: 'f1', atMs: 3, year: 2026 });
    await raw('DELETE FROM document_counters');
    await t.rejects(store.finalize(c!.id, { atMs: 4, year: 2026 }), DocumentCounterBehindError);
    const err = await store.finalize(c!.id, { atMs: 4, year: 2026 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    t.match(
      err?.message,
      new RegExp(
        String.raw`^document number AMS1-2026-000001 was issued already, but its counter drew it again: ` +
          String.raw`the database lost rows of document_counters\. Restore the database from a backup`,
      ),
    );
    await t.rejects(store.addNote(noteOf('AMS1-2026-000002', 'credit', '-1.00'), { fingerprint: 'f2', atMs: 4, year: 2026 }), {
      name: 'DocumentCounterBehindError',
      number: credit.note.number,
    });
    t.match(await store.invoice(c!.id), { status: 'draft', number: undefined }, 'the draft is not numbered');
    await raw("INSERT INTO document_counters (site, series, year, last) VALUES ('ams1', 'INV', 2026, 2), ('ams1', 'CN', 2026, 1)");
    t.equal(
      (await store.finalize(c!.id, { atMs: 5, year: 2026 })).number,
      'AMS1-2026-000003',
      'the counter set right: numbering goes on without a gap',
    );
  });

  withStore('two instances finalizing at once: every draft numbered once, no gap, no duplicate', async (t, { store, peer }) => {
    const other = await peer();
    const run = await store.ensureRun('ams1', '2026-10', 'drafted', 1);
    const customers = Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    await store.addDrafts(
      run.id,
      customers.map((c) => ({ draft: draftOf(c), review: [] })),
      1,
    );
    const ids = (await store.invoices({ runId: run.id })).map((i) => i.id);
    // Both instances try every draft; each draft is finalized by exactly one of them.
    const tries = [store, other].flatMap((s) =>
      ids.map((id) =>
        s.finalize(id, { atMs: 2, year: 2026 }).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      ),
    );
    const outcome = await Promise.all(tries);
    t.equal(outcome.filter((o) => o === 'ok').length, 12, 'twelve finalizations');
    t.equal(outcome.filter((o) => o === 'InvoiceImmutableError').length, 12, 'twelve refusals');
    const numbers = (await store.invoices({ runId: run.id })).map((i) => i.number!).sort();
    t.same(
      numbers,
      customers.map((_, i) => `AMS1-2026-${String(i + 1).padStart(6, '0')}`),
    );
  });

  withStore('a final invoice is immutable: through the interface and in the database', async (t, { store, tamper }) => {
    const run = await store.ensureRun('ams1', '2026-10', 'drafted', 1);
    await store.addDrafts(
      run.id,
      [
        { draft: draftOf('acme'), review: [] },
        { draft: draftOf('globex'), review: [] },
      ],
      1,
    );
    const [inv, draft] = await store.invoices({ runId: run.id });
    const fin = await store.finalize(inv!.id, { atMs: 5, year: 2026 });
    await t.rejects(store.replaceDraft(inv!.id, { draft: draftOf('acme', '1.00'), review: [] }), InvoiceImmutableError);
    await t.rejects(tamper('invoices', 'update', inv!.id), /immutable/, 'a raw UPDATE is refused by the database');
    await t.rejects(tamper('invoices', 'delete', inv!.id), /immutable/, 'a raw DELETE is refused by the database');
    await tamper('invoices', 'update', draft!.id);
    t.pass('a draft may still change');
    await store.markRendered(inv!.id, 6);
    await store.recordDelivery(inv!.id, { atMs: 7, ok: false, error: 'HTTP 500' });
    await store.recordDelivery(inv!.id, { atMs: 8, ok: true });
    const after = (await store.invoice(inv!.id))!;
    t.match(
      after,
      { renderedAt: 6, deliveredAt: 8, deliveryAttempts: 2, lastDeliveryError: undefined },
      'delivery is recorded beside the invoice',
    );
    const strip = ({ renderedAt: _r, deliveredAt: _d, deliveryAttempts: _a, lastDeliveryError: _e, ...rest }: typeof after) => rest;
    t.same(strip(after), strip(fin), 'the invoice itself is as it was finalized');
  });

  withStore('notes: own numbers per series, one per invoice and recomputation', async (t, { store, peer, tamper }) => {
    const run = await store.ensureRun('ams1', '2026-10', 'drafted', 1);
    await store.addDrafts(
      run.id,
      [
        { draft: draftOf('acme'), review: [] },
        { draft: draftOf('globex'), review: [] },
      ],
      1,
    );
    const [inv, draft] = await store.invoices({ runId: run.id });
    const fin = await store.finalize(inv!.id, { atMs: 2, year: 2026 });
    const credit = noteOf(fin.number!, 'credit', '-2.00');
    const first = await store.addNote(credit, { fingerprint: 'f1', atMs: 3, year: 2026 });
    t.match(first, {
      created: true,
      note: {
        number: 'AMS1-CN-2026-000001',
        invoiceNumber: fin.number,
        kind: 'credit',
        totalDelta: '-2.00',
        fingerprint: 'f1',
        createdAt: 3,
      },
    });
    t.same(first.note.note, credit);
    const again = await store.addNote(credit, { fingerprint: 'f1', atMs: 4, year: 2026 });
    t.same([again.created, again.note.number], [false, 'AMS1-CN-2026-000001'], 'the same recomputation twice: one note');
    const other = await peer();
    const both = await Promise.all(
      [store, other].map((s) => s.addNote(noteOf(fin.number!, 'debit', '1.00'), { fingerprint: 'f2', atMs: 5, year: 2026 })),
    );
    t.same(both.map((b) => b.created).sort(), [false, true], 'two instances at once: one note');
    t.same(
      both.map((b) => b.note.number),
      ['AMS1-DN-2026-000001', 'AMS1-DN-2026-000001'],
    );
    t.equal(
      (await store.addNote(noteOf(fin.number!, 'debit', '3.00'), { fingerprint: 'f3', atMs: 6, year: 2026 })).note.number,
      'AMS1-DN-2026-000002',
      'no gap left by the refused one',
    );
    t.same(
      (await store.notes(fin.number!)).map((n) => n.number),
      ['AMS1-CN-2026-000001', 'AMS1-DN-2026-000001', 'AMS1-DN-2026-000002'],
    );
    await t.rejects(
      store.addNote(noteOf('AMS1-2026-999999', 'credit', '-1.00'), { fingerprint: 'x', atMs: 7, year: 2026 }),
      InvoiceNotFoundError,
    );
    t.equal(draft!.status, 'draft');
    await t.rejects(tamper('invoice_notes', 'update', first.note.id), /immutable/);
    await t.rejects(tamper('invoice_notes', 'delete', first.note.id), /immutable/);
  });

  withStore('run locks: one holder at a time across instances, freed after the work, also when it fails', async (t, { store, peer }) => {
    const other = await peer();
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const first = store.withLock('ams1/2026-10', 'node-a', async () => {
      await held;
      return 'a';
    });
    await new Promise((r) => setTimeout(r, 50));
    t.same(
      await other.withLock('ams1/2026-10', 'node-b', async () => 'b'),
      { acquired: false },
      'the other instance is refused while it is held',
    );
    t.same(await other.withLock('ams1/2026-11', 'node-b', async () => 'b'), { acquired: true, value: 'b' }, 'another period is free');
    release();
    t.same(await first, { acquired: true, value: 'a' });
    t.same(await other.withLock('ams1/2026-10', 'node-b', async () => 'b2'), { acquired: true, value: 'b2' }, 'free once let go');
    await t.rejects(
      store.withLock('ams1/2026-10', 'node-a', async () => {
        throw new Error('run failed');
      }),
      /run failed/,
    );
    t.same(await other.withLock('ams1/2026-10', 'node-b', async () => 'b3'), { acquired: true, value: 'b3' }, 'free after a failure too');
  });

  if (target.leaseMs !== undefined) {
    const leaseMs = target.leaseMs;
    withStore('a lease left by an instance that died expires', async (t, { store, peer }) => {
      const other = await peer();
      let release!: () => void;
      const stuck = store.withLock(
        'ams1/2026-10',
        'dead',
        () =>
          new Promise<void>((r) => {
            release = r;
          }),
      );
      await new Promise((r) => setTimeout(r, 20));
      t.same(await other.withLock('ams1/2026-10', 'node-b', async () => 'b'), { acquired: false });
      nowMs += leaseMs + 1;
      t.same(await other.withLock('ams1/2026-10', 'node-b', async () => 'b'), { acquired: true, value: 'b' }, 'taken over after the lease');
      release();
      await stuck;
    });
  }
}
