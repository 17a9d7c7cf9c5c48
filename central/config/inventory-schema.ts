// The inventory file: sites, rooms, gateways, the power chain, metering points, racks, cages, customers and
// who holds what when. One schema gives the defaults and the generated reference (docs/config-inventory.md,
// `npm run docs`); what it parses into is the model's input (model/inventory-types.ts; assignments are the
// model's own schema, model/assignment-schema.ts). References between entries are checked by central/model/build.ts.
import { z } from 'zod';
import { Channel } from '../../protocol/measurements.js';
import { isCurrency, isTimeZone } from '../../common/local-time.js';
import { Assignment, Id, Tag } from '../model/assignment-schema.js';
import { Account, Contract, Entity } from '../model/contracts/schema.js';
import {
  FEED_SIDES,
  NODE_KINDS,
  PHASES,
  type Cage as CageEntry,
  type ChainNode as ChainNodeEntry,
  type Customer as CustomerEntry,
  type Gateway as GatewayEntry,
  type Point as PointEntry,
  type Rack as RackEntry,
  type Room as RoomEntry,
  type Site as SiteEntry,
} from '../model/inventory-types.js';

const Tags = z.array(Tag).default([]);

// Each entry's schema `satisfies` the model's type of it: a file parses into what the model reads, and the
// two cannot drift apart without a compile error.

export const Room = z.strictObject({
  id: Id.describe('room id, as in the gateway config (`gateway.room`); unique across all sites'),
  name: z.string().optional(),
}) satisfies z.ZodType<RoomEntry>;

export const Site = z.strictObject({
  id: Id.describe('site id: the {site} level of joulebook/v1/{site}/{gateway}/... topics'),
  name: z.string().min(1),
  timeZone: z
    .string()
    .refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Amsterdam)')
    .describe('IANA time zone: billing periods and local dates of this site'),
  currency: z
    .string()
    .refine(isCurrency, 'not an ISO 4217 currency code (e.g. EUR)')
    .describe('ISO 4217 code of the invoices of this site'),
  entity: Id.optional().describe('the issuing entity that invoices this site (`entities:`); absent: the site invoices alone'),
  rooms: z.array(Room).default([]),
}) satisfies z.ZodType<SiteEntry>;

export const Gateway = z.strictObject({
  id: Id.describe('gateway id: the {gateway} topic level (`gateway.id` of its config)'),
  site: Id,
  room: Id.describe('a room of that site'),
  name: z.string().optional(),
}) satisfies z.ZodType<GatewayEntry>;

export const ChainNode = z.strictObject({
  id: Id,
  kind: z.enum(NODE_KINDS),
  parent: Id.optional().describe('the node that feeds this one; none for the top of a chain'),
  site: Id.optional().describe('needed on a top node without room or rack; inherited down the chain'),
  room: Id.optional().describe("defaults to the rack's room, then the parent's"),
  rack: Id.optional().describe('the rack it is mounted in (PDUs); inherited by its inlets and outlets'),
  phase: z
    .enum(PHASES)
    .optional()
    .describe("L1, L2, L3 or 3P (three-phase); defaults to the parent's, 3P at the top. A child of a single-phase node is on that phase"),
  feed: z.enum(FEED_SIDES).optional().describe('A/B feed side; inherited; a child cannot be on the other side'),
  ratedCurrentA: z.number().positive().optional(),
  voltageV: z.number().positive().optional().describe('nominal line-to-neutral voltage'),
  name: z.string().optional(),
  tags: Tags,
}) satisfies z.ZodType<ChainNodeEntry>;

export const Point = z.strictObject({
  id: z.string().min(1).max(160).optional().describe('stable id of the metering point; defaults to <node>/<channel>'),
  node: Id.describe('the chain node it measures'),
  gateway: Id,
  device: z.string().min(1).max(128).describe("device id in that gateway's config (not a serial: a swapped device keeps its point)"),
  channel: Channel.default('total').describe('total, l1..l3, inlet:N, outlet:N, pole:N, phase:N (protocol/measurements.ts)'),
  infrastructure: z
    .boolean()
    .default(false)
    .describe('measures shared infrastructure (utility, UPS, busbar): not listed for review when nothing assigns it'),
}) satisfies z.ZodType<PointEntry>;

export const Cage = z.strictObject({
  id: Id,
  kind: z.enum(['cage', 'suite']).default('cage'),
  room: Id,
  name: z.string().optional(),
}) satisfies z.ZodType<CageEntry>;

export const Rack = z.strictObject({
  id: Id,
  room: Id,
  cage: Id.optional().describe('the cage or suite it stands in'),
  name: z.string().optional(),
  tags: Tags.describe('free tags for assignment rules'),
}) satisfies z.ZodType<RackEntry>;

export const Customer = z.strictObject({
  id: Id,
  name: z.string().min(1),
  externalRef: z.string().optional().describe("the customer's number in the invoicing system"),
}) satisfies z.ZodType<CustomerEntry>;

export const INVENTORY_LISTS = [
  'sites',
  'gateways',
  'nodes',
  'points',
  'racks',
  'cages',
  'customers',
  'assignments',
  'entities',
  'accounts',
  'contracts',
] as const;
export type InventoryList = (typeof INVENTORY_LISTS)[number];

export const InventoryFile = z.strictObject({
  include: z.array(z.string().min(1)).default([]).describe('further inventory files (relative to this one); their lists are appended'),
  sites: z.array(Site).default([]),
  gateways: z.array(Gateway).default([]),
  nodes: z.array(ChainNode).default([]).describe('the power chain, each node naming its parent'),
  points: z.array(Point).default([]).describe('metering points: a reading source bound to a chain node'),
  racks: z.array(Rack).default([]),
  cages: z.array(Cage).default([]).describe('cages and suites'),
  customers: z.array(Customer).default([]),
  assignments: z.array(Assignment).default([]).describe('who holds what when; never edited, only superseded by a new version'),
  entities: z.array(Entity).default([]).describe("the colocator's companies that issue invoices (a site names its own with `entity:`)"),
  accounts: z.array(Account).default([]).describe('billing accounts: the legal customers invoices go to'),
  contracts: z.array(Contract).default([]).describe('customer contracts, versioned; a customer without one pays its site price list'),
});
export type InventoryFile = z.infer<typeof InventoryFile>;
