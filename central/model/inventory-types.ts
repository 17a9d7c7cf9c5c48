// The inventory as the model reads it: what build.ts turns into the indexed model. config/inventory-schema.ts
// parses the files into these types (its schemas are checked against them), so the model never reads config.
// Instants are still text here (an assignment's `from`/`to`); build.ts resolves them in each site's zone.
import type { Assignment } from './assignment-schema.js';
import type { Account, Contract, Entity } from './contracts/schema.js';

export type { Assignment } from './assignment-schema.js';

export const NODE_KINDS = ['utility-feed', 'ups', 'busbar', 'panel', 'tap-off', 'branch-circuit', 'pdu', 'pdu-inlet', 'outlet'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
/** Kinds a `feed:` assignment may name: the chain above the rack PDUs. */
export const FEED_KINDS: readonly NodeKind[] = ['utility-feed', 'ups', 'busbar', 'panel', 'tap-off', 'branch-circuit'];
export const PHASES = ['L1', 'L2', 'L3', '3P'] as const;
export type Phase = (typeof PHASES)[number];
export const FEED_SIDES = ['A', 'B'] as const;
export type FeedSide = (typeof FEED_SIDES)[number];

export interface Room {
  id: string;
  name?: string | undefined;
}

export interface Site {
  id: string;
  name: string;
  timeZone: string;
  currency: string;
  /** The issuing entity that invoices this site; absent: the site invoices alone. */
  entity?: string | undefined;
  rooms: Room[];
}

export interface Gateway {
  id: string;
  site: string;
  room: string;
  name?: string | undefined;
}

/** A node of the power chain as written; what it leaves out is inherited from its parent (chain.ts). */
export interface ChainNode {
  id: string;
  kind: NodeKind;
  parent?: string | undefined;
  site?: string | undefined;
  room?: string | undefined;
  rack?: string | undefined;
  phase?: Phase | undefined;
  feed?: FeedSide | undefined;
  ratedCurrentA?: number | undefined;
  voltageV?: number | undefined;
  name?: string | undefined;
  tags: string[];
}

/** A metering point: a reading source (gateway, device, channel) bound to a chain node. */
export interface Point {
  id?: string | undefined;
  node: string;
  gateway: string;
  device: string;
  channel: string;
  infrastructure: boolean;
}

export interface Cage {
  id: string;
  kind: 'cage' | 'suite';
  room: string;
  name?: string | undefined;
}

export interface Rack {
  id: string;
  room: string;
  cage?: string | undefined;
  name?: string | undefined;
  tags: string[];
}

export interface Customer {
  id: string;
  name: string;
  externalRef?: string | undefined;
}

/** The merged inventory of a file and its includes. */
export interface Inventory {
  sites: Site[];
  gateways: Gateway[];
  nodes: ChainNode[];
  points: Point[];
  racks: Rack[];
  cages: Cage[];
  customers: Customer[];
  assignments: Assignment[];
  entities?: Entity[] | undefined;
  accounts?: Account[] | undefined;
  contracts?: Contract[] | undefined;
}
