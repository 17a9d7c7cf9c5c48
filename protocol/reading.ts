// A reading: the values one request fetched for one channel of one device, stamped at the request.
// (device, channel, ts) is its identity, so a receiver can drop duplicates.
import { z } from 'zod';
import { Channel, Measurement } from './measurements.js';

/** not_available/unreadable/bad_type: no value; suspect: a value the counter checks doubt (kept, flagged). */
export const ValueFlag = z.enum(['not_available', 'unreadable', 'bad_type', 'suspect']);

export const Reading = z.strictObject({
  device: z.string().min(1),
  channel: Channel,
  /** Epoch milliseconds when the request that fetched these values was sent. */
  ts: z.number().int().nonnegative(),
  values: z.partialRecord(Measurement, z.number()),
  /** Values the device was asked for but did not give, and why. */
  flags: z.partialRecord(Measurement, ValueFlag).optional(),
  quality: z.enum(['good', 'partial']),
});
export type Reading = z.infer<typeof Reading>;
