// Canonical measurement names and channels shared by the gateway, the central node and every subscriber.
// The unit is part of the name, so a value can never be read in the wrong unit.
import { z } from 'zod';

export const MEASUREMENTS = [
  'energy_import_kwh',
  'energy_export_kwh',
  'power_w',
  'reactive_power_var',
  'apparent_power_va',
  'current_a',
  'voltage_v',
  'power_factor',
  'frequency_hz',
] as const;
export const Measurement = z.enum(MEASUREMENTS);
export type Measurement = z.infer<typeof Measurement>;

/** Energy counters are cumulative and checked for resets, rollovers and swaps; everything else is a sample. */
export function isCounter(m: Measurement): boolean {
  return m.startsWith('energy_');
}

/**
 * Where on a device a value is measured. `total` is the whole device (three-phase sum, or the one phase);
 * `l1`..`l3` are phases (line to neutral), `l1l2`.. line-to-line, `n` the neutral conductor;
 * `inlet:N`, `outlet:N`, `pole:N` address PDU parts (1-based, as the vendor numbers them).
 */
export const Channel = z.string().regex(/^(total|l1|l2|l3|n|l1l2|l2l3|l3l1|(inlet|outlet|pole|phase):[1-9][0-9]*)$/, 'not a channel name');
export type Channel = z.infer<typeof Channel>;
