// Pricing: a customer's section of one site over a period, split by its terms (tariff versions with the
// contract over them, model/contracts/terms.ts) and by time-of-use window (asked of the energy core for
// exactly those sub-intervals), into invoice lines: energy, overhead, fees, commitment and overage
// (commitment.ts), minimum top-up, with monthly amounts prorated by validity or by days held (prorate.ts).
// The invoice around the sections is consolidate.ts's. Rounding only through money.ts, in the order
// stated there. Pure: the energy arrives through CustomerEnergy.
import type { CustomerEnergy, IntervalEnergy } from '../energy/group.js';
import { addEnergy, sumEnergy, ZERO_ENERGY } from '../energy/group.js';
import type { EnergyQuantity } from '../energy/types.js';
import type { Period } from '../../common/local-time.js';
import { PricingError, termsOf, type TermSpan, type Terms } from '../model/contracts/terms.js';
import { NO_PARTIES } from '../model/contracts/types.js';
import { STANDARD_WINDOW, type TariffVersion } from '../model/tariffs/tariff.js';
import { touIntervals } from '../model/tariffs/tou.js';
import type { IntervalMs } from '../model/types.js';
import { commitmentLines, type CommitmentInput, type MonthlyBasis } from './commitment.js';
import { consolidate } from './consolidate.js';
import {
  qualityOf,
  traceOf,
  type EnergyLineTrace,
  type InvoiceDraft,
  type InvoiceLine,
  type PointShare,
  type VersionTrace,
} from './invoice.js';
import { dec, type Dec, formatMoney, roundMoney, roundQuantity, sumDec } from './money.js';
import { daysWithin, localDays, prorateOf, prorateText } from './prorate.js';
import type { LineVat, SiteSection } from './types.js';
import { lineVatOf, termsTaxes } from './vat.js';
import { legalReasons } from './legal-checks.js';

export { PricingError };

/** What the customer held at the site during the period: anything at all, and each rack. */
export interface HeldAtSite {
  any: readonly IntervalMs[];
  racks: ReadonlyMap<string, readonly IntervalMs[]>;
}

/** One site's section of an invoice: the spans of its terms that go to one account. */
export interface SectionInput {
  customer: string;
  site: string;
  period: Period;
  spans: readonly TermSpan[];
  energy: CustomerEnergy;
  held: HeldAtSite;
}

/** A tax's base within a section (rounded line amounts), summed over the invoice's sections later. */
export interface TaxBase {
  name: string;
  ratePct: string;
  base: string;
  vat?: LineVat;
}

export interface PricedSection {
  account: string;
  currency: string;
  section: SiteSection;
  lines: InvoiceLine[];
  trace: VersionTrace[];
  taxBases: TaxBase[];
}

/** The site list alone, as PricingInput gives it (kept for callers that price a tariff without contracts). */
export interface PricingInput {
  customer: string;
  site: string;
  period: Period;
  /** The versions of the site's tariff (one currency). */
  versions: readonly TariffVersion[];
  energy: CustomerEnergy;
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

const prorateFactor = (p: InvoiceLine['prorate']) => (p ? dec(p.days).div(p.daysInPeriod) : dec(1));

function line(
  currency: string,
  l: Omit<InvoiceLine, 'amount' | 'quantity' | 'unitPrice'> & { quantity: Dec; unitPrice: string | number },
): InvoiceLine {
  const factor = prorateFactor(l.prorate);
  const amount = roundMoney(l.quantity.times(l.unitPrice).times(factor), currency);
  return { ...l, quantity: l.quantity.toString(), unitPrice: String(l.unitPrice), amount: formatMoney(amount, currency) };
}

/** What a span's monthly amounts (fees, commitment, minimum) are charged for. */
function monthlyBasis(input: SectionInput, span: TermSpan): MonthlyBasis {
  const { period } = input;
  const contract = span.terms.contract !== undefined;
  if (span.terms.prorate === 'validity') {
    const days = localDays(span.fromMs, span.toMs, period.timeZone);
    return { days, prorate: prorateOf(days, period, 'validity'), printRule: contract };
  }
  const days = daysWithin(input.held.any, span.fromMs, span.toMs, period.timeZone);
  return { days, prorate: prorateOf(days, period, 'held'), printRule: true };
}

function energyLabel(terms: Terms, window: string): string {
  if (terms.passThrough) {
    const p = terms.passThrough;
    return `Energy, utility price ${String(p.utilityPricePerKwh)} × ${String(p.overheadFactor)} + ${String(p.marginPerKwh)} per kWh`;
  }
  return window === STANDARD_WINDOW ? 'Energy' : `Energy, ${window}`;
}

/** The lines of one span: energy per window, overhead, fixed fees, commitment and overage, minimum top-up. */
function priceSpan(
  input: SectionInput,
  span: TermSpan,
  currency: string,
): { lines: InvoiceLine[]; quality: EnergyQuantity; trace: VersionTrace } {
  const t = span.terms;
  const { period, site } = input;
  const vat = lineVatOf(t);
  const mk: CommitmentInput['line'] = (l) => line(currency, { ...l, site, ...(vat ? { vat } : {}) });
  const tou = touIntervals(t, span.fromMs, span.toMs, period.timeZone);
  const energies = input.energy.energyOver([tou[0]!.fromMs, ...tou.map((i) => i.toMs)]);
  const windows = byWindow(tou, energies);
  const order = [STANDARD_WINDOW, ...t.touWindows.map((w) => w.name)].filter((n) => windows.has(n));
  const lines: InvoiceLine[] = [];
  const overhead = dec(t.overheadFactor).minus(1);
  for (const name of order) {
    const w = windows.get(name)!;
    const trace: EnergyLineTrace = { window: name, ...w.q, intervals: w.intervals, points: [...w.points.values()] };
    const kWh = roundQuantity(w.q.kWh);
    const label = energyLabel(t, name);
    lines.push(
      mk({
        key: `energy:${t.version}:${name}`,
        kind: 'energy',
        description: label,
        version: t.version,
        quantity: kWh,
        unit: 'kWh',
        unitPrice: w.price,
        energy: trace,
      }),
    );
    if (overhead.gt(0)) {
      lines.push(
        mk({
          key: `overhead:${t.version}:${name}`,
          kind: 'overhead',
          description: `Overhead (factor ${String(t.overheadFactor)}) on ${label.toLowerCase()}`,
          version: t.version,
          quantity: roundQuantity(kWh.times(overhead)),
          unit: 'kWh',
          unitPrice: w.price,
          energy: trace,
        }),
      );
    }
  }
  const basis = monthlyBasis(input, span);
  const { prorate } = basis;
  const rule = basis.printRule && prorate ? ` (${prorateText(prorate)})` : '';
  // Nothing held during the span: no monthly amounts are due for it.
  const due = basis.days > 0;
  if (due)
    for (const f of t.fixedFees)
      lines.push(
        mk({
          key: `fixed_fee:${t.version}:${f.name}`,
          kind: 'fixed_fee',
          description: f.name,
          version: t.version,
          quantity: dec(1),
          unit: 'month',
          unitPrice: f.amountPerMonth,
          ...(prorate ? { prorate } : {}),
        }),
      );
  lines.push(...commitmentLines({ span, period, basis, racks: input.held.racks, energy: input.energy, line: mk }));
  if (due && t.minimumChargePerMonth !== undefined) {
    const minimum = roundMoney(dec(t.minimumChargePerMonth).times(prorateFactor(prorate)), currency);
    const shortfall = minimum.minus(sumDec(lines.map((l) => l.amount)));
    if (shortfall.gt(0)) {
      lines.push(
        mk({
          key: `minimum_topup:${t.version}`,
          kind: 'minimum_topup',
          description: `Minimum charge ${formatMoney(minimum, currency)} ${currency}${rule}`,
          version: t.version,
          quantity: dec(1),
          unit: 'amount',
          unitPrice: shortfall.toString(),
        }),
      );
    }
  }
  const trace = { site, ...traceOf(t.version, span.fromMs, span.toMs, energies) };
  return { lines, quality: sumEnergy([...windows.values()].map((w) => w.q)), trace };
}

/** Rule 5, within a section: each tax's base is the sum of the rounded amounts of the lines of the spans that carry it. */
function taxBases(lines: readonly InvoiceLine[], spans: readonly TermSpan[]): TaxBase[] {
  const bases = new Map<string, { name: string; ratePct: string; base: Dec; vat?: LineVat }>();
  for (const s of spans) {
    const base = sumDec(lines.filter((l) => l.version === s.terms.version).map((l) => l.amount));
    for (const tax of termsTaxes(s.terms)) {
      const key = `${tax.name}:${tax.ratePct}:${tax.vat?.category ?? ''}:${tax.vat?.exemptionReason ?? ''}`;
      const b = bases.get(key) ?? { ...tax, base: dec(0) };
      bases.set(key, { ...b, base: b.base.plus(base) });
    }
  }
  return [...bases.values()].map((b) => ({ name: b.name, ratePct: b.ratePct, base: b.base.toString(), ...(b.vat ? { vat: b.vat } : {}) }));
}

/** A customer's section of one site: its spans (of one account, one currency) priced into lines. */
export function priceSection(input: SectionInput): PricedSection {
  const currency = input.spans[0]!.terms.currency;
  const priced = input.spans.map((s) => priceSpan(input, s, currency));
  const lines = priced.flatMap((p) => p.lines);
  const trace = priced.map((p) => p.trace);
  const { label, timeZone, fromMs, toMs, days } = input.period;
  return {
    account: input.spans[0]!.terms.account,
    currency,
    section: {
      site: input.site,
      period: { label, timeZone, fromMs, toMs, days },
      versions: input.spans.map((s) => s.terms.version),
      subtotal: formatMoney(sumDec(lines.map((l) => l.amount)), currency),
      quality: qualityOf(sumEnergy(priced.map((p) => p.quality)), trace),
    },
    lines,
    trace,
    taxBases: taxBases(lines, input.spans),
  };
}

/** The invoice of a customer priced on the site list alone, over the whole period, as its own account and entity. */
export function priceInvoice(input: PricingInput): InvoiceDraft {
  const currency = input.versions[0]?.currency ?? '';
  const tariff = { site: input.site, versions: [...input.versions] };
  const site = { id: input.site, timeZone: input.period.timeZone, currency };
  const spans = termsOf({ customer: input.customer, site, period: input.period, tariff, parties: NO_PARTIES });
  const everything = [{ fromMs: input.period.fromMs, toMs: input.period.toMs }];
  const held = { any: everything, racks: new Map() };
  const section = priceSection({ customer: input.customer, site: input.site, period: input.period, spans, energy: input.energy, held });
  return consolidate({ customer: input.customer, account: input.customer, entity: input.site, currency, period: input.period }, [section]);
}

/** Whether a draft must wait for a person: too much estimated energy, energy that could not be computed, legal gaps. */
export function reviewReasons(draft: InvoiceDraft, minMeasuredShare: number): string[] {
  const reasons: string[] = [];
  if (draft.quality.measuredShare < minMeasuredShare)
    reasons.push(`measured share ${(draft.quality.measuredShare * 100).toFixed(2)}% is under ${(minMeasuredShare * 100).toFixed(2)}%`);
  if (draft.quality.anomalies > 0) reasons.push(`${draft.quality.anomalies} energy anomalies (no readings or a counter going down)`);
  return [...reasons, ...legalReasons(draft)];
}
