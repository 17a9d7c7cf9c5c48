// The schema of an SNMP PDU profile: one YAML file per PDU family in config/profiles/, with a top-level
// `snmp:` where a meter profile has `modbus:`. OIDs are numeric, without a leading dot.
import { z } from 'zod';
import { Channel, Measurement } from '../../protocol/measurements.js';
import { CounterSpec } from './schema.js';

export const Oid = z.string().regex(/^1(\.(0|[1-9][0-9]*))+$/, 'a numeric OID such as 1.3.6.1.4.1.318');
const SourceRef = z.string().min(1).describe('key into the profile `sources`');
const ColumnNo = z.number().int().min(1);
const IndexName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/);

/** Which daisy-chained unit a row belongs to: a column, one part of the row index, or always the same. */
export const UnitFrom = z.union([
  z.strictObject({ column: ColumnNo }),
  z.strictObject({ index: IndexName }),
  z.strictObject({ const: z.number().int().min(0) }),
]);

/** The channel of a row: a template over index parts and `vars` (`outlet:{outlet}`), or a column's value mapped. */
export const ChannelFrom = z.union([
  z.strictObject({ template: z.string().min(1) }),
  z.strictObject({ column: ColumnNo, map: z.record(z.string(), Channel) }),
]);

export const SnmpValue = z.strictObject({
  measurement: Measurement,
  scale: z.number().default(1).describe('value = raw / 10^decimalDigits * scale, giving the unit of the measurement name'),
  counter: CounterSpec.optional().describe('required for energy_* measurements'),
  source: SourceRef,
});

export const SnmpColumn = SnmpValue.extend({ column: ColumnNo });

export const SnmpTable = z.strictObject({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
  table: Oid.describe('the table OID (its entry is table.1)'),
  index: z.array(IndexName).min(1).describe('names of the row index parts, in order'),
  unit: UnitFrom.default({ const: 1 }),
  channel: ChannelFrom,
  vars: z
    .record(IndexName, z.strictObject({ column: ColumnNo }))
    .default({})
    .describe('template variables read from columns'),
  columns: z.array(SnmpColumn).default([]),
  bySensor: z
    .strictObject({
      index: IndexName.describe('the index part that names the sensor type'),
      column: ColumnNo.describe('the value column'),
      decimalDigits: z
        .strictObject({ table: Oid, column: ColumnNo })
        .optional()
        .describe('a table with the same index giving the decimal digits of each value'),
      map: z.record(z.string().regex(/^\d+$/), SnmpValue),
    })
    .optional()
    .describe('tables with one row per sensor type (Raritan PDU2-MIB)'),
  unsupported: z.array(z.number().int()).default([-1]).describe('raw values meaning "not supported"'),
  source: SourceRef,
});

export const SnmpIdentity = z.strictObject({
  table: Oid.optional().describe('identity table; omit for scalar OIDs'),
  index: z.array(IndexName).min(1).default(['row']),
  unit: UnitFrom.default({ const: 1 }),
  serial: z.union([z.strictObject({ column: ColumnNo }), z.strictObject({ oid: Oid })]),
  model: z.union([z.strictObject({ column: ColumnNo }), z.strictObject({ oid: Oid })]).optional(),
  source: SourceRef,
});

export const SnmpProfile = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  manufacturer: z.string().min(1),
  model: z.string().min(1),
  description: z.string().optional(),
  sources: z.record(z.string(), z.string().min(1)),
  snmp: z.strictObject({
    sysObjectIds: z.array(Oid).default([]).describe('sysObjectID values (or prefixes) of this family'),
    probe: Oid.optional().describe('an OID only this family answers, for agents with an unknown sysObjectID'),
    primaryUnit: z.number().int().min(0).default(1).describe('the unit number of a PDU that is not daisy-chained'),
    identity: SnmpIdentity,
    resetTime: z
      .strictObject({ table: z.string(), column: ColumnNo, source: SourceRef })
      .optional()
      .describe("the vendor's energy-reset time, a column of one of the tables (by table name)"),
    tables: z.array(SnmpTable).min(1),
  }),
});
export type SnmpProfile = z.infer<typeof SnmpProfile>;
export type SnmpTable = z.infer<typeof SnmpTable>;
