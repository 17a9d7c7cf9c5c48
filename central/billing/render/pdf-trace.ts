// The parts of an invoice PDF that show where its figures come from: the data-quality note (measured and
// estimated energy, estimated boundaries, anomalies) and the trace appendix on the following pages, each
// point's counters at the start and end, epochs crossed (meter swaps, resets) and the energy of others'
// equipment inside the customer's points deducted.
import type { DataQuality, InvoiceDraft } from '../types.js';
import { versionDeductedKwh } from './document.js';
import { FULL, localTime, MARGIN, WIDTH, type Writer } from './pdf-writer.js';
import { OTHERS_DEDUCTED_LABEL } from './redact.js';

/** The quality of the energy behind the figures; `marked`: the lines carry the estimate mark (*) it explains. */
export function qualityNote(w: Writer, q: DataQuality, o: { heading?: string; marked?: boolean } = {}): void {
  // Kept together: a heading at the foot of one page and its figures on the next read as two notes.
  w.room(70);
  w.line([[o.heading ?? 'Data quality', FULL, 'left']], true);
  const facts = [
    `Energy ${q.kWh.toFixed(3)} kWh: measured ${q.measuredKwh.toFixed(3)} kWh ` +
      `(of which interpolated at a boundary ${q.interpolatedKwh.toFixed(3)}), estimated ${q.estimatedKwh.toFixed(3)} kWh.`,
    `Measured share ${(q.measuredShare * 100).toFixed(2)}%; ${q.estimatedBoundaries} estimated boundary counter(s); ${q.anomalies} anomaly(ies).`,
  ];
  if (o.marked !== false)
    facts.push('* The line includes estimated energy (a gap in the readings, or the time between an old and a new meter); see the trace.');
  w.paragraphs(facts);
}

export function traceAppendix(w: Writer, d: InvoiceDraft): void {
  w.newPage();
  w.y += w.text('Trace: counters behind every energy line', MARGIN, WIDTH, { bold: true, size: 13 }) + 6;
  for (const v of d.trace) {
    const tz = d.sections.find((s) => s.site === v.site)?.period.timeZone ?? d.period.timeZone;
    const where = d.sections.length > 1 && v.site !== undefined ? `${v.site}, ` : '';
    w.line([[`${where}terms ${v.version}: ${localTime(v.fromMs, tz)} to ${localTime(v.toMs, tz)}`, FULL, 'left']], true);
    for (const p of v.points) {
      w.line([[`${p.pointId}  (${p.seriesId})${p.deducted ? "  another customer's, deducted" : ''}`, [MARGIN + 8, 487], 'left']], true);
      for (const piece of p.pieces) {
        const b = (x: typeof piece.start) =>
          `${x.valueKwh === undefined ? 'none' : x.valueKwh.toFixed(3)} kWh ${x.method}${x.estimated ? ' (estimated)' : ''}`;
        w.line([
          [
            `${localTime(piece.fromMs, tz)}  ${b(piece.start)}   ->   ${localTime(piece.toMs, tz)}  ${b(piece.end)}`,
            [MARGIN + 16, 479],
            'left',
          ],
        ]);
      }
      for (const e of p.events) {
        const at = (r: typeof e.old) => `${r.valueKwh.toFixed(3)} kWh at ${localTime(r.ts, tz)}${r.serial ? ` (${r.serial})` : ''}`;
        const between = `between ${e.shareKwh.toFixed(3)} kWh${e.estimated ? ' estimated' : ''}`;
        w.line([[`${e.reason}: ${at(e.old)} then ${at(e.new)}; ${between}`, [MARGIN + 16, 479], 'left']]);
      }
      for (const a of p.anomalies)
        w.line([[`anomaly: ${a.kind} ${localTime(a.fromMs, tz)} to ${localTime(a.toMs, tz)}`, [MARGIN + 16, 479], 'left']]);
    }
    const deducted = versionDeductedKwh(d, v.site, v.version);
    if (deducted !== undefined)
      w.line(
        [[`${OTHERS_DEDUCTED_LABEL}: ${(deducted + 0).toFixed(3)} kWh (deducted from the energy above)`, [MARGIN + 8, 487], 'left']],
        true,
      );
    w.gap(6);
  }
}
