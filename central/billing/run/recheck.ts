// Late data after finalizing: recompute the final invoices of recent months and, where the figures moved,
// issue a credit or debit note against the invoice (billing/notes.ts), never an edit. The comparison is
// with the invoice as its earlier notes already corrected it, so a recheck that finds nothing new issues
// nothing, and two instances rechecking at once issue one note (the store keys notes by fingerprint).
import { createHash } from 'node:crypto';
import { zoneClock } from '../../../common/local-time.js';
import type { StoredInvoice, StoredNote } from '../../storage/billing/types.js';
import type { InvoiceDraft, InvoiceLine } from '../invoice.js';
import { dec, formatMoney, sumDec } from '../money.js';
import { lineId, noteFor, type FinalizedInvoice } from '../notes.js';
import { draftsFor, lockName, type PeriodDeps } from './period.js';
import type { RunEntity } from './types.js';

/**
 * The invoice with every note applied: each note line's `now` replaces the line it corrects. Lines are
 * matched by site and key (lineId), as notes are made: the sections of a consolidated invoice often price
 * on versions of the same name, so their lines share keys.
 */
export function effectiveInvoice(inv: StoredInvoice, notes: readonly StoredNote[]): FinalizedInvoice {
  const lines = new Map<string, InvoiceLine>(inv.draft.lines.map((l) => [lineId(l), l]));
  for (const { note } of notes) {
    for (const nl of note.lines) {
      lines.set(lineId(nl), {
        ...lines.get(lineId(nl)),
        key: nl.key,
        ...(nl.site !== undefined ? { site: nl.site } : {}),
        kind: nl.kind,
        description: nl.description,
        ...(nl.version !== undefined ? { version: nl.version } : {}),
        unit: nl.unit,
        unitPrice: nl.unitPrice,
        quantity: nl.now.quantity,
        amount: nl.now.amount,
      });
    }
  }
  const all = [...lines.values()];
  const cur = inv.currency;
  const subtotal = sumDec(all.filter((l) => l.kind !== 'tax').map((l) => l.amount));
  const tax = sumDec(all.filter((l) => l.kind === 'tax').map((l) => l.amount));
  return {
    ...inv.draft,
    number: inv.number!,
    lines: all,
    subtotal: formatMoney(subtotal, cur),
    taxTotal: formatMoney(tax, cur),
    total: formatMoney(dec(subtotal).plus(tax), cur),
  };
}

/** Identifies a recomputation on top of the notes issued so far. */
export function noteFingerprint(notesSoFar: number, recomputed: InvoiceDraft): string {
  const lines = recomputed.lines.map((l) => [l.key, l.quantity, l.amount]);
  return createHash('sha256')
    .update(JSON.stringify([notesSoFar, lines]))
    .digest('hex')
    .slice(0, 32);
}

export interface RecheckOutcome {
  invoiceNumber: string;
  noteNumber: string;
  kind: StoredNote['kind'];
  totalDelta: string;
  /** false: an identical note was there already (another instance made it). */
  created: boolean;
}

/** Rechecks the final invoices of one entity and month; { locked: false } while a run holds the month. */
export async function recheckPeriod(
  deps: PeriodDeps,
  entity: RunEntity,
  period: string,
): Promise<{ locked: boolean; notes: RecheckOutcome[] }> {
  const res = await deps.store.withLock(lockName(entity.id, period), deps.owner, async () => {
    const finals = await deps.store.invoices({ entity: entity.id, period, status: 'final' });
    if (finals.length === 0) return [];
    const fresh = new Map((await draftsFor(deps, entity, period)).map((d) => [`${d.draft.account}/${d.draft.currency}`, d.draft]));
    const out: RecheckOutcome[] = [];
    for (const inv of finals) {
      const recomputed = fresh.get(`${inv.account}/${inv.currency}`);
      if (!recomputed) {
        deps.log.warn({ entity: entity.id, period, number: inv.number }, 'recheck: the account has no draft any more; left for a person');
        continue;
      }
      const notes = await deps.store.notes(inv.number!);
      const note = noteFor(effectiveInvoice(inv, notes), recomputed);
      if (!note) continue;
      const now = deps.clock.now();
      const made = await deps.store.addNote(note, {
        fingerprint: noteFingerprint(notes.length, recomputed),
        atMs: now,
        year: zoneClock(entity.timeZone).local(now).year,
      });
      out.push({
        invoiceNumber: inv.number!,
        noteNumber: made.note.number,
        kind: made.note.kind,
        totalDelta: made.note.totalDelta,
        created: made.created,
      });
      deps.log.info(
        { entity: entity.id, period, number: inv.number, note: made.note.number, kind: note.kind, totalDelta: note.totalDelta },
        'late data: note issued',
      );
    }
    return out;
  });
  return res.acquired ? { locked: true, notes: res.value } : { locked: false, notes: [] };
}
