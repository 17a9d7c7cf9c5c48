// The documents billing makes and storage keeps: an invoice draft with its lines and trace, and a credit or
// debit note. Plain JSON (amounts and quantities as decimal strings), so outputs (JSON, CSV, PDF) and the
// database store them as they are. Types only: storage/billing/ names them without importing billing's
// logic (invoice.ts builds the traces, notes.ts the notes). Every energy line carries what it was computed
// from: the tariff version, the points, measured and estimated kWh, the intervals.
import type { PeakDemand } from '../energy/group.js';
import type { BoundaryTrace, EnergyAnomaly, EnergyQuantity, EventUse } from '../energy/types.js';
import type { AccountDetails, EntityDetails } from '../model/contracts/legal.js';

export type LineKind = 'energy' | 'overhead' | 'fixed_fee' | 'commitment' | 'overage' | 'minimum_topup' | 'tax';
export type LineUnit = 'kWh' | 'kW' | 'month' | 'amount';

export interface PointShare extends EnergyQuantity {
  pointId: string;
  seriesId: string;
  /** Another customer's point inside this customer's (negative figures); never shown to the customer. */
  deducted?: true;
}

export interface EnergyLineTrace extends EnergyQuantity {
  window: string;
  /** The local-time intervals this window covered within the version's span. */
  intervals: [number, number][];
  points: PointShare[];
  /**
   * Only in the customer's copy (billing/render/redact.ts): the deducted points of others, summed (negative
   * figures), in place of their entries in `points`.
   */
  othersDeducted?: EnergyQuantity;
}

/**
 * EN 16931 VAT categories (UNCL 5305) Joulebook invoices in: S standard rate, Z zero rated (a standard
 * treatment whose price list has no tax), AE reverse charge, G export outside the EU, E exempt.
 */
export type VatCategory = 'S' | 'Z' | 'AE' | 'G' | 'E';

/** The VAT a line falls under (one category and rate per line, as EN 16931 requires). */
export interface LineVat {
  category: VatCategory;
  /** Decimal string, '0' for every category but S. */
  ratePct: string;
  /** AE, G, E: the legal mention printed and sent (BT-120), and its VATEX code where there is one (BT-121). */
  exemptionReason?: string;
  exemptionCode?: string;
}

/** The seller as printed: the issuing entity's details in force when the invoice was made, with its id. */
export type SellerParty = Omit<EntityDetails, 'validFrom'> & { id: string };
/** The buyer as printed: the billing account's details in force when the invoice was made, with its id. */
export type BuyerParty = Omit<AccountDetails, 'validFrom'> & { id: string };

/**
 * Who issues and who receives an invoice, copied into the draft when it is computed (the inventory may
 * change later; a final invoice never does). Absent when the issuing entity has no legal details (then
 * the invoice prints names only and no e-invoice is made) and on drafts made before parties had details.
 */
export interface DraftParties {
  seller: SellerParty;
  buyer: BuyerParty;
  /** Days from the issue date to the due date (the account's terms, else the entity's). */
  paymentTermsDays: number;
}

export interface InvoiceLine {
  /** Stable identity across recomputations (notes match lines by it): kind, version, name. */
  key: string;
  kind: LineKind;
  description: string;
  /** The site whose section it belongs to; absent on tax lines, which sum over the whole invoice. */
  site?: string;
  /** The terms that priced it (tariff version, or contract version over it); absent on tax lines. */
  version?: string;
  quantity: string;
  unit: LineUnit;
  unitPrice: string;
  /**
   * A monthly amount for part of the period: amount = quantity × unitPrice × days / daysInPeriod; `basis`
   * says which days count: those the terms applied (validity, the default) or those something was held.
   */
  prorate?: { days: number; daysInPeriod: number; basis?: ProrateBasis };
  amount: string;
  /** Non-tax lines: the VAT they fall under; tax lines: the breakdown they are (absent on drafts made before). */
  vat?: LineVat;
  energy?: EnergyLineTrace;
  demand?: PeakDemand & { committedKw: string };
}

/** One point's energy over a version's span: the counters it starts and ends at, the epochs crossed. */
export interface PointTrace {
  pointId: string;
  seriesId: string;
  /** Another customer's point whose energy was deducted (see PointShare). */
  deducted?: true;
  /** Held pieces, contiguous ones merged: counter (with epoch, serial, method) at each end. */
  pieces: { fromMs: number; toMs: number; start: BoundaryTrace; end: BoundaryTrace }[];
  events: EventUse[];
  /** Boundaries inside the span (time-of-use cuts included) whose counter was estimated. */
  estimatedBoundaries: BoundaryTrace[];
  anomalies: EnergyAnomaly[];
}

export interface VersionTrace {
  /** The section's site (absent in drafts made before invoices spanned sites: the draft's only site). */
  site?: string;
  version: string;
  fromMs: number;
  toMs: number;
  points: PointTrace[];
}

export interface DataQuality extends EnergyQuantity {
  /** measuredKwh / kWh, 0..1 (1 when there is no energy). */
  measuredShare: number;
  estimatedBoundaries: number;
  anomalies: number;
}

export type ProrateBasis = 'validity' | 'held';

/** One site's part of an invoice: its own month (in its zone), the terms that priced it, its figures. */
export interface SiteSection {
  site: string;
  period: DraftPeriod;
  versions: string[];
  /** Pre-tax, the sum of the section's lines. */
  subtotal: string;
  quality: DataQuality;
}

export interface DraftPeriod {
  label: string;
  timeZone: string;
  fromMs: number;
  toMs: number;
  days: number;
}

/**
 * One invoice: a customer's billing account, invoiced by one issuing entity in one currency for one month,
 * with a section per site (lines and trace name their site) and the taxes over all of them.
 */
export interface InvoiceDraft {
  customer: string;
  account: string;
  entity: string;
  currency: string;
  /** The month in the entity's zone; each section has its site's own. */
  period: DraftPeriod;
  sections: SiteSection[];
  versions: string[];
  lines: InvoiceLine[];
  subtotal: string;
  taxTotal: string;
  total: string;
  quality: DataQuality;
  trace: VersionTrace[];
  parties?: DraftParties;
}

/** A draft once finalized: numbered and immutable (the run's state machine does that). */
export interface FinalizedInvoice extends InvoiceDraft {
  number: string;
}

export interface NoteLine {
  key: string;
  site?: string;
  kind: InvoiceLine['kind'];
  description: string;
  version?: string;
  unit: InvoiceLine['unit'];
  unitPrice: string;
  /** As invoiced and as recomputed ("0" when the line is new or gone). */
  was: { quantity: string; amount: string };
  now: { quantity: string; amount: string };
  quantityDelta: string;
  /** Signed: positive is owed by the customer, negative is credited. */
  amountDelta: string;
  vat?: LineVat;
}

export interface NoteDraft {
  /** credit: the total is negative (the customer is owed); debit: positive; adjustment: lines moved, total unchanged. */
  kind: 'credit' | 'debit' | 'adjustment';
  invoiceNumber: string;
  customer: string;
  account: string;
  entity: string;
  currency: string;
  period: InvoiceDraft['period'];
  lines: NoteLine[];
  subtotalDelta: string;
  taxDelta: string;
  totalDelta: string;
  /** Data quality of the recomputation the note is based on. */
  quality: InvoiceDraft['quality'];
  /** The invoice's parties (a note corrects that invoice, between the same parties). */
  parties?: DraftParties;
}
