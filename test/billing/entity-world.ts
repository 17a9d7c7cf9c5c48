// A world of issuing entities for invoice-run tests. NL B.V. (`nl-bv`, Europe/Amsterdam) invoices ams1
// (Amsterdam) and dub1 (Dublin), both in EUR; fra1 (Berlin) invoices alone. acme holds equipment at all
// three sites on their price lists; globex holds equipment at ams1 and dub1 under a contract per site,
// each invoiced to one of its two billing accounts. Drafts are made as billing/drafts.ts makes them: the
// terms per site (termsOf), a section per site and account (priceSection), one invoice per account and
// currency with the entity's month (consolidate); the energy comes from synthetic 15-minute counters in
// memory with flat power, so every figure is kW × hours. Tests change a customer's power at a site in a
// month (late data) and count the computations.
import { InventoryFile } from '../../central/config/inventory-schema.js';
import { consolidate } from '../../central/billing/consolidate.js';
import type { InvoiceDraft } from '../../central/billing/invoice.js';
import { priceSection, type PricedSection } from '../../central/billing/price.js';
import type { ComputeDrafts, RunEntity } from '../../central/billing/run/types.js';
import { heldPointsEnergy } from '../../central/energy/group.js';
import { buildModel } from '../../central/model/build.js';
import { termsOf } from '../../central/model/contracts/terms.js';
import type { Inventory } from '../../central/model/inventory-types.js';
import { SiteTariff, type TariffBook } from '../../central/model/tariffs/tariff.js';
import type { InventoryModel } from '../../central/model/types.js';
import { monthPeriod, type Period } from '../../common/local-time.js';
import { memorySeries } from '../helpers/memory-source.js';
import { synthesize } from '../helpers/synthetic.js';

const H = 3_600_000;

function model(): InventoryModel {
  const parsed: Partial<InventoryFile> = InventoryFile.parse({
    entities: [{ id: 'nl-bv', name: 'Joulebook Datacenters B.V.', timeZone: 'Europe/Amsterdam' }],
    sites: [
      { id: 'ams1', name: 'Amsterdam 1', timeZone: 'Europe/Amsterdam', currency: 'EUR', entity: 'nl-bv' },
      { id: 'dub1', name: 'Dublin 1', timeZone: 'Europe/Dublin', currency: 'EUR', entity: 'nl-bv' },
      { id: 'fra1', name: 'Frankfurt 1', timeZone: 'Europe/Berlin', currency: 'EUR' },
    ],
    customers: [
      { id: 'acme', name: 'Acme' },
      { id: 'globex', name: 'Globex' },
    ],
    accounts: [
      { id: 'globex-nl', customer: 'globex', name: 'Globex Nederland B.V.' },
      { id: 'globex-ie', customer: 'globex', name: 'Globex Ireland Ltd' },
    ],
    contracts: [
      {
        id: 'globex-ams',
        customer: 'globex',
        account: 'globex-nl',
        sites: ['ams1'],
        versions: [{ version: '2026', validFrom: '2026-01-01', energyPricePerKwh: '0.18' }],
      },
      {
        id: 'globex-dub',
        customer: 'globex',
        account: 'globex-ie',
        sites: ['dub1'],
        versions: [{ version: '2026', validFrom: '2026-01-01', energyPricePerKwh: '0.23' }],
      },
    ],
  });
  delete parsed.include;
  const built = buildModel(parsed as Inventory);
  if (!built.ok)
    throw new Error(`entity world does not build: ${built.problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}`);
  return built.model;
}

// The two entity sites' lists share their version label, as sites' lists often do: lines of the two
// sections have the same keys and are told apart by their site only.
const tariff = (site: string, energyPricePerKwh: string, rackPerMonth: string, vatPct: string): SiteTariff =>
  SiteTariff.parse({
    site,
    versions: [
      {
        version: 'v2026',
        validFrom: '2026-01-01',
        currency: 'EUR',
        energyPricePerKwh,
        fixedFees: [{ name: 'Rack space', amountPerMonth: rackPerMonth }],
        taxes: [{ name: 'VAT', ratePct: vatPct }],
      },
    ],
  });

export class EntityWorld {
  readonly model = model();
  readonly tariffs: TariffBook = new Map([
    ['ams1', tariff('ams1', '0.20', '400.00', '21')],
    ['dub1', tariff('dub1', '0.25', '300.00', '21')],
    ['fra1', tariff('fra1', '0.22', '350.00', '19')],
  ]);
  /** kW per `${customer}@${site}`; `${customer}@${site}@${month}` overrides one month (late data). */
  readonly powerKw = new Map<string, number>([
    ['acme@ams1', 2],
    ['acme@dub1', 1],
    ['acme@fra1', 1],
    ['globex@ams1', 3],
    ['globex@dub1', 2],
  ]);
  /** `${entity}/${month}[/${customer}]` of every computation, runs and rechecks alike. */
  readonly calls: string[] = [];
  /** Makes each computation slow, to hold a run lock while other instances try. */
  delayMs = 0;

  /** The issuing entities as the composed billing lists them (compose.ts): zones of their sites, billing since `since`. */
  entities(since: string): RunEntity[] {
    return [...this.model.parties.entities.values()].map((e) => ({
      id: e.id,
      timeZone: e.timeZone,
      zones: e.sites.map((s) => this.model.sites.get(s)!.timeZone),
      since,
    }));
  }

  readonly computeDrafts: ComputeDrafts = async (entity, month, customer) => {
    this.calls.push(`${entity}/${month}${customer ? `/${customer}` : ''}`);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const info = this.model.parties.entities.get(entity);
    if (!info) throw new Error(`unknown entity "${entity}"`);
    const customers = [...this.model.customers.keys()].filter((c) => customer === undefined || c === customer);
    const sections = new Map<string, PricedSection[]>();
    for (const site of info.sites) {
      const period = monthPeriod(month, this.model.sites.get(site)!.timeZone);
      for (const c of customers) {
        if (!this.powerKw.has(`${c}@${site}`)) continue;
        sections.set(c, [...(sections.get(c) ?? []), ...this.sectionsAt(c, site, period)]);
      }
    }
    const period = monthPeriod(month, info.timeZone);
    const drafts: InvoiceDraft[] = [];
    for (const [c, list] of sections) {
      const groups = new Map<string, PricedSection[]>();
      for (const s of list) groups.set(`${s.account}\n${s.currency}`, [...(groups.get(`${s.account}\n${s.currency}`) ?? []), s]);
      for (const group of groups.values())
        drafts.push(consolidate({ customer: c, account: group[0]!.account, entity, currency: group[0]!.currency, period }, group));
    }
    return drafts;
  };

  private sectionsAt(customer: string, site: string, period: Period): PricedSection[] {
    const kW = this.powerKw.get(`${customer}@${site}@${period.label}`) ?? this.powerKw.get(`${customer}@${site}`)!;
    const s = synthesize({
      stepMs: 15 * 60_000,
      fromMs: period.fromMs - H,
      toMs: period.toMs + H,
      startKwh: 1000,
      power: [{ fromMs: 0, powerW: kW * 1000 }],
    });
    const pointId = `${site}-${customer}-pdu1`;
    const series = memorySeries({ seriesId: `${site}/gw1/${pointId}/total/energy_import_kwh`, ...s });
    const energy = heldPointsEnergy([{ pointId, series, held: [{ fromMs: 0 }] }]);
    const info = this.model.sites.get(site)!;
    const spans = termsOf({ customer, site: info, period, tariff: this.tariffs.get(site), parties: this.model.parties });
    const held = { any: [{ fromMs: period.fromMs, toMs: period.toMs }], racks: new Map() };
    const accounts = [...new Set(spans.map((x) => x.terms.account))];
    return accounts.map((account) =>
      priceSection({ customer, site, period, spans: spans.filter((x) => x.terms.account === account), energy, held }),
    );
  }
}
