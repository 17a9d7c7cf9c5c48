// The central node's inventory and tariffs of the demo site, derived from site.ts: feeds A and B through
// UPSs to a busbar per room and feed, branch circuits feeding racks, PDUs, two outlets with points of
// their own; customers holding racks from `fromDate` on, Lumen its cage and those two outlets from the
// 16th; each customer's contract over the site's price list (docs/invoices.md, "Contracts"); the issuing
// company and the accounts with their legal details (parties.ts). Pure.
import { DEMO_ACCOUNTS, DEMO_ENTITY } from './parties.js';
import { CUSTOMERS, ROOMS, SITE, type DemoRoom } from './site.js';

function roomNodes(room: DemoRoom): Record<string, unknown>[] {
  const busbar = (feed: 'a' | 'b') => `ams1-${room.id}-bb-${feed}`;
  const circuitOf = (rack: string, feed: 'a' | 'b') => room.meters.find((m) => m.rack === rack && m.feed === feed);
  return [
    ...(['a', 'b'] as const).map((f) => ({ id: busbar(f), kind: 'busbar', parent: `ams1-ups-${f}`, room: room.id, ratedCurrentA: 630 })),
    ...room.meters
      .filter((m) => m.rack)
      .map((m) => ({ id: m.node, kind: 'branch-circuit', parent: busbar(m.feed), rack: m.rack, ratedCurrentA: 32 })),
    ...room.pdus.flatMap((p) => [
      // A PDU hangs below the metered branch circuit of its rack and feed, if there is one, else on the busbar.
      { id: p.node, kind: 'pdu', parent: circuitOf(p.rack, p.feed)?.node ?? busbar(p.feed), rack: p.rack, ratedCurrentA: 32 },
      ...(p.meteredOutlets ?? []).map((o) => ({ id: `${p.node}-o${o}`, kind: 'outlet', parent: p.node })),
    ]),
  ];
}

function roomPoints(room: DemoRoom): Record<string, unknown>[] {
  return [
    ...room.meters.map((m) => ({ node: m.node, gateway: room.gateway, device: m.id, ...(m.rack ? {} : { infrastructure: true }) })),
    ...room.pdus.flatMap((p) => [
      { node: p.node, gateway: room.gateway, device: p.id, channel: p.channel },
      ...(p.meteredOutlets ?? []).map((o) => ({ node: `${p.node}-o${o}`, gateway: room.gateway, device: p.id, channel: `outlet:${o}` })),
    ]),
  ];
}

/** The 16th of the invoiced month: Nordwind's contract is renewed and Lumen moves in that day. */
const midMonth = (fromDate: string) => `${fromDate.slice(0, 8)}16`;

/**
 * A contract per customer, so that last month's invoices show what contracts do: Acme's negotiated kWh
 * price and commitment per rack; Nordwind's contract renewed on the 16th (the month splits there, with a
 * committed power from then on); Lumen's own fees for a remote-hands bundle, prorated by the days it held
 * anything (from the 16th) and printed so on the line.
 */
function demoContracts(fromDate: string): Record<string, unknown>[] {
  const renewal = midMonth(fromDate);
  return [
    {
      id: 'acme-colo',
      customer: 'acme',
      versions: [
        {
          version: '1',
          validFrom: fromDate,
          energyPricePerKwh: '0.1850',
          committedPowerPerRackKw: '1.5',
          committedPowerPricePerKw: '9.50',
          overagePricePerKw: '18.50',
        },
      ],
    },
    {
      id: 'nordwind-colo',
      customer: 'nordwind',
      versions: [
        { version: '1', validFrom: fromDate, validTo: renewal, overheadFactor: '1.30' },
        {
          version: '2',
          validFrom: renewal,
          energyPricePerKwh: '0.1920',
          overheadFactor: '1.25',
          committedPowerKw: '1',
          committedPowerPricePerKw: '12.00',
          overagePricePerKw: '20.00',
        },
      ],
    },
    {
      id: 'lumen-colo',
      customer: 'lumen',
      versions: [
        {
          version: '1',
          validFrom: fromDate,
          fixedFees: [
            { name: 'Cross-connect and monitoring', amountPerMonth: '120.00' },
            { name: 'Remote hands, 4 hours', amountPerMonth: '180.00' },
          ],
          minimumChargePerMonth: '400.00',
        },
      ],
    },
  ];
}

/** The inventory file's content (docs/config-inventory.md). `fromDate`: local date the contracts start. */
export function demoInventory(fromDate: string): Record<string, unknown> {
  const moveIn = midMonth(fromDate);
  return {
    entities: [DEMO_ENTITY],
    sites: [{ ...SITE, entity: DEMO_ENTITY.id, rooms: ROOMS.map((r) => ({ id: r.id, name: r.name })) }],
    gateways: ROOMS.map((r) => ({ id: r.gateway, site: SITE.id, room: r.id })),
    cages: [{ id: 'ams1-c7', kind: 'cage', room: 'r102', name: 'Cage C7' }],
    racks: [
      { id: 'ams1-r12', room: 'r101' },
      { id: 'ams1-r14', room: 'r101' },
      { id: 'ams1-k11', room: 'r102', tags: ['high-density'] },
      { id: 'ams1-c7-k01', room: 'r102', cage: 'ams1-c7' },
      { id: 'ams1-c7-k02', room: 'r102', cage: 'ams1-c7' },
    ],
    nodes: [
      { id: 'ams1-util-a', kind: 'utility-feed', site: SITE.id, feed: 'A', voltageV: 230 },
      { id: 'ams1-ups-a', kind: 'ups', parent: 'ams1-util-a', ratedCurrentA: 1600 },
      { id: 'ams1-util-b', kind: 'utility-feed', site: SITE.id, feed: 'B', voltageV: 230 },
      { id: 'ams1-ups-b', kind: 'ups', parent: 'ams1-util-b', ratedCurrentA: 1600 },
      ...ROOMS.flatMap(roomNodes),
    ],
    points: ROOMS.flatMap(roomPoints),
    customers: CUSTOMERS.map((c) => ({ ...c })),
    accounts: DEMO_ACCOUNTS,
    assignments: [
      { id: 'acme-r12', customer: 'acme', rack: 'ams1-r12', from: fromDate },
      { id: 'acme-k11', customer: 'acme', rack: 'ams1-k11', from: fromDate },
      { id: 'nordwind-r14', customer: 'nordwind', rack: 'ams1-r14', from: fromDate },
      // Lumen moves in on the 16th: two servers in Nordwind's rack (the outlet beats the rack) and cage C7.
      { id: 'lumen-r14-o1', customer: 'lumen', outlet: 'ams1-r14-pdu-a-o1', from: moveIn },
      { id: 'lumen-r14-o2', customer: 'lumen', outlet: 'ams1-r14-pdu-a-o2', from: moveIn },
      { id: 'lumen-c7', customer: 'lumen', cage: 'ams1-c7', from: moveIn },
    ],
    contracts: demoContracts(fromDate),
  };
}

/** The tariff file's content (docs/config-tariffs.md): time of use on weekdays, overhead, a fee, VAT. */
export function demoTariffs(fromDate: string): Record<string, unknown> {
  return {
    tariffs: [
      {
        site: SITE.id,
        versions: [
          {
            version: 'ams1-demo',
            validFrom: fromDate,
            currency: SITE.currency,
            energyPricePerKwh: '0.1980',
            touWindows: [{ name: 'peak', days: 'weekdays', fromHour: 8, toHour: 20, pricePerKwh: '0.2450' }],
            overheadFactor: '1.35',
            fixedFees: [{ name: 'Cross-connect and monitoring', amountPerMonth: '120.00' }],
            taxes: [{ name: 'BTW', ratePct: '21' }],
          },
        ],
      },
    ],
  };
}
