// The indexed inventory model: what energy accounting, billing and the API read. Built once from a
// validated inventory by build.ts; immutable. All instants are epoch ms, intervals [fromMs, toMs).
import type { FeedSide, NodeKind, Phase } from './inventory-types.js';
import type { IntervalMs } from './time.js';
import type { Parties } from './contracts/types.js';

export type { FeedSide, NodeKind, Phase } from './inventory-types.js';
export type { IntervalMs } from './time.js';

/** A problem found while building, at a path in the merged inventory (`['racks', 3, 'room']`). */
export interface ModelProblem {
  path: readonly (string | number)[];
  message: string;
}

export interface SiteInfo {
  id: string;
  name: string;
  timeZone: string;
  currency: string;
  rooms: readonly string[];
}
export interface RoomInfo {
  id: string;
  site: string;
  name?: string;
}
export interface GatewayInfo {
  id: string;
  site: string;
  room: string;
  name?: string;
}
export interface RackInfo {
  id: string;
  site: string;
  room: string;
  cage?: string;
  name?: string;
  tags: readonly string[];
}
export interface CageInfo {
  id: string;
  kind: 'cage' | 'suite';
  site: string;
  room: string;
  name?: string;
}
export interface CustomerInfo {
  id: string;
  name: string;
  externalRef?: string;
}

/** A node of the power chain with what it inherits from above resolved. */
export interface NodeInfo {
  id: string;
  kind: NodeKind;
  parent?: string;
  children: readonly string[];
  site: string;
  room?: string;
  rack?: string;
  phase: Phase;
  feed?: FeedSide;
  /** 0 at the top of the chain. */
  depth: number;
  ratedCurrentA?: number;
  voltageV?: number;
  name?: string;
  tags: readonly string[];
}

/**
 * What part of its node a point measures: `whole` (total, inlet:N, outlet:N, pole:N, or any channel of a
 * single-phase node), `phase` (l1..l3 or phase:1..3 of a three-phase node), `aux` (n, l1l2.., no energy).
 */
export type ChannelScope = 'whole' | 'phase' | 'aux';

export interface PointInfo {
  id: string;
  node: string;
  gateway: string;
  device: string;
  channel: string;
  site: string;
  room?: string;
  rack?: string;
  cage?: string;
  /** L1..L3 when the point is on one phase, 3P when it measures all three. */
  phase: Phase;
  feed?: FeedSide;
  scope: ChannelScope;
  /** A house meter: never listed as unassigned. */
  infrastructure: boolean;
  /** Chain node ids from the point's node up to the top of its chain. */
  path: readonly string[];
}

/** How an assignment reaches a point, most specific first; `rule` is a tag rule (`match:`). */
export type HoldLevel = 'outlet' | 'pdu' | 'rack' | 'cage' | 'feed' | 'rule';

/** One version of an assignment as written, with its instants resolved and its supersession applied. */
export interface AssignmentVersion {
  id: string;
  version: number;
  customer: string;
  level: HoldLevel;
  /** `rack:r12`, `outlet:pdu-a.o3`, `match:{"cage":"c7"}`: for messages and traces. */
  target: string;
  site?: string;
  fromMs: number;
  toMs: number;
  /** Where this version applies after later versions took over; undefined if wholly superseded. */
  effective?: IntervalMs;
  note?: string;
}

/** A candidate holder of one point: an assignment version's effective interval with its precedence. */
export interface Holding {
  assignment: string;
  version: number;
  customer: string;
  level: HoldLevel;
  /** Smaller wins; see docs/config-inventory.md (precedence). */
  rank: number;
  fromMs: number;
  toMs: number;
}

/** An interval during which a holder holds a point; toMs undefined: still held. */
export interface HeldSpan {
  fromMs: number;
  toMs?: number;
}

/** Over [fromMs, toMs) the point belongs to this customer through this assignment version. */
export interface HolderSegment {
  fromMs: number;
  toMs: number;
  customer: string;
  assignment: string;
  version: number;
  level: HoldLevel;
}

export interface InventoryModel {
  /** Issuing entities, billing accounts and contracts, with what is implied filled in. */
  parties: Parties;
  sites: ReadonlyMap<string, SiteInfo>;
  rooms: ReadonlyMap<string, RoomInfo>;
  gateways: ReadonlyMap<string, GatewayInfo>;
  nodes: ReadonlyMap<string, NodeInfo>;
  racks: ReadonlyMap<string, RackInfo>;
  cages: ReadonlyMap<string, CageInfo>;
  customers: ReadonlyMap<string, CustomerInfo>;
  points: ReadonlyMap<string, PointInfo>;
  assignments: readonly AssignmentVersion[];
  /** `gateway \n device \n channel` to point id. */
  bySource: ReadonlyMap<string, string>;
  /** Point id to its candidate holders, best rank first. */
  holdings: ReadonlyMap<string, readonly Holding[]>;
  /** Chain node id to the ids of the points bound to it. */
  pointsByNode: ReadonlyMap<string, readonly string[]>;
  /** Customer id to the points any of its assignments can reach. */
  pointsByCustomer: ReadonlyMap<string, readonly string[]>;
}

export function sourceKey(gateway: string, device: string, channel: string): string {
  return `${gateway}\n${device}\n${channel}`;
}
