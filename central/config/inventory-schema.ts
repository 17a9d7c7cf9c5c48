// The inventory: sites, rooms, gateways, the power chain, metering points, racks, cages, customers and who
// holds what when. One schema gives the type, the defaults and the generated reference
// (docs/config-inventory.md, `npm run docs`). References between entries are checked by central/model/build.ts.
import { z } from 'zod';
import { Channel } from '../../protocol/measurements.js';
import { TopicLevel } from '../../protocol/wire.js';
import { isCurrency, isTimeZone } from '../../common/local-time.js';
import { parseTimeSpec } from '../model/time.js';

/** Inventory ids: the characters of an MQTT topic level, unique per kind across all files. */
const Id = TopicLevel;
const Tag = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$/, 'letters, digits, "_", "-", ".", ":", "=" (up to 64)');
const Tags = z.array(Tag).default([]);

export const TimeText = z.string().refine((s) => parseTimeSpec(s) !== undefined,
  'a local date YYYY-MM-DD (the start of that day in the site\'s time zone) or a timestamp with an offset, e.g. 2026-10-15T08:00:00+02:00');

export const NODE_KINDS = ['utility-feed', 'ups', 'busbar', 'panel', 'tap-off', 'branch-circuit', 'pdu', 'pdu-inlet', 'outlet'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
/** Kinds a `feed:` assignment may name: the chain above the rack PDUs. */
export const FEED_KINDS: readonly NodeKind[] = ['utility-feed', 'ups', 'busbar', 'panel', 'tap-off', 'branch-circuit'];
export const PHASES = ['L1', 'L2', 'L3', '3P'] as const;
export type Phase = (typeof PHASES)[number];
export const FEED_SIDES = ['A', 'B'] as const;
export type FeedSide = (typeof FEED_SIDES)[number];

export const Room = z.strictObject({
  id: Id.describe('room id, as in the gateway config (`gateway.room`); unique across all sites'),
  name: z.string().optional(),
});

export const Site = z.strictObject({
  id: Id.describe('site id: the {site} level of joulebook/v1/{site}/{gateway}/... topics'),
  name: z.string().min(1),
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Amsterdam)')
    .describe('IANA time zone: billing periods and local dates of this site'),
  currency: z.string().refine(isCurrency, 'not an ISO 4217 currency code (e.g. EUR)').describe('ISO 4217 code of the invoices of this site'),
  rooms: z.array(Room).default([]),
});
export type Site = z.infer<typeof Site>;

export const Gateway = z.strictObject({
  id: Id.describe('gateway id: the {gateway} topic level (`gateway.id` of its config)'),
  site: Id,
  room: Id.describe('a room of that site'),
  name: z.string().optional(),
});
export type Gateway = z.infer<typeof Gateway>;

export const ChainNode = z.strictObject({
  id: Id,
  kind: z.enum(NODE_KINDS),
  parent: Id.optional().describe('the node that feeds this one; none for the top of a chain'),
  site: Id.optional().describe('needed on a top node without room or rack; inherited down the chain'),
  room: Id.optional().describe('defaults to the rack\'s room, then the parent\'s'),
  rack: Id.optional().describe('the rack it is mounted in (PDUs); inherited by its inlets and outlets'),
  phase: z.enum(PHASES).optional().describe('L1, L2, L3 or 3P (three-phase); defaults to the parent\'s, 3P at the top. A child of a single-phase node is on that phase'),
  feed: z.enum(FEED_SIDES).optional().describe('A/B feed side; inherited; a child cannot be on the other side'),
  ratedCurrentA: z.number().positive().optional(),
  voltageV: z.number().positive().optional().describe('nominal line-to-neutral voltage'),
  name: z.string().optional(),
  tags: Tags,
});
export type ChainNode = z.infer<typeof ChainNode>;

export const Point = z.strictObject({
  id: z.string().min(1).max(160).optional().describe('stable id of the metering point; defaults to <node>/<channel>'),
  node: Id.describe('the chain node it measures'),
  gateway: Id,
  device: z.string().min(1).max(128).describe('device id in that gateway\'s config (not a serial: a swapped device keeps its point)'),
  channel: Channel.default('total').describe('total, l1..l3, inlet:N, outlet:N, pole:N, phase:N (protocol/measurements.ts)'),
  infrastructure: z.boolean().default(false)
    .describe('measures shared infrastructure (utility, UPS, busbar): not listed for review when nothing assigns it'),
});
export type Point = z.infer<typeof Point>;

export const Cage = z.strictObject({
  id: Id,
  kind: z.enum(['cage', 'suite']).default('cage'),
  room: Id,
  name: z.string().optional(),
});
export type Cage = z.infer<typeof Cage>;

export const Rack = z.strictObject({
  id: Id,
  room: Id,
  cage: Id.optional().describe('the cage or suite it stands in'),
  name: z.string().optional(),
  tags: Tags.describe('free tags for assignment rules'),
});
export type Rack = z.infer<typeof Rack>;

export const Customer = z.strictObject({
  id: Id,
  name: z.string().min(1),
  externalRef: z.string().optional().describe('the customer\'s number in the invoicing system'),
});
export type Customer = z.infer<typeof Customer>;

export const Match = z.strictObject({
  site: Id.optional().describe('racks of this site'),
  cage: Id.optional().describe('racks in this cage'),
  suite: Id.optional().describe('racks in this suite'),
  rackPrefix: z.string().min(1).optional().describe('racks whose id starts with this'),
  tags: z.array(Tag).optional().describe('racks carrying all these tags'),
}).refine((m) => Object.values(m).some((v) => v !== undefined), 'a rule needs at least one condition');

export const TARGET_KEYS = ['outlet', 'pdu', 'rack', 'cage', 'feed', 'match'] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];

export const Assignment = z.strictObject({
  id: Id.describe('the contract line; every version of it carries the same id'),
  version: z.number().int().min(1).default(1).describe('1, 2, ...: a later version replaces the earlier ones from its `from` on'),
  customer: Id,
  outlet: Id.optional().describe('target (exactly one of outlet, pdu, rack, cage, feed, match): an outlet node'),
  pdu: Id.optional().describe('target: a pdu node and everything below it'),
  rack: Id.optional().describe('target: a rack, every point mounted in it'),
  cage: Id.optional().describe('target: a cage or suite, every rack in it'),
  feed: Id.optional().describe('target: a node above the PDUs (utility feed .. branch circuit) and everything below it'),
  match: Match.optional().describe('target: a rule; racks matching all conditions, now and when added later'),
  from: TimeText.describe('start, inclusive: local date in the target\'s site zone, or timestamp with offset'),
  to: TimeText.optional().describe('end, exclusive; open if absent'),
  note: z.string().optional().describe('why this version exists (contract, ticket)'),
}).superRefine((a, ctx) => {
  const given = TARGET_KEYS.filter((k) => a[k] !== undefined);
  if (given.length !== 1) ctx.addIssue({ code: 'custom', message: `exactly one target of ${TARGET_KEYS.join(', ')} (given: ${given.join(', ') || 'none'})` });
});
export type Assignment = z.infer<typeof Assignment>;

export const INVENTORY_LISTS = ['sites', 'gateways', 'nodes', 'points', 'racks', 'cages', 'customers', 'assignments'] as const;
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
});
export type InventoryFile = z.infer<typeof InventoryFile>;

/** The merged inventory of a file and its includes. */
export type Inventory = Omit<InventoryFile, 'include'>;
