// An assignment version as written: who holds which target from when. The inventory files carry them
// (config/inventory-schema.ts embeds this schema) and operators add new versions through the API, which
// the model checks against this same schema before it accepts them (holder.ts).
import { z } from 'zod';
import { TopicLevel } from '../../protocol/wire.js';
import { parseTimeSpec } from './time.js';

/** Inventory ids: the characters of an MQTT topic level, unique per kind across all files. */
export const Id = TopicLevel;
export const Tag = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$/, 'letters, digits, "_", "-", ".", ":", "=" (up to 64)');

export const TimeText = z
  .string()
  .refine(
    (s) => parseTimeSpec(s) !== undefined,
    "a local date YYYY-MM-DD (the start of that day in the site's time zone) or a timestamp with an offset, e.g. 2026-10-15T08:00:00+02:00",
  );

export const Match = z
  .strictObject({
    site: Id.optional().describe('racks of this site'),
    cage: Id.optional().describe('racks in this cage'),
    suite: Id.optional().describe('racks in this suite'),
    rackPrefix: z.string().min(1).optional().describe('racks whose id starts with this'),
    tags: z.array(Tag).optional().describe('racks carrying all these tags'),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), 'a rule needs at least one condition');

export const TARGET_KEYS = ['outlet', 'pdu', 'rack', 'cage', 'feed', 'match'] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];

export const Assignment = z
  .strictObject({
    id: Id.describe('the contract line; every version of it carries the same id'),
    version: z.number().int().min(1).default(1).describe('1, 2, ...: a later version replaces the earlier ones from its `from` on'),
    customer: Id,
    outlet: Id.optional().describe('target (exactly one of outlet, pdu, rack, cage, feed, match): an outlet node'),
    pdu: Id.optional().describe('target: a pdu node and everything below it'),
    rack: Id.optional().describe('target: a rack, every point mounted in it'),
    cage: Id.optional().describe('target: a cage or suite, every rack in it'),
    feed: Id.optional().describe('target: a node above the PDUs (utility feed .. branch circuit) and everything below it'),
    match: Match.optional().describe('target: a rule; racks matching all conditions, now and when added later'),
    from: TimeText.describe("start, inclusive: local date in the target's site zone, or timestamp with offset"),
    to: TimeText.optional().describe('end, exclusive; open if absent'),
    note: z.string().optional().describe('why this version exists (contract, ticket)'),
  })
  .superRefine((a, ctx) => {
    const given = TARGET_KEYS.filter((k) => a[k] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({ code: 'custom', message: `exactly one target of ${TARGET_KEYS.join(', ')} (given: ${given.join(', ') || 'none'})` });
  });
export type Assignment = z.infer<typeof Assignment>;
