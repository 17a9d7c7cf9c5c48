// The invoice benchmark's world: two sites (Amsterdam, EUR; Singapore, SGD), racks with an A and a B PDU
// of metered outlets, one customer per rack, some racks passing to another customer mid-month, some PDUs
// swapped mid-month (counter_epoch events), a tariff version change in Amsterdam. Readings are 1 minute
// apart. Either every minute of the month is stored (`full`), or only a window of minutes around every
// instant the invoice run looks up (period edges, the tariff change, holder changes, the swaps' old and new
// readings): the run asks storage for nothing else, so its result and its lookups are the same on both.
import type { Inventory } from '../../central/model/inventory-types.js';
import { TariffVersion, type TariffBook } from '../../central/model/tariffs/tariff.js';
import { localMidnight, monthPeriod, type Period } from '../../common/local-time.js';
import type { IngestBatch } from '../../central/storage/readings/types.js';
import type { Reading } from '../../protocol/reading.js';
import { SCHEMA_VERSION, type GatewayEvent } from '../../protocol/wire.js';

export interface InvoiceWorldSpec {
  racksPerSite: number;
  outletsPerPdu: number;
  /** Racks per gateway. */
  racksPerGateway: number;
  /** Every n-th rack passes to the next rack's customer on the 15th (local). */
  changeEvery: number;
  /** Every n-th PDU is exchanged on the 12th at 09:00Z, 5 minutes without readings. */
  swapEvery: number;
  /** Minutes stored either side of each looked-up instant when not `full`. */
  windowMin: number;
  /** Every minute of the month (and an hour either side) for every point. */
  full: boolean;
  /** Otherwise, every minute for the points of this many racks of each site (the rest: windows only). */
  fullRacks: number;
  month: string;
}

export const SITES = [
  { id: 'ams1', name: 'Amsterdam 1', timeZone: 'Europe/Amsterdam', currency: 'EUR' },
  { id: 'sin1', name: 'Singapore 1', timeZone: 'Asia/Singapore', currency: 'SGD' },
] as const;

const MIN = 60_000;
const rackId = (site: string, r: number) => `${site}-k${String(r).padStart(4, '0')}`;
const customerOf = (site: string, r: number, spec: InvoiceWorldSpec) => `c-${site}-${String(r % spec.racksPerSite).padStart(4, '0')}`;
const gatewayOf = (site: string, r: number, spec: InvoiceWorldSpec) => `${site}-gw${Math.floor(r / spec.racksPerGateway)}`;
const swapped = (pduIndex: number, spec: InvoiceWorldSpec) => pduIndex % spec.swapEvery === spec.swapEvery - 1;
export const swapAtMs = (spec: InvoiceWorldSpec): number =>
  Date.UTC(Number(spec.month.slice(0, 4)), Number(spec.month.slice(5, 7)) - 1, 12, 9);
const SWAP_GAP_MS = 5 * MIN;

export function invoiceInventory(spec: InvoiceWorldSpec): Inventory {
  const inv: Inventory = { sites: [], gateways: [], nodes: [], points: [], racks: [], cages: [], customers: [], assignments: [] };
  const changeFrom = `${spec.month}-15`;
  for (const s of SITES) {
    const room = `${s.id}-hall1`;
    inv.sites.push({ ...s, rooms: [{ id: room }] });
    for (const feed of ['A', 'B'] as const) inv.nodes.push({ id: `${s.id}-bb-${feed}`, kind: 'busbar', site: s.id, room, feed, tags: [] });
    for (let g = 0; g * spec.racksPerGateway < spec.racksPerSite; g++) inv.gateways.push({ id: `${s.id}-gw${g}`, site: s.id, room });
    for (let r = 0; r < spec.racksPerSite; r++) {
      const rack = rackId(s.id, r);
      inv.racks.push({ id: rack, room, tags: [] });
      inv.customers.push({ id: customerOf(s.id, r, spec), name: `Customer ${s.id} ${r}` });
      inv.assignments.push({
        id: `a-${rack}`,
        version: 1,
        customer: customerOf(s.id, r, spec),
        rack,
        from: `${spec.month.slice(0, 4)}-01-01`,
      });
      if (r % spec.changeEvery === spec.changeEvery - 1)
        inv.assignments.push({ id: `a-${rack}`, version: 2, customer: customerOf(s.id, r + 1, spec), rack, from: changeFrom });
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
  return inv;
}

/** Flat prices (no time-of-use, no committed power): see the benchmark's `tariffs` figure. */
export function invoiceTariffs(spec: InvoiceWorldSpec): TariffBook {
  const common = { overheadFactor: '1.3', fixedFees: [{ name: 'Monitoring', amountPerMonth: '40' }] };
  const changeOn = `${spec.month}-16`;
  return new Map([
    [
      'ams1',
      {
        site: 'ams1',
        versions: [
          TariffVersion.parse({
            ...common,
            version: 'ams-a',
            validFrom: '2026-01-01',
            validTo: changeOn,
            currency: 'EUR',
            energyPricePerKwh: '0.2150',
            taxes: [{ name: 'BTW', ratePct: '21' }],
          }),
          TariffVersion.parse({
            ...common,
            version: 'ams-b',
            validFrom: changeOn,
            currency: 'EUR',
            energyPricePerKwh: '0.2290',
            taxes: [{ name: 'BTW', ratePct: '21' }],
          }),
        ],
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

/** The instants the run looks a point up at, besides the swap's readings: period edges, tariff change, holder change. */
function lookupInstants(site: (typeof SITES)[number], r: number, period: Period, spec: InvoiceWorldSpec): number[] {
  const out = [period.fromMs, period.toMs];
  if (site.id === 'ams1') out.push(localMidnight(`${spec.month}-16`, site.timeZone));
  if (r % spec.changeEvery === spec.changeEvery - 1) out.push(localMidnight(`${spec.month}-15`, site.timeZone));
  return out;
}

function readingTimes(
  instants: readonly number[],
  swapAt: number | undefined,
  period: Period,
  spec: InvoiceWorldSpec,
  full: boolean,
): number[] {
  const set = new Set<number>();
  if (full) {
    for (let t = period.fromMs - 60 * MIN; t <= period.toMs + 60 * MIN; t += MIN) set.add(t);
  } else {
    for (const at of [...instants, ...(swapAt === undefined ? [] : [swapAt, swapAt + SWAP_GAP_MS])]) {
      for (let k = -spec.windowMin; k <= spec.windowMin; k++) set.add(at + k * MIN);
    }
  }
  if (swapAt !== undefined) for (const t of set) if (t > swapAt && t < swapAt + SWAP_GAP_MS) set.delete(t);
  return [...set].sort((a, b) => a - b);
}

/** Store calls (lists of batches) for one rack: readings of its two PDUs' outlets, and swap events. */
export function* rackBatches(spec: InvoiceWorldSpec, seq: { next(gw: string): number }): Generator<IngestBatch[]> {
  for (const site of SITES) {
    const period = monthPeriod(spec.month, site.timeZone);
    for (let r = 0; r < spec.racksPerSite; r++) {
      const rack = rackId(site.id, r);
      const gateway = gatewayOf(site.id, r, spec);
      const batches: IngestBatch[] = [];
      const instants = lookupInstants(site, r, period, spec);
      ['a', 'b'].forEach((side, k) => {
        const pduIndex = r * 2 + k;
        const swapBase = swapped(pduIndex, spec) ? swapAtMs(spec) : undefined;
        // A gateway polls on its own schedule: readings fall between the looked-up instants, never on them.
        const jitterMs = 50 + ((pduIndex * 37) % 900);
        const swapAt = swapBase === undefined ? undefined : swapBase + jitterMs;
        const device = `${rack}-pdu-${side}`;
        const times = readingTimes(instants, swapBase, period, spec, spec.full || r < spec.fullRacks).map((t) => t + jitterMs);
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
