// Notes once issued go where invoices go: their files are written (outputs.note) and they are delivered to
// the invoicing system (deliverNote), each step recorded in the store beside the note. A tick hands on every
// note of an entity that is not done yet, whatever its month (a recheck issues notes of recent months, but
// a delivery that failed is retried until it goes through), under the lock of the note's month, so two
// instances never write or post one note at once. A note whose files fail is not delivered; the next tick
// tries both again.
import type { StoredNote } from '../../storage/billing/types.js';
import { lockName, type PeriodDeps } from './period.js';
import type { RunEntity } from './types.js';

export interface NoteOutcome {
  number: string;
  invoiceNumber: string;
  period: string;
  /** Its files were written in this call. */
  rendered: boolean;
  /** Delivered in this call (false: tried and failed; absent: not tried). */
  delivered?: boolean;
}

export interface NoteSendReport {
  notes: NoteOutcome[];
  errors: { period: string; number: string; error: string }[];
  /** Months another instance held; their notes wait for the next tick. */
  busy: string[];
}

export async function sendNotes(deps: PeriodDeps, entity: RunEntity): Promise<NoteSendReport> {
  const { store, clock, log } = deps;
  const pending = await store.notes({ entity: entity.id, ...(deps.deliverNote ? { delivered: false } : { rendered: false }) });
  const byPeriod = new Map<string, StoredNote[]>();
  for (const n of pending) byPeriod.set(n.period, [...(byPeriod.get(n.period) ?? []), n]);
  const report: NoteSendReport = { notes: [], errors: [], busy: [] };
  for (const [period, notes] of byPeriod) {
    const res = await store.withLock(lockName(entity.id, period), deps.owner, async () => {
      for (const listed of notes) {
        // Read again under the lock: another instance may have done it since the list was made.
        const n = await store.note(listed.id);
        if (!n) continue;
        const out: NoteOutcome = { number: n.number, invoiceNumber: n.invoiceNumber, period, rendered: false };
        const ctx = { entity: entity.id, period, note: n.number, invoice: n.invoiceNumber };
        try {
          if (n.renderedAt === undefined) {
            await deps.outputs.note?.(n);
            await store.markNoteRendered(n.id, clock.now());
            out.rendered = true;
          }
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          report.errors.push({ period, number: n.number, error });
          log.error({ ...ctx, err }, 'note outputs failed; tried again on the next tick');
          continue;
        }
        if (deps.deliverNote && n.deliveredAt === undefined) {
          const r = await deps.deliverNote(n);
          await store.recordNoteDelivery(n.id, { atMs: clock.now(), ok: r.ok, ...(r.error !== undefined ? { error: r.error } : {}) });
          out.delivered = r.ok;
          if (!r.ok) log.warn({ ...ctx, attempts: r.attempts, err: r.error }, 'note webhook failed; retried on the next tick');
          else log.info({ ...ctx, kind: n.kind, totalDelta: n.totalDelta }, 'note delivered');
        }
        report.notes.push(out);
      }
    });
    if (!res.acquired) report.busy.push(period);
  }
  return report;
}
