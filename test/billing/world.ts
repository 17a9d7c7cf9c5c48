// A small world for invoice-run tests: one site in Amsterdam, two customers with flat power, real drafts
// priced by billing/price.ts from synthetic 15-minute counters. Tests change a customer's power in a month
// (late data) or cut readings across a month's end (data held for review), and count the computations.
import { heldPointsEnergy } from '../../central/energy/group.js';
import { memorySeries } from '../helpers/memory-source.js';
import { synthesize } from '../helpers/synthetic.js';
import { monthPeriod, type Period } from '../../common/local-time.js';
import type { InvoiceDraft } from '../../central/billing/invoice.js';
import type { DraftParties } from '../../central/billing/types.js';
import { InventoryFile } from '../../central/config/inventory-schema.js';
import { buildModel } from '../../central/model/build.js';
import type { InventoryModel } from '../../central/model/types.js';
import { priceInvoice } from '../../central/billing/price.js';
import { TariffVersion } from '../../central/model/tariffs/tariff.js';
import type { ComputeDrafts, InvoiceOutputs, RunEntity } from '../../central/billing/run/types.js';
import type { InvoiceRun, StoredInvoice, StoredNote } from '../../central/storage/billing/types.js';

const H = 3_600_000;
export const AMS: RunEntity = { id: 'ams1', timeZone: 'Europe/Amsterdam', zones: ['Europe/Amsterdam'], since: '2026-06' };
const TARIFF = [TariffVersion.parse({ version: 'v1', validFrom: '2026-01-01', currency: 'EUR', energyPricePerKwh: '0.20' })];
/** With parties a draft must bear one VAT rate per line (billing/legal-checks.ts): the same price under 21 % BTW. */
const TAXED = [
  TariffVersion.parse({
    version: 'v1',
    validFrom: '2026-01-01',
    currency: 'EUR',
    energyPricePerKwh: '0.20',
    taxes: [{ name: 'BTW', ratePct: '21' }],
  }),
];

export class World {
  /** kW per customer; `${customer}@${period}` overrides one month (late data). */
  readonly powerKw = new Map<string, number>([
    ['acme', 1],
    ['globex', 2],
  ]);
  /** `${customer}@${period}`: no readings from 3 h before to 2 h after the month's end. */
  readonly gaps = new Set<string>();
  readonly calls: string[] = [];
  /** Months whose computation fails (a tariff missing, say). */
  readonly failing = new Set<string>();
  /** Makes each computation slow, to hold a run lock while another instance tries. */
  delayMs = 0;
  /** Copied into every draft, as drafts.ts copies the entity's and account's legal details (prices then carry 21 % BTW). */
  parties: ((customer: string) => DraftParties) | undefined;

  readonly computeDrafts: ComputeDrafts = async (site, month, customer) => {
    const period = monthPeriod(month, AMS.timeZone);
    this.calls.push(`${site}/${period.label}${customer ? `/${customer}` : ''}`);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failing.has(period.label)) throw new Error(`no tariff version covers ${period.label}`);
    const customers = ['acme', 'globex'].filter((c) => customer === undefined || c === customer);
    return customers.map((c) => this.draft(site, period, c));
  };

  private draft(site: string, period: Period, customer: string): InvoiceDraft {
    const key = `${customer}@${period.label}`;
    const kW = this.powerKw.get(key) ?? this.powerKw.get(customer)!;
    const s = synthesize({
      stepMs: 15 * 60_000,
      fromMs: period.fromMs - H,
      toMs: period.toMs + H,
      startKwh: 1000,
      power: [{ fromMs: 0, powerW: kW * 1000 }],
      ...(this.gaps.has(key) ? { outages: [{ fromMs: period.toMs - 3 * H, toMs: period.toMs + 2 * H }] } : {}),
    });
    const series = memorySeries({ seriesId: `${customer}/energy`, counters: s.counters, power: s.power, events: s.events });
    const draft = priceInvoice({
      customer,
      site,
      period,
      versions: this.parties ? TAXED : TARIFF,
      energy: heldPointsEnergy([{ pointId: `${customer}-p1`, series, held: [{ fromMs: 0 }] }]),
    });
    return this.parties ? { ...draft, parties: this.parties(customer) } : draft;
  }
}

/** The world's site and customers as an inventory model, for the names documents print. */
export function worldModel(): InventoryModel {
  const built = buildModel(
    InventoryFile.parse({
      sites: [{ id: 'ams1', name: 'Amsterdam 1', timeZone: AMS.timeZone, currency: 'EUR', rooms: [{ id: 'hall1' }] }],
      customers: [
        { id: 'acme', name: 'Acme' },
        { id: 'globex', name: 'Globex' },
      ],
    }),
  );
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  return built.model;
}

/** Legal details of ams1 invoicing alone and of each customer's account, as a draft carries them. */
export function worldParties(customer: string): DraftParties {
  return {
    seller: {
      id: 'ams1',
      legalName: 'Polder Colocation B.V.',
      address: { street: 'Kabelweg 1', city: 'Amsterdam', postalCode: '1014 BA', country: 'NL' },
      vatId: 'NL123456789B01',
      registration: { id: '12345678', scheme: '0106' },
      bank: { iban: 'NL91ABNA0417164300', bic: 'ABNANL2A' },
      paymentTermsDays: 30,
      endpoint: { scheme: '0106', id: '12345678' },
    },
    buyer: {
      id: customer,
      legalName: `${customer[0]!.toUpperCase()}${customer.slice(1)} B.V.`,
      address: { street: 'Herengracht 1', city: 'Amsterdam', postalCode: '1015 BA', country: 'NL' },
      vatId: 'NL987654321B01',
      endpoint: { scheme: '0106', id: '87654321' },
      buyerReference: `PO-${customer}`,
      taxTreatment: 'standard',
    },
    paymentTermsDays: 14,
  };
}

/** Outputs that remember what they were given. */
export function recordingOutputs(): InvoiceOutputs & { rendered: string[]; summaries: string[]; notes: string[] } {
  const rendered: string[] = [];
  const summaries: string[] = [];
  const notes: string[] = [];
  return {
    rendered,
    summaries,
    notes,
    async invoice(inv: StoredInvoice) {
      rendered.push(inv.number!);
    },
    async note(n: StoredNote) {
      notes.push(n.number);
    },
    async summary(run: InvoiceRun, invoices: readonly StoredInvoice[]) {
      summaries.push(`${run.period}:${invoices.length}:${run.state}`);
    },
  };
}
