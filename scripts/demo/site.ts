// The demo site as data: one site, two rooms, a gateway per room with busbar meters on Modbus TCP, branch
// circuit meters on an RS-485 line and rack PDUs over SNMP, and three customers holding racks, a cage and
// two outlets, each on a contract of its own (inventory.ts). Everything else (the inventory, the tariffs,
// the gateway configs, the simulators) is derived from this one description, so they cannot disagree. Pure.

export type PduProfile = 'apc-rpdu2' | 'raritan-px';

export interface DemoMeter {
  id: string;
  profile: string;
  wire: 'tcp' | 'rs485';
  unit: number;
  basePowerW: number;
  /** The inventory node it measures: a busbar (house meter) or a branch circuit feeding `rack`. */
  node: string;
  feed: 'a' | 'b';
  rack?: string;
}

export interface DemoPdu {
  id: string;
  profile: PduProfile;
  rack: string;
  feed: 'a' | 'b';
  /** The inventory's PDU node; `channel` is the PDU's whole-unit channel for that profile. */
  node: string;
  channel: string;
  /** Outlets with a metering point of their own (held by another customer than the rack's). */
  meteredOutlets?: number[];
}

export interface DemoRoom {
  id: string;
  name: string;
  gateway: string;
  meters: DemoMeter[];
  pdus: DemoPdu[];
}

export const SITE = { id: 'ams1', name: 'Amsterdam 1 (simulated)', timeZone: 'Europe/Amsterdam', currency: 'EUR' } as const;
export const OUTLETS_PER_PDU = 8;
export const RS485_LINE = { baudRate: 19200, parity: 'even', stopBits: 1 } as const;

const WHOLE: Record<PduProfile, string> = { 'apc-rpdu2': 'total', 'raritan-px': 'inlet:1' };
const pdu = (id: string, profile: PduProfile, rack: string, feed: 'a' | 'b', meteredOutlets?: number[]): DemoPdu => ({
  id,
  profile,
  rack,
  feed,
  node: `${rack}-pdu-${feed}`,
  channel: WHOLE[profile],
  meteredOutlets,
});

export const ROOMS: readonly DemoRoom[] = [
  {
    id: 'r101',
    name: 'Data hall 1.01',
    gateway: 'ams1-r101-gw1',
    meters: [
      { id: 'busbar-a1', profile: 'schneider-iem3255', wire: 'tcp', unit: 1, basePowerW: 9000, node: 'ams1-r101-bb-a', feed: 'a' },
      { id: 'busbar-b1', profile: 'siemens-pac2200', wire: 'tcp', unit: 2, basePowerW: 8000, node: 'ams1-r101-bb-b', feed: 'b' },
      {
        id: 'branch-a1-01',
        profile: 'eastron-sdm630',
        wire: 'rs485',
        unit: 1,
        basePowerW: 700,
        node: 'ams1-r101-a1-01',
        feed: 'a',
        rack: 'ams1-r12',
      },
      {
        id: 'branch-b1-01',
        profile: 'abb-b23',
        wire: 'rs485',
        unit: 2,
        basePowerW: 650,
        node: 'ams1-r101-b1-01',
        feed: 'b',
        rack: 'ams1-r12',
      },
    ],
    pdus: [
      pdu('pdu-r12-a', 'apc-rpdu2', 'ams1-r12', 'a'),
      pdu('pdu-r12-b', 'apc-rpdu2', 'ams1-r12', 'b'),
      pdu('pdu-r14-a', 'raritan-px', 'ams1-r14', 'a', [1, 2]),
    ],
  },
  {
    id: 'r102',
    name: 'Data hall 1.02',
    gateway: 'ams1-r102-gw1',
    meters: [
      { id: 'busbar-a2', profile: 'janitza-umg96rm', wire: 'tcp', unit: 1, basePowerW: 11000, node: 'ams1-r102-bb-a', feed: 'a' },
      { id: 'busbar-b2', profile: 'siemens-pac2200', wire: 'tcp', unit: 2, basePowerW: 10000, node: 'ams1-r102-bb-b', feed: 'b' },
      {
        id: 'branch-a2-01',
        profile: 'socomec-diris-a40',
        wire: 'rs485',
        unit: 1,
        basePowerW: 900,
        node: 'ams1-r102-a2-01',
        feed: 'a',
        rack: 'ams1-k11',
      },
      {
        id: 'branch-b2-01',
        profile: 'eastron-sdm630',
        wire: 'rs485',
        unit: 2,
        basePowerW: 850,
        node: 'ams1-r102-b2-01',
        feed: 'b',
        rack: 'ams1-k11',
      },
    ],
    pdus: [
      pdu('pdu-k11-a', 'apc-rpdu2', 'ams1-k11', 'a'),
      pdu('pdu-k11-b', 'apc-rpdu2', 'ams1-k11', 'b'),
      pdu('pdu-c7k01-a', 'raritan-px', 'ams1-c7-k01', 'a'),
      pdu('pdu-c7k02-a', 'raritan-px', 'ams1-c7-k02', 'a'),
    ],
  },
];

export const CUSTOMERS = [
  { id: 'acme', name: 'Acme Hosting B.V.', externalRef: 'C-10042' },
  { id: 'nordwind', name: 'Nordwind Analytics GmbH', externalRef: 'C-10077' },
  { id: 'lumen', name: 'Lumen Media B.V.', externalRef: 'C-10103' },
] as const;

/** The PDUs of one room and profile, in the order their simulator serves them on consecutive ports. */
export function pdusOf(room: DemoRoom, profile: PduProfile): DemoPdu[] {
  return room.pdus.filter((p) => p.profile === profile);
}
