// Pricing: a customer's energy at one site over a period, split by tariff version and by time-of-use
// window (asked of the energy core for exactly those sub-intervals), into invoice lines. Rounding only
// through money.ts, in the order stated there. Pure: the energy arrives through CustomerEnergy.
import type { CustomerEnergy, IntervalEnergy } from '../energy/group.js';
import { addEnergy, measuredShare, sumEnergy, ZERO_ENERGY } from '../energy/group.js';
import type { EnergyQuantity } from '../energy/types.js';
import type { Period } from '../../common/local-time.js';
import { zoneClock } from '../../common/local-time.js';
import { traceOf, type EnergyLineTrace, type InvoiceDraft, type InvoiceLine, type PointShare, type VersionTrace } from './invoice.js';
import { dec, type Dec, formatMoney, formatQuantity, roundMoney, roundQuantity, sumDec } from './money.js';
import { STANDARD_WINDOW, versionsIn, type TariffVersion, type VersionSpan } from '../model/tariffs/tariff.js';
import { touIntervals } from '../model/tariffs/tou.js';

/** A period that no tariff version covers, or versions in more than one currency. */
export class PricingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PricingError';
  }
}

export interface PricingInput {
  customer: string;
  site: string;
  period: Period;
  /** The versions of the tariff that applies to this customer at this site (one currency). */
  versions: readonly TariffVersion[];
  energy: CustomerEnergy;
}

const DAY_MS = 86_400_000;

/** Local calendar days between two instants (whole days between local midnights, also across DST). */
function localDays(fromMs: number, toMs: number, timeZone: string): number {
  const z = zoneClock(timeZone);
  return Math.round(((toMs + z.offsetMs(toMs) - (fromMs + z.offsetMs(fromMs))) / DAY_MS) * 1e6) / 1e6;
}

function coveredSpans(input: PricingInput): VersionSpan[] {
  const { period } = input;
  const spans = versionsIn(input.versions, period.fromMs, period.toMs, period.timeZone);
  let cursor = period.fromMs;
  for (const s of spans) {
    if (s.fromMs > cursor) break;
    cursor = Math.max(cursor, s.toMs);
  }
  if (cursor < period.toMs)
    throw new PricingError(
      `${input.customer}@${input.site}: no tariff version covers ${new Date(cursor).toISOString()} in ${period.label}`,
    );
  const currencies = new Set(spans.map((s) => s.version.currency));
  if (currencies.size !== 1)
    throw new PricingError(`${input.customer}@${input.site}: versions in ${[...currencies].join(', ')}; one invoice has one currency`);
  return spans.map((s) => ({ ...s, days: localDays(s.fromMs, s.toMs, period.timeZone) }));
}

interface WindowAcc {
  q: EnergyQuantity;
  price: string | number;
  intervals: [number, number][];
  points: Map<string, PointShare>;
}

function byWindow(tou: ReturnType<typeof touIntervals>, energies: readonly IntervalEnergy[]): Map<string, WindowAcc> {
  const out = new Map<string, WindowAcc>();
  tou.forEach((iv, i) => {
    const e = energies[i]!;
    let w = out.get(iv.window);
    if (!w) {
      w = { q: ZERO_ENERGY, price: iv.pricePerKwh, intervals: [], points: new Map() };
      out.set(iv.window, w);
    }
    w.q = addEnergy(w.q, e);
    w.intervals.push([iv.fromMs, iv.toMs]);
    for (const p of e.points) {
      const prev = w.points.get(p.pointId) ?? {
        pointId: p.pointId,
        seriesId: p.seriesId,
        ...(p.deducted ? { deducted: true as const } : {}),
        ...ZERO_ENERGY,
      };
      w.points.set(p.pointId, { ...prev, ...addEnergy(prev, p) });
    }
  });
  return out;
}

function prorated(span: VersionSpan, period: Period): InvoiceLine['prorate'] | undefined {
  return span.days === period.days ? undefined : { days: span.days, daysInPeriod: period.days };
}

function line(
  currency: string,
  l: Omit<InvoiceLine, 'amount' | 'quantity' | 'unitPrice'> & { quantity: Dec; unitPrice: string | number },
): InvoiceLine {
  const factor = l.prorate ? dec(l.prorate.days).div(l.prorate.daysInPeriod) : dec(1);
  const amount = roundMoney(l.quantity.times(l.unitPrice).times(factor), currency);
  return { ...l, quantity: l.quantity.toString(), unitPrice: String(l.unitPrice), amount: formatMoney(amount, currency) };
}

/** The lines of one version's span: energy per window, overhead, fixed fees, overage, minimum top-up. */
function priceSpan(
  input: PricingInput,
  span: VersionSpan,
  currency: string,
): { lines: InvoiceLine[]; quality: EnergyQuantity; trace: VersionTrace } {
  const v = span.version;
  const { period } = input;
  const tou = touIntervals(v, span.fromMs, span.toMs, period.timeZone);
  const energies = input.energy.energyOver([tou[0]!.fromMs, ...tou.map((i) => i.toMs)]);
  const windows = byWindow(tou, energies);
  const order = [STANDARD_WINDOW, ...v.touWindows.map((w) => w.name)].filter((n) => windows.has(n));
  const lines: InvoiceLine[] = [];
  const overhead = dec(v.overheadFactor).minus(1);
  for (const name of order) {
    const w = windows.get(name)!;
    const trace: EnergyLineTrace = { window: name, ...w.q, intervals: w.intervals, points: [...w.points.values()] };
    const kWh = roundQuantity(w.q.kWh);
    const label = name === STANDARD_WINDOW ? 'Energy' : `Energy, ${name}`;
    lines.push(
      line(currency, {
        key: `energy:${v.version}:${name}`,
        kind: 'energy',
        description: label,
        version: v.version,
        quantity: kWh,
        unit: 'kWh',
        unitPrice: w.price,
        energy: trace,
      }),
    );
    if (overhead.gt(0)) {
      lines.push(
        line(currency, {
          key: `overhead:${v.version}:${name}`,
          kind: 'overhead',
          description: `Overhead (factor ${String(v.overheadFactor)}) on ${label.toLowerCase()}`,
          version: v.version,
          quantity: roundQuantity(kWh.times(overhead)),
          unit: 'kWh',
          unitPrice: w.price,
          energy: trace,
        }),
      );
    }
  }
  const prorate = prorated(span, period);
  for (const f of v.fixedFees) {
    lines.push(
      line(currency, {
        key: `fixed_fee:${v.version}:${f.name}`,
        kind: 'fixed_fee',
        description: f.name,
        version: v.version,
        quantity: dec(1),
        unit: 'month',
        unitPrice: f.amountPerMonth,
        ...(prorate ? { prorate } : {}),
      }),
    );
  }
  if (v.committedPowerKw !== undefined) {
    const peak = input.energy.peakDemand(span.fromMs, span.toMs);
    const over = peak ? roundQuantity(peak.kW).minus(v.committedPowerKw) : dec(0);
    if (peak && over.gt(0)) {
      lines.push(
        line(currency, {
          key: `overage:${v.version}`,
          kind: 'overage',
          description: `Peak 15-minute demand ${formatQuantity(peak.kW)} kW over ${String(v.committedPowerKw)} kW committed`,
          version: v.version,
          quantity: over,
          unit: 'kW',
          unitPrice: v.overagePricePerKw!,
          ...(prorate ? { prorate } : {}),
          demand: { ...peak, committedKw: String(v.committedPowerKw) },
        }),
      );
    }
  }
  if (v.minimumChargePerMonth !== undefined) {
    const factor = prorate ? dec(prorate.days).div(prorate.daysInPeriod) : dec(1);
    const minimum = roundMoney(dec(v.minimumChargePerMonth).times(factor), currency);
    const shortfall = minimum.minus(sumDec(lines.map((l) => l.amount)));
    if (shortfall.gt(0)) {
      lines.push(
        line(currency, {
          key: `minimum_topup:${v.version}`,
          kind: 'minimum_topup',
          description: `Minimum charge ${formatMoney(minimum, currency)} ${currency}`,
          version: v.version,
          quantity: dec(1),
          unit: 'amount',
          unitPrice: shortfall.toString(),
        }),
      );
    }
  }
  return { lines, quality: sumEnergy([...windows.values()].map((w) => w.q)), trace: traceOf(v.version, span.fromMs, span.toMs, energies) };
}

/** Rule 5: one tax line per tax name and rate, on the rounded amounts of the lines of the versions that carry it. */
function taxLines(lines: readonly InvoiceLine[], spans: readonly VersionSpan[], currency: string): InvoiceLine[] {
  const bases = new Map<string, { name: string; ratePct: string; base: Dec }>();
  for (const s of spans) {
    const base = sumDec(lines.filter((l) => l.version === s.version.version).map((l) => l.amount));
    for (const tax of s.version.taxes) {
      const key = `tax:${tax.name}:${dec(tax.ratePct).toString()}`;
      const b = bases.get(key) ?? { name: tax.name, ratePct: dec(tax.ratePct).toString(), base: dec(0) };
      bases.set(key, { ...b, base: b.base.plus(base) });
    }
  }
  return [...bases].map(([key, b]) =>
    line(currency, {
      key,
      kind: 'tax',
      description: `${b.name} ${b.ratePct}%`,
      quantity: b.base,
      unit: 'amount',
      unitPrice: dec(b.ratePct).div(100).toString(),
    }),
  );
}

export function priceInvoice(input: PricingInput): InvoiceDraft {
  const spans = coveredSpans(input);
  const currency = spans[0]!.version.currency;
  const priced = spans.map((s) => priceSpan(input, s, currency));
  const lines = priced.flatMap((p) => p.lines);
  const taxes = taxLines(lines, spans, currency);
  const subtotal = sumDec(lines.map((l) => l.amount));
  const taxTotal = sumDec(taxes.map((l) => l.amount));
  const q = sumEnergy(priced.map((p) => p.quality));
  const trace = priced.map((p) => p.trace);
  const { label, timeZone, fromMs, toMs, days } = input.period;
  return {
    customer: input.customer,
    site: input.site,
    currency,
    period: { label, timeZone, fromMs, toMs, days },
    versions: spans.map((s) => s.version.version),
    lines: [...lines, ...taxes],
    subtotal: formatMoney(subtotal, currency),
    taxTotal: formatMoney(taxTotal, currency),
    total: formatMoney(subtotal.plus(taxTotal), currency),
    quality: {
      ...q,
      measuredShare: Math.floor(measuredShare(q) * 10_000) / 10_000,
      estimatedBoundaries: trace.reduce((n, v) => n + v.points.reduce((m, p) => m + p.estimatedBoundaries.length, 0), 0),
      anomalies: trace.reduce((n, v) => n + v.points.reduce((m, p) => m + p.anomalies.length, 0), 0),
    },
    trace,
  };
}

/** Whether a draft must wait for a person: too much estimated energy, or energy that could not be computed. */
export function reviewReasons(draft: InvoiceDraft, minMeasuredShare: number): string[] {
  const reasons: string[] = [];
  if (draft.quality.measuredShare < minMeasuredShare)
    reasons.push(`measured share ${(draft.quality.measuredShare * 100).toFixed(2)}% is under ${(minMeasuredShare * 100).toFixed(2)}%`);
  if (draft.quality.anomalies > 0) reasons.push(`${draft.quality.anomalies} energy anomalies (no readings or a counter going down)`);
  return reasons;
}
