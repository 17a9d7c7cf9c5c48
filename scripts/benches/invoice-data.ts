// The invoice benchmark's world: three sites (Amsterdam 1 and 2, EUR, invoiced by one Dutch entity;
// Singapore, SGD, invoicing alone), racks with an A and a B PDU of metered outlets, every customer on its own
// contract (its own price per kWh over the site's list, committed power per rack held, charged for or with
// an overage price), some customers in both Amsterdam sites (one invoice with two sections), some contracts
// changing price on the 20th, some racks passing to another customer mid-month, some PDUs swapped mid-month
// (counter_epoch events), a tariff version change in Amsterdam 1. Readings are 1 minute apart. Either every
// minute of the month is stored (`full`), or only a window of minutes around every instant the invoice run
// looks up (period edges, tariff and contract changes, holder changes, the 15-minute demand slots where
// overage is priced, the swaps' old and new readings): the run asks storage for nothing else, so its result
// and its lookups are the same on both.
import { Contract } from '../../central/model/contracts/schema.js';
import type { Inventory } from '../../central/model/inventory-types.js';
import { TariffVersion, type TariffBook } from '../../central/model/tariffs/tariff.js';
import { localMidnight, monthPeriod, type Period } from '../../common/local-time.js';
import type { IngestBatch } from '../../central/storage/readings/types.js';
import type { Reading } from '../../protocol/reading.js';
import { SCHEMA_VERSION, type GatewayEvent } from '../../protocol/wire.js';

export interface InvoiceWorldSpec {
  /** Racks in Amsterdam 1 and in Singapore 1 (each its own customer). */
  racksPerSite: number;
  outletsPerPdu: number;
  /** Racks per gateway. */
  racksPerGateway: number;
  /** Every n-th rack passes to the next rack's customer on the 15th (local). */
  changeEvery: number;
  /** Every n-th PDU is exchanged on the 12th at 09:00Z, 5 minutes without readings. */
  swapEvery: number;
  /** Every n-th Amsterdam 1 customer also holds a rack in Amsterdam 2 (same entity and currency: one invoice). */
  secondSiteEvery: number;
  /** Every n-th customer's contract has a second version from the 20th (local) with another price. */
  contractChangeEvery: number;
  /**
   * Every n-th contract prices overage (0: none): its points are looked up at every 15-minute demand slot,
   * 2,976 a month, which dominates the run (docs/invoices.md). The others charge for the commitment.
   */
  overageEvery: number;
  /** Every n-th contract with overage also charges for the committed power. */
  commitmentPriceEvery: number;
  /** Minutes stored either side of each looked-up instant when not `full`. */
  windowMin: number;
  /** Every minute of the month (and an hour either side) for every point. */
  full: boolean;
  /** Otherwise, every minute for the points of this many racks of each site (the rest: windows only). */
  fullRacks: number;
  month: string;
}

export const SITES = [
  { id: 'ams1', name: 'Amsterdam 1', timeZone: 'Europe/Amsterdam', currency: 'EUR', entity: 'nl-bv' },
  { id: 'ams2', name: 'Amsterdam 2', timeZone: 'Europe/Amsterdam', currency: 'EUR', entity: 'nl-bv' },
  { id: 'sin1', name: 'Singapore 1', timeZone: 'Asia/Singapore', currency: 'SGD' },
] as const;
type Site = (typeof SITES)[number];
export const ENTITIES = [{ id: 'nl-bv', name: 'Joulebook Netherlands B.V.' }];

const MIN = 60_000;
const DEMAND_SLOT_MS = 15 * MIN;
const pad = (n: number) => String(n).padStart(4, '0');
const rackId = (site: string, r: number) => `${site}-k${pad(r)}`;
const gatewayOf = (site: string, r: number, spec: InvoiceWorldSpec) => `${site}-gw${Math.floor(r / spec.racksPerGateway)}`;
const swapped = (pduIndex: number, spec: InvoiceWorldSpec) => pduIndex % spec.swapEvery === spec.swapEvery - 1;
export const swapAtMs = (spec: InvoiceWorldSpec): number =>
  Date.UTC(Number(spec.month.slice(0, 4)), Number(spec.month.slice(5, 7)) - 1, 12, 9);
const SWAP_GAP_MS = 5 * MIN;

/** Racks at a site: Amsterdam 2 holds the second racks of every n-th Amsterdam 1 customer. */
const racksAt = (site: Site, spec: InvoiceWorldSpec): number =>
  site.id === 'ams2' ? (spec.secondSiteEvery > 0 ? Math.ceil(spec.racksPerSite / spec.secondSiteEvery) : 0) : spec.racksPerSite;

/** Racks and metered outlets of the whole world. */
export function worldSize(spec: InvoiceWorldSpec): { racks: number; points: number } {
  const racks = SITES.reduce((n, s) => n + racksAt(s, spec), 0);
  return { racks, points: racks * 2 * spec.outletsPerPdu };
}

/** The customer holding rack r of the site from the start of the year (k = r + 1: who takes it over). */
function customerOf(site: Site, r: number, spec: InvoiceWorldSpec): string {
  if (site.id !== 'ams2') return `c-${site.id}-${pad(r % spec.racksPerSite)}`;
  return `c-ams1-${pad((r * spec.secondSiteEvery) % spec.racksPerSite)}`;
}
const changesHands = (r: number, spec: InvoiceWorldSpec) => r % spec.changeEvery === spec.changeEvery - 1;

/** Customers in the order they are numbered for their contracts. */
const customerIds = (spec: InvoiceWorldSpec): string[] =>
  SITES.filter((s) => s.id !== 'ams2').flatMap((s) => Array.from({ length: spec.racksPerSite }, (_, r) => customerOf(s, r, spec)));

// Not the customers who give their rack away on the 15th (those at n - 1): the change applies to racks held.
const contractChanges = (i: number, spec: InvoiceWorldSpec) => i % spec.contractChangeEvery === Math.floor(spec.contractChangeEvery / 2);

export function invoiceInventory(spec: InvoiceWorldSpec): Inventory {
  const inv: Inventory = { sites: [], gateways: [], nodes: [], points: [], racks: [], cages: [], customers: [], assignments: [] };
  inv.entities = ENTITIES;
  const changeFrom = `${spec.month}-15`;
  for (const s of SITES) {
    const room = `${s.id}-hall1`;
    const { entity, ...site } = { entity: undefined, ...s };
    inv.sites.push({ ...site, ...(entity ? { entity } : {}), rooms: [{ id: room }] });
    for (const feed of ['A', 'B'] as const) inv.nodes.push({ id: `${s.id}-bb-${feed}`, kind: 'busbar', site: s.id, room, feed, tags: [] });
    const racks = racksAt(s, spec);
    for (let g = 0; g * spec.racksPerGateway < racks; g++) inv.gateways.push({ id: `${s.id}-gw${g}`, site: s.id, room });
    for (let r = 0; r < racks; r++) {
      const rack = rackId(s.id, r);
      inv.racks.push({ id: rack, room, tags: [] });
      if (s.id !== 'ams2') inv.customers.push({ id: customerOf(s, r, spec), name: `Customer ${s.id} ${r}` });
      inv.assignments.push({
        id: `a-${rack}`,
        version: 1,
        customer: customerOf(s, r, spec),
        rack,
        from: `${spec.month.slice(0, 4)}-01-01`,
      });
      if (changesHands(r, spec))
        inv.assignments.push({ id: `a-${rack}`, version: 2, customer: customerOf(s, r + 1, spec), rack, from: changeFrom });
      for (const side of ['a', 'b'] as const) {
        const pdu = `${rack}-pdu-${side}`;
        inv.nodes.push({ id: pdu, kind: 'pdu', parent: `${s.id}-bb-${side.toUpperCase()}`, rack, tags: [] });
        for (let o = 1; o <= spec.outletsPerPdu; o++) {
          const node = `${pdu}-o${o}`;
          inv.nodes.push({ id: node, kind: 'outlet', parent: pdu, tags: [] });
          inv.points.push({
            id: node,
            node,
            gateway: gatewayOf(s.id, r, spec),
            device: pdu,
            channel: `outlet:${o}`,
            infrastructure: false,
          });
        }
      }
    }
  }
  inv.contracts = invoiceContracts(spec);
  return inv;
}

/** Committed power per outlet in the rack, by contract (i % 3): 3, 7 or 11 kW per rack of 50 outlets. */
export const COMMITTED_KW_PER_OUTLET = [0.06, 0.14, 0.22] as const;

const hasOverage = (i: number, spec: InvoiceWorldSpec) => spec.overageEvery > 0 && i % spec.overageEvery === 0;

/**
 * One contract per customer over its sites' price list: its own price per kWh and committed power per rack
 * held (COMMITTED_KW_PER_OUTLET; a rack of 50 outlets draws about 11 kW), charged for, or priced for
 * overage (every n-th, some of those also charged for); every n-th a second version from the 20th with
 * another price.
 */
export function invoiceContracts(spec: InvoiceWorldSpec): Contract[] {
  const year = spec.month.slice(0, 4);
  return customerIds(spec).map((customer, i) => {
    const eur = customer.startsWith('c-ams');
    const price = (eur ? 0.19 : 0.28) + (i % 7) * 0.005;
    const overage = hasOverage(i, spec);
    const charged = !overage || (i / spec.overageEvery) % spec.commitmentPriceEvery === 0;
    const terms = {
      committedPowerPerRackKw: (spec.outletsPerPdu * 2 * COMMITTED_KW_PER_OUTLET[i % 3]!).toFixed(2),
      ...(overage ? { overagePricePerKw: eur ? '14.50' : '21.00' } : {}),
      ...(charged ? { committedPowerPricePerKw: eur ? '110' : '160' } : {}),
    };
    const first = { version: year, validFrom: `${year}-01-01`, energyPricePerKwh: price.toFixed(4), ...terms };
    const versions = contractChanges(i, spec)
      ? [
          { ...first, validTo: `${spec.month}-20` },
          { version: `${year}-b`, validFrom: `${spec.month}-20`, energyPricePerKwh: (price + 0.012).toFixed(4), ...terms },
        ]
      : [first];
    return Contract.parse({ id: `k-${customer}`, customer, sites: eur ? ['ams1', 'ams2'] : ['sin1'], versions });
  });
}

/** Flat prices (no time-of-use): see the benchmark's `tariffs` figure. The contracts lay their own over them. */
export function invoiceTariffs(spec: InvoiceWorldSpec): TariffBook {
  const common = { overheadFactor: '1.3', fixedFees: [{ name: 'Monitoring', amountPerMonth: '40' }] };
  const changeOn = `${spec.month}-16`;
  const eur = { currency: 'EUR', taxes: [{ name: 'BTW', ratePct: '21' }] };
  return new Map([
    [
      'ams1',
      {
        site: 'ams1',
        versions: [
          TariffVersion.parse({
            ...common,
            ...eur,
            version: 'ams-a',
            validFrom: '2026-01-01',
            validTo: changeOn,
            energyPricePerKwh: '0.2150',
          }),
          TariffVersion.parse({ ...common, ...eur, version: 'ams-b', validFrom: changeOn, energyPricePerKwh: '0.2290' }),
        ],
      },
    ],
    [
      'ams2',
      {
        site: 'ams2',
        versions: [TariffVersion.parse({ ...common, ...eur, version: 'ams2', validFrom: '2026-01-01', energyPricePerKwh: '0.2200' })],
      },
    ],
    [
      'sin1',
      {
        site: 'sin1',
        versions: [
          TariffVersion.parse({
            ...common,
            version: 'sin',
            validFrom: '2026-01-01',
            currency: 'SGD',
            energyPricePerKwh: '0.3120',
            taxes: [{ name: 'GST', ratePct: '9' }],
          }),
        ],
      },
    ],
  ]);
}

const contractIndex = (customer: string, spec: InvoiceWorldSpec): number =>
  Number(customer.slice(-4)) + (customer.startsWith('c-sin1') ? spec.racksPerSite : 0);

/**
 * The instants the run looks a point up at, besides the swap's readings: period edges, tariff change,
 * holder change, contract changes of its holders; and, where a holder's contract prices overage, every
 * 15-minute demand slot of the month.
 */
function lookupInstants(site: Site, r: number, period: Period, spec: InvoiceWorldSpec): { instants: number[]; slots: number[] } {
  const instants = [period.fromMs, period.toMs];
  if (site.id === 'ams1') instants.push(localMidnight(`${spec.month}-16`, site.timeZone));
  const holders = [customerOf(site, r, spec)];
  if (changesHands(r, spec)) {
    instants.push(localMidnight(`${spec.month}-15`, site.timeZone));
    holders.push(customerOf(site, r + 1, spec));
  }
  if (holders.some((c) => contractChanges(contractIndex(c, spec), spec))) instants.push(localMidnight(`${spec.month}-20`, site.timeZone));
  const slots: number[] = [];
  if (holders.some((c) => hasOverage(contractIndex(c, spec), spec)))
    for (let t = Math.ceil(period.fromMs / DEMAND_SLOT_MS) * DEMAND_SLOT_MS; t <= period.toMs; t += DEMAND_SLOT_MS) slots.push(t);
  return { instants, slots };
}

/**
 * The minutes stored for one point: every minute, or windows of minutes around the instants and the swap,
 * and around each demand slot edge only the minute before it and the one it starts (the readings either
 * side of the edge once jittered), so that overage does not store most of the month.
 */
function readingTimes(
  looked: { instants: readonly number[]; slots: readonly number[] },
  swapAt: number | undefined,
  period: Period,
  spec: InvoiceWorldSpec,
  full: boolean,
): number[] {
  const set = new Set<number>();
  if (full) {
    for (let t = period.fromMs - 60 * MIN; t <= period.toMs + 60 * MIN; t += MIN) set.add(t);
  } else {
    for (const at of [...looked.instants, ...(swapAt === undefined ? [] : [swapAt, swapAt + SWAP_GAP_MS])]) {
      for (let k = -spec.windowMin; k <= spec.windowMin; k++) set.add(at + k * MIN);
    }
    for (const at of looked.slots) set.add(at - MIN).add(at);
  }
  if (swapAt !== undefined) for (const t of set) if (t > swapAt && t < swapAt + SWAP_GAP_MS) set.delete(t);
  return [...set].sort((a, b) => a - b);
}

/** Store calls (lists of batches) for one rack: readings of its two PDUs' outlets, and swap events. */
export function* rackBatches(spec: InvoiceWorldSpec, seq: { next(gw: string): number }): Generator<IngestBatch[]> {
  for (const site of SITES) {
    const period = monthPeriod(spec.month, site.timeZone);
    for (let r = 0; r < racksAt(site, spec); r++) {
      const rack = rackId(site.id, r);
      const gateway = gatewayOf(site.id, r, spec);
      const batches: IngestBatch[] = [];
      const looked = lookupInstants(site, r, period, spec);
      ['a', 'b'].forEach((side, k) => {
        const pduIndex = r * 2 + k;
        const swapBase = swapped(pduIndex, spec) ? swapAtMs(spec) : undefined;
        // A gateway polls on its own schedule: readings fall between the looked-up instants, never on them.
        const jitterMs = 50 + ((pduIndex * 37) % 900);
        const swapAt = swapBase === undefined ? undefined : swapBase + jitterMs;
        const device = `${rack}-pdu-${side}`;
        const times = readingTimes(looked, swapBase, period, spec, spec.full || r < spec.fullRacks).map((t) => t + jitterMs);
        const readings: Reading[] = [];
        const events: GatewayEvent[] = [];
        for (let o = 1; o <= spec.outletsPerPdu; o++) {
          const powerW = 40 + ((pduIndex * 31 + o * 17) % 360);
          const kwhPerMs = powerW / 1000 / 3_600_000;
          const startKwh = 100 + ((pduIndex * 7 + o) % 900);
          const value = (t: number) =>
            swapAt !== undefined && t >= swapAt + SWAP_GAP_MS
              ? (t - swapAt - SWAP_GAP_MS) * kwhPerMs
              : startKwh + (t - period.fromMs) * kwhPerMs;
          const channel = `outlet:${o}`;
          for (const ts of times)
            readings.push({ device, channel, ts, values: { energy_import_kwh: value(ts), power_w: powerW }, quality: 'good' });
          if (swapAt !== undefined) {
            events.push({
              type: 'counter_epoch',
              ts: swapAt + SWAP_GAP_MS,
              reason: 'swap',
              device,
              channel,
              measurement: 'energy_import_kwh',
              old: { ts: swapAt, value: value(swapAt), serial: `${device}-old` },
              new: { ts: swapAt + SWAP_GAP_MS, value: 0, serial: `${device}-new` },
              betweenKwh: SWAP_GAP_MS * kwhPerMs,
              estimated: true,
            });
          }
        }
        for (let i = 0; i < readings.length; i += 1000) {
          const chunk = readings.slice(i, i + 1000);
          const s = seq.next(gateway);
          batches.push({
            kind: 'readings',
            site: site.id,
            gateway,
            receivedAt: chunk[0]!.ts,
            message: {
              v: SCHEMA_VERSION,
              gateway,
              boot: 'bench',
              seq: s,
              seqEnd: s,
              sentAt: chunk[0]!.ts,
              historical: true,
              readings: chunk,
            },
          });
        }
        if (events.length > 0) {
          const s = seq.next(gateway);
          batches.push({
            kind: 'events',
            site: site.id,
            gateway,
            receivedAt: swapAt! + SWAP_GAP_MS,
            message: { v: SCHEMA_VERSION, gateway, boot: 'bench', seq: s, seqEnd: s, sentAt: swapAt! + SWAP_GAP_MS, events },
          });
        }
      });
      yield batches;
    }
  }
}

export function sequenceCounter(): { next(gw: string): number } {
  const seqs = new Map<string, number>();
  return {
    next: (gw) => {
      const n = (seqs.get(gw) ?? 0) + 1;
      seqs.set(gw, n);
      return n;
    },
  };
}
