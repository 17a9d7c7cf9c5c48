// The world of the contract scenarios (issue 19), July 2026: two issuing entities, six sites, customers on
// contracts of every kind and two sites still on their price lists alone. Every rack has one PDU drawing
// a constant power all month (RACKS), so each customer's energy is kW × hours held, worked out by hand in
// the tests. July has no clock change in any of these zones: 31 days of 24 h.
import type { Test } from 'tap';
import type { z } from 'zod';
import { InventoryFile } from '../../central/config/inventory-schema.js';
import { buildModel } from '../../central/model/build.js';
import type { Inventory } from '../../central/model/inventory-types.js';
import { SiteTariff, type TariffBook } from '../../central/model/tariffs/tariff.js';
import type { InvoiceDraft, InvoiceLine } from '../../central/billing/invoice.js';
import type { DraftDeps } from '../../central/billing/drafts.js';
import { synthesize } from '../helpers/synthetic.js';
import { ingest, type SeriesToIngest, type StoreKind } from '../energy/stores.js';

/** site: zone, currency, issuing entity (none: the site invoices alone, as before contracts). */
const SITES = [
  { id: 'ams1', timeZone: 'Europe/Amsterdam', currency: 'EUR', entity: 'nl-bv' },
  { id: 'ams2', timeZone: 'Europe/Amsterdam', currency: 'EUR', entity: 'nl-bv' },
  { id: 'lon1', timeZone: 'Europe/London', currency: 'GBP', entity: 'nl-bv' },
  { id: 'fra1', timeZone: 'Europe/Berlin', currency: 'EUR', entity: 'de-gmbh' },
  { id: 'old1', timeZone: 'Europe/Amsterdam', currency: 'EUR' },
  { id: 'old2', timeZone: 'Europe/Amsterdam', currency: 'EUR' },
] as const;

/** Each rack's PDU draws this constant power, day and night. */
export const RACKS: Record<string, { site: string; kW: number }> = {
  'a1-r1': { site: 'ams1', kW: 3 },
  'a1-r2': { site: 'ams1', kW: 2 },
  'a1-r3': { site: 'ams1', kW: 1 },
  'a1-r4': { site: 'ams1', kW: 3 },
  'a1-r5': { site: 'ams1', kW: 2 },
  'a1-r6': { site: 'ams1', kW: 2 },
  'a1-r7': { site: 'ams1', kW: 2 },
  'b1-r1': { site: 'ams2', kW: 4 },
  'b1-r2': { site: 'ams2', kW: 1.6 },
  'b1-r3': { site: 'ams2', kW: 1.6 },
  'b1-r4': { site: 'ams2', kW: 2.5 },
  'b1-r5': { site: 'ams2', kW: 2.5 },
  'l1-r1': { site: 'lon1', kW: 2 },
  'f1-r1': { site: 'fra1', kW: 1.5 },
  'o1-r1': { site: 'old1', kW: 2 },
  'o1-r2': { site: 'old1', kW: 1 },
  'o2-r1': { site: 'old2', kW: 1 },
};

/** Who holds which rack when (local dates of the rack's site; `to` exclusive). */
const HOLDS: { customer: string; rack: string; from: string; to?: string }[] = [
  { customer: 'acme', rack: 'a1-r1', from: '2026-01-01' },
  { customer: 'acme', rack: 'a1-r2', from: '2026-01-01' },
  { customer: 'nord', rack: 'a1-r3', from: '2026-01-01' },
  { customer: 'bolt', rack: 'a1-r4', from: '2026-01-01' },
  { customer: 'delta', rack: 'a1-r5', from: '2026-07-16' },
  { customer: 'echo', rack: 'a1-r6', from: '2026-07-16' },
  { customer: 'fox', rack: 'a1-r7', from: '2026-07-16' },
  { customer: 'acme', rack: 'b1-r1', from: '2026-01-01' },
  { customer: 'cirrus', rack: 'b1-r2', from: '2026-01-01' },
  { customer: 'cirrus', rack: 'b1-r3', from: '2026-01-01' },
  // the rack moves from kilo to cirrus on the 11th
  { customer: 'kilo', rack: 'b1-r4', from: '2026-01-01', to: '2026-07-11' },
  { customer: 'cirrus', rack: 'b1-r4', from: '2026-07-11' },
  { customer: 'flux', rack: 'b1-r5', from: '2026-01-01' },
  { customer: 'acme', rack: 'l1-r1', from: '2026-01-01' },
  { customer: 'acme', rack: 'f1-r1', from: '2026-01-01' },
  { customer: 'gamma', rack: 'o1-r1', from: '2026-01-01' },
  { customer: 'hotel', rack: 'o1-r2', from: '2026-07-16' },
  { customer: 'gamma', rack: 'o2-r1', from: '2026-01-01' },
];

const CUSTOMERS = ['acme', 'nord', 'bolt', 'delta', 'echo', 'cirrus', 'kilo', 'flux', 'fox', 'gamma', 'hotel'];
const from2026 = { version: '2026', validFrom: '2026-01-01' };

type Contract = NonNullable<z.input<typeof InventoryFile>['contracts']>[number];
const CONTRACTS: Contract[] = [
  // A negotiated kWh price and overhead over the site lists (their fees and taxes stay), at three EUR sites.
  {
    id: 'acme-msa',
    customer: 'acme',
    sites: ['ams1', 'ams2', 'fra1'],
    versions: [{ ...from2026, energyPricePerKwh: '0.1850', overheadFactor: '1.25' }],
  },
  // The site list's energy, its own fees and a minimum.
  {
    id: 'nord-colo',
    customer: 'nord',
    sites: ['ams1'],
    versions: [
      {
        ...from2026,
        fixedFees: [
          { name: 'Rack space', amountPerMonth: '400.00' },
          { name: 'Remote hands bundle', amountPerMonth: '150.00' },
        ],
        minimumChargePerMonth: '1000.00',
      },
    ],
  },
  // Renegotiated from the 16th: another kWh price and another committed power.
  {
    id: 'bolt-colo',
    customer: 'bolt',
    sites: ['ams1'],
    versions: [
      {
        version: '2026-01',
        validFrom: '2026-01-01',
        validTo: '2026-07-16',
        energyPricePerKwh: '0.2100',
        committedPowerKw: '2',
        committedPowerPricePerKw: '15.00',
        overagePricePerKw: '20.00',
      },
      {
        version: '2026-07',
        validFrom: '2026-07-16',
        energyPricePerKwh: '0.1900',
        committedPowerKw: '4',
        committedPowerPricePerKw: '14.00',
        overagePricePerKw: '20.00',
      },
    ],
  },
  // Signed for July, the rack ready on the 16th: prorated by days held (the default), or not (validity);
  // fox signed its contract for the day its rack was ready.
  ...(['delta', 'echo', 'fox'] as const).map((c) => ({
    id: `${c}-colo`,
    customer: c,
    sites: ['ams1'],
    versions: [
      {
        version: '2026-07',
        validFrom: c === 'fox' ? '2026-07-16' : '2026-07-01',
        fixedFees: [{ name: 'Rack', amountPerMonth: '310.00' }],
        committedPowerKw: '2.5',
        committedPowerPricePerKw: '10.00',
        overagePricePerKw: '20.00',
        minimumChargePerMonth: '1240.00',
        ...(c === 'echo' ? { prorate: 'validity' as const } : {}),
      },
    ],
  })),
  // 1.5 kW committed per rack held, so the commitment follows racks moving in and out.
  {
    id: 'cirrus-colo',
    customer: 'cirrus',
    sites: ['ams2'],
    versions: [{ ...from2026, committedPowerPerRackKw: '1.5', committedPowerPricePerKw: '12.00', overagePricePerKw: '25.00' }],
  },
  // The utility's price of the month × 1.35 + 0.0250, on a price list of its own.
  {
    id: 'flux-pt',
    customer: 'flux',
    sites: ['ams2'],
    versions: [
      {
        ...from2026,
        priceList: 'own',
        passThrough: { overheadFactor: '1.35', marginPerKwh: '0.0250' },
        fixedFees: [{ name: 'Power monitoring', amountPerMonth: '45.00' }],
      },
    ],
  },
];

export function worldInventory(): Inventory {
  const file: z.input<typeof InventoryFile> = {
    entities: [
      { id: 'nl-bv', name: 'Joule Colocation Nederland B.V.' },
      { id: 'de-gmbh', name: 'Joule Colocation Deutschland GmbH' },
    ],
    sites: SITES.map((s) => ({ ...s, name: s.id, rooms: [{ id: `${s.id}-room` }] })),
    gateways: SITES.map((s) => ({ id: `${s.id}-gw`, site: s.id, room: `${s.id}-room` })),
    racks: Object.entries(RACKS).map(([id, r]) => ({ id, room: `${r.site}-room` })),
    nodes: [
      ...SITES.map((s) => ({ id: `${s.id}-bus`, kind: 'busbar' as const, site: s.id, room: `${s.id}-room` })),
      ...Object.entries(RACKS).map(([id, r]) => ({ id: `pdu-${id}`, kind: 'pdu' as const, parent: `${r.site}-bus`, rack: id })),
    ],
    points: Object.entries(RACKS).map(([id, r]) => ({ node: `pdu-${id}`, gateway: `${r.site}-gw`, device: `pdu-${id}` })),
    customers: CUSTOMERS.map((id) => ({ id, name: id[0]!.toUpperCase() + id.slice(1) })),
    // Acme is invoiced as its European holding, every site and currency alike.
    accounts: [{ id: 'acme-eu', customer: 'acme', name: 'Acme Europe B.V.' }],
    assignments: HOLDS.map((h, i) => ({
      id: `as-${i + 1}`,
      customer: h.customer,
      rack: h.rack,
      from: h.from,
      ...(h.to ? { to: h.to } : {}),
    })),
    contracts: CONTRACTS,
  };
  const parsed: Partial<InventoryFile> = InventoryFile.parse(file);
  delete parsed.include;
  return parsed as Inventory;
}

const list = (site: string, v: Record<string, unknown>, more: Record<string, unknown> = {}): SiteTariff =>
  SiteTariff.parse({ site, versions: [{ version: `${site}-2026`, validFrom: '2026-01-01', currency: 'EUR', ...v }], ...more });
const BTW = [{ name: 'BTW', ratePct: '21' }];

export const TARIFFS: TariffBook = new Map(
  [
    list('ams1', {
      energyPricePerKwh: '0.2400',
      overheadFactor: '1.4',
      fixedFees: [{ name: 'Cross-connect', amountPerMonth: '75.00' }],
      taxes: BTW,
    }),
    list(
      'ams2',
      { energyPricePerKwh: '0.2200', overheadFactor: '1.2', fixedFees: [{ name: 'Cage', amountPerMonth: '200.00' }], taxes: BTW },
      { utilityPrices: [{ month: '2026-07', pricePerKwh: '0.1320' }] }, // no price for August yet
    ),
    list('lon1', { currency: 'GBP', energyPricePerKwh: '0.2800', taxes: [{ name: 'VAT', ratePct: '20' }] }),
    list('fra1', {
      energyPricePerKwh: '0.2600',
      overheadFactor: '1.35',
      fixedFees: [{ name: 'Cross-connect', amountPerMonth: '90.00' }],
      taxes: [{ name: 'MwSt', ratePct: '19' }],
    }),
    // A price change on the 16th, the commitment and the minimum only from then on.
    SiteTariff.parse({
      site: 'old1',
      versions: [
        {
          version: 'old1-a',
          validFrom: '2026-01-01',
          validTo: '2026-07-16',
          currency: 'EUR',
          energyPricePerKwh: '0.2000',
          overheadFactor: '1.3',
          fixedFees: [{ name: 'Rack', amountPerMonth: '300.00' }],
          taxes: BTW,
        },
        {
          version: 'old1-b',
          validFrom: '2026-07-16',
          currency: 'EUR',
          energyPricePerKwh: '0.2200',
          overheadFactor: '1.3',
          fixedFees: [{ name: 'Rack', amountPerMonth: '300.00' }],
          committedPowerKw: '1.5',
          overagePricePerKw: '18.50',
          minimumChargePerMonth: '600.00',
          taxes: BTW,
        },
      ],
    }),
    list('old2', { energyPricePerKwh: '0.2500', taxes: BTW }),
  ].map((t) => [t.site, t]),
);

export function worldModel() {
  const built = buildModel(worldInventory());
  if (!built.ok) throw new Error(built.problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('\n'));
  return built.model;
}

/** 15-minute readings of every PDU from 29 June to 2 August (UTC), the counters starting at 1000 kWh. */
export function worldSeries(): SeriesToIngest[] {
  return Object.entries(RACKS).map(([rack, r]) => ({
    site: r.site,
    gateway: `${r.site}-gw`,
    device: `pdu-${rack}`,
    channel: 'total',
    data: synthesize({
      fromMs: Date.UTC(2026, 5, 29),
      toMs: Date.UTC(2026, 7, 2),
      stepMs: 15 * 60_000,
      startKwh: 1000,
      power: [{ fromMs: 0, powerW: r.kW * 1000 }],
    }),
  }));
}

/** A store of the kind with the world's readings in it, closed at the end of the test. */
export async function worldDeps(t: Test, kind: StoreKind): Promise<DraftDeps> {
  const store = await kind.open();
  t.teardown(() => store.close());
  await ingest(store, worldSeries());
  return { store, model: worldModel(), tariffs: TARIFFS };
}

export const JULY = '2026-07';

/** [key, quantity, amount] of each line, in order. */
export const figures = (d: InvoiceDraft | undefined): [string, string, string][] =>
  (d?.lines ?? []).map((l: InvoiceLine) => [l.key, l.quantity, l.amount]);
export const totals = (d: InvoiceDraft | undefined) => [d?.subtotal, d?.taxTotal, d?.total];
export const lineOf = (d: InvoiceDraft | undefined, key: string): InvoiceLine | undefined => d?.lines.find((l) => l.key === key);
