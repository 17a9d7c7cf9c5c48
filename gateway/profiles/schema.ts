// The schema of a Modbus device profile: one YAML file per meter model in config/profiles/.
// Device knowledge lives in those files; this schema only says what a profile may state.
import { z } from 'zod';
import { Channel, Measurement } from '../../protocol/measurements.js';

export const VALUE_TYPES = ['u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f32', 'f64', 'string'] as const;
export const ValueType = z.enum(VALUE_TYPES);
export type ValueType = z.infer<typeof ValueType>;

/** Registers a value of a fixed-size type occupies; strings say their length with `words`. */
export const TYPE_WORDS: Record<Exclude<ValueType, 'string'>, number> = {
  u16: 1,
  i16: 1,
  u32: 2,
  i32: 2,
  u64: 4,
  i64: 4,
  f32: 2,
  f64: 4,
};

export const RegisterFunction = z.enum(['holding', 'input']).describe('holding = FC03, input = FC04');
export type RegisterFunction = z.infer<typeof RegisterFunction>;

const Address = z.number().int().min(0).max(0xffff).describe('0-based protocol address (the number on the wire)');
const SourceRef = z.string().min(1).describe('key into the profile `sources` naming the datasheet or reference');
const HexRaw = z.string().regex(/^(0x)?[0-9a-fA-F]+$/, 'hex digits of the raw registers, e.g. "FFFFFFFF"');

/** Where and how one value sits in the register map. */
const Location = z.strictObject({
  function: RegisterFunction.optional(),
  address: Address,
  type: ValueType.optional(),
  words: z.number().int().min(1).max(64).optional().describe('register count, strings only'),
  wordOrder: z.enum(['big', 'little']).optional().describe('big = most significant word first; little = LSW first'),
  byteOrder: z.enum(['big', 'little']).optional().describe('byte order inside each 16-bit register'),
});

export const CounterSpec = z.strictObject({
  bits: z
    .number()
    .int()
    .refine((b) => [16, 32, 64].includes(b), 'bits must be 16, 32 or 64')
    .describe('width of the counter register; an integer counter rolls over at 2^bits raw units (2^(bits-1) if signed)'),
  resolutionKwh: z.number().positive().describe('smallest step of the counter in kWh (for floats: at 10^5 kWh)'),
  signed: z
    .boolean()
    .optional()
    .describe('SNMP: the object is a signed Integer32, so it wraps at 2^31 (Modbus takes this from the register type)'),
});

export const Field = Location.extend({
  measurement: Measurement,
  channel: Channel.default('total'),
  scale: z.number().default(1).describe('value = raw * scale + offset, giving the unit of the measurement name'),
  offset: z.number().default(0),
  notAvailable: z.array(HexRaw).default([]).describe('raw register contents that mean "no value"'),
  transform: z.enum(['pf_4quadrant']).optional().describe('pf_4quadrant: Schneider 4Q power factor encoding'),
  counter: CounterSpec.optional().describe('required for energy_* measurements'),
  source: SourceRef,
});
export type Field = z.infer<typeof Field>;

export const Probe = Location.extend({
  equals: z.union([z.string(), z.number()]).optional().describe('the value must be exactly this (strings: trimmed)'),
  oneOf: z.array(z.number()).optional().describe('the value must be one of these'),
  range: z.tuple([z.number(), z.number()]).optional().describe('the value must lie in [min, max]'),
  source: SourceRef,
});
export type Probe = z.infer<typeof Probe>;

export const SerialLocation = Location.extend({ source: SourceRef });
export type SerialLocation = z.infer<typeof SerialLocation>;

export const ModbusProfile = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  manufacturer: z.string().min(1),
  model: z.string().min(1),
  description: z.string().optional(),
  sources: z.record(z.string(), z.string().min(1)).describe('reference key -> datasheet, manual or public source'),
  modbus: z.strictObject({
    maxRegistersPerRequest: z.number().int().min(1).max(125).describe('device limit for one FC03/FC04 read'),
    maxRegistersSource: SourceRef,
    maxGapRegisters: z
      .number()
      .int()
      .min(0)
      .max(125)
      .default(0)
      .describe('unused registers a merged read may span; the device must answer them (often as 0)'),
    defaults: z
      .strictObject({
        function: RegisterFunction.default('holding'),
        type: ValueType.default('u16'),
        wordOrder: z.enum(['big', 'little']).default('big'),
        byteOrder: z.enum(['big', 'little']).default('big'),
      })
      .prefault({}),
    serial: z.array(SerialLocation).default([]).describe('serial-number registers, tried in order; empty when the meter has none'),
    identify: z.array(Probe).min(1).describe('all probes must pass for `scan` to name this profile'),
    identifyPriority: z.number().int().default(0).describe('higher is tried first; specific signatures before structural guesses'),
    fields: z.array(Field).min(1),
  }),
});
export type ModbusProfile = z.infer<typeof ModbusProfile>;
