// Committed power on an invoice: the commitment itself when the terms charge for it, and the 15-minute
// peak above it as overage. A commitment per contract is one level over the terms' span; a commitment per
// rack follows the racks held, so the span splits into stretches of equal rack count, each its own level,
// charged for its days (a rack that moves out on the 15th stops counting on the 15th). Pure.
import type { Period } from '../../common/local-time.js';
import type { CustomerEnergy } from '../energy/group.js';
import type { TermSpan } from '../model/contracts/terms.js';
import type { IntervalMs } from '../model/types.js';
import { dec, formatQuantity, roundQuantity } from './money.js';
import { daysWithin, prorateOf, type Prorate } from './prorate.js';
import type { InvoiceLine } from './types.js';

/** What a span's monthly amounts are charged for: the days and whether they are days held. */
export interface MonthlyBasis {
  days: number;
  prorate: Prorate | undefined;
  /** Print the rule in the text of lines that carry no `prorate` (the minimum's top-up); contracts do. */
  printRule: boolean;
}

interface Level {
  kw: string;
  racks?: number;
  segments: IntervalMs[];
  basis: MonthlyBasis;
}

/** Stretches of the span with the same number of racks held (none held: left out). */
function rackLevels(racks: ReadonlyMap<string, readonly IntervalMs[]>, span: IntervalMs): Map<number, IntervalMs[]> {
  const cuts = new Set([span.fromMs, span.toMs]);
  for (const list of racks.values())
    for (const iv of list) for (const t of [iv.fromMs, iv.toMs]) if (t > span.fromMs && t < span.toMs) cuts.add(t);
  const times = [...cuts].sort((a, b) => a - b);
  const out = new Map<number, IntervalMs[]>();
  for (let k = 0; k + 1 < times.length; k++) {
    const [a, b] = [times[k]!, times[k + 1]!];
    const n = [...racks.values()].filter((list) => list.some((iv) => iv.fromMs <= a && a < iv.toMs)).length;
    if (n > 0) out.set(n, [...(out.get(n) ?? []), { fromMs: a, toMs: b }]);
  }
  return out;
}

export interface CommitmentInput {
  span: TermSpan;
  period: Period;
  basis: MonthlyBasis;
  racks: ReadonlyMap<string, readonly IntervalMs[]>;
  energy: CustomerEnergy;
  line: (
    l: Omit<InvoiceLine, 'amount' | 'quantity' | 'unitPrice'> & { quantity: ReturnType<typeof dec>; unitPrice: string | number },
  ) => InvoiceLine;
}

function levelsOf(input: CommitmentInput): Level[] {
  const { span, period } = input;
  const c = span.terms.commitment;
  if (!c) return [];
  if ('kw' in c) return [{ kw: String(c.kw), segments: [span], basis: input.basis }];
  return [...rackLevels(input.racks, span)].map(([n, segments]) => {
    const days = daysWithin(segments, span.fromMs, span.toMs, period.timeZone);
    return {
      kw: dec(c.perRackKw).times(n).toString(),
      racks: n,
      segments,
      basis: { days, prorate: prorateOf(days, period, 'held'), printRule: true },
    };
  });
}

/** The commitment and overage lines of one span. */
export function commitmentLines(input: CommitmentInput): InvoiceLine[] {
  const t = input.span.terms;
  const perRack = t.commitment !== undefined && 'perRackKw' in t.commitment;
  const lines: InvoiceLine[] = [];
  for (const level of levelsOf(input)) {
    const { prorate } = level.basis;
    const what =
      level.racks === undefined
        ? `${level.kw} kW`
        : `${level.kw} kW (${level.racks} racks × ${String((t.commitment as { perRackKw: string }).perRackKw)} kW)`;
    const suffix = perRack ? `:${level.kw}` : '';
    if (t.committedPowerPricePerKw !== undefined)
      lines.push(
        input.line({
          key: `commitment:${t.version}${suffix}`,
          kind: 'commitment',
          description: `Committed power ${what}`,
          version: t.version,
          quantity: dec(level.kw),
          unit: 'kW',
          unitPrice: t.committedPowerPricePerKw,
          ...(prorate ? { prorate } : {}),
        }),
      );
    if (t.overagePricePerKw === undefined) continue;
    const peaks = level.segments.flatMap((s) => input.energy.peakDemand(s.fromMs, s.toMs) ?? []);
    const peak = peaks.reduce<(typeof peaks)[number] | undefined>((m, p) => (m === undefined || p.kW > m.kW ? p : m), undefined);
    const over = peak ? roundQuantity(peak.kW).minus(level.kw) : dec(0);
    if (!peak || !over.gt(0)) continue;
    lines.push(
      input.line({
        key: `overage:${t.version}${suffix}`,
        kind: 'overage',
        description: `Peak 15-minute demand ${formatQuantity(peak.kW)} kW over ${level.kw} kW committed`,
        version: t.version,
        quantity: over,
        unit: 'kW',
        unitPrice: t.overagePricePerKw,
        ...(prorate ? { prorate } : {}),
        demand: { ...peak, committedKw: level.kw },
      }),
    );
  }
  return lines;
}
