// Table rows of a PDU profile to readings, one device per daisy-chained unit. Pure.
import type { Measurement } from '../../../protocol/measurements.js';
import type { Reading } from '../../../protocol/reading.js';
import { scaled } from '../../../common/scale.js';
import type { SnmpTable } from '../../profiles/snmp-schema.js';
import { snmpNumber, snmpText } from './values.js';

/** Rows as net-snmp's tableColumns gives them: row index ("1" or "1.2.8") -> column number -> value. */
export type TableRows = Record<string, Record<string, unknown>>;

export interface RowProblems {
  badValues: number;
  badRows: number;
}

interface Row {
  unit: number;
  channel: string;
  parts: Record<string, number>;
  cols: Record<string, unknown>;
}

/** Index parts by name, or undefined when the row index does not have the declared shape. */
export function splitIndex(index: string, names: readonly string[]): Record<string, number> | undefined {
  const nums = index.split('.').map(Number);
  if (nums.length !== names.length || nums.some((n) => !Number.isInteger(n))) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, nums[i]!]));
}

/** The daisy-chained unit a row belongs to. */
export function rowUnit(spec: SnmpTable['unit'], parts: Record<string, number>, cols: Record<string, unknown>): number | undefined {
  if ('const' in spec) return spec.const;
  if ('index' in spec) return parts[spec.index];
  const n = snmpNumber(cols[spec.column]);
  return n.ok ? n.value : undefined;
}

function parseRows(t: SnmpTable, rows: TableRows, problems: RowProblems): Row[] {
  const out: Row[] = [];
  for (const [index, cols] of Object.entries(rows)) {
    const parts = splitIndex(index, t.index);
    const unitNo = parts ? rowUnit(t.unit, parts, cols) : undefined;
    const channel = parts ? channelOf(t, parts, cols) : undefined;
    if (!parts || unitNo === undefined || channel === undefined) {
      problems.badRows++;
      continue;
    }
    out.push({ unit: unitNo, channel, parts, cols });
  }
  return out;
}

function channelOf(t: SnmpTable, parts: Record<string, number>, cols: Record<string, unknown>): string | undefined {
  if ('template' in t.channel) {
    let ok = true;
    const name = t.channel.template.replace(/\{([^}]*)\}/g, (_, v: string) => {
      const fromIndex = parts[v];
      if (fromIndex !== undefined) return String(fromIndex);
      const col = t.vars[v];
      const n = col ? snmpNumber(cols[col.column]) : undefined;
      if (n?.ok) return String(n.value);
      ok = false;
      return '';
    });
    return ok ? name : undefined;
  }
  const key = snmpNumber(cols[t.channel.column]);
  return key.ok ? t.channel.map[String(key.value)] : undefined;
}

/** Readings of one table; `digits` gives Raritan's decimal digits by row index. */
export function tableReadings(
  t: SnmpTable,
  rows: TableRows,
  ts: number,
  deviceFor: (unit: number) => string,
  problems: RowProblems,
  digits: TableRows = {},
): Reading[] {
  const byKey = new Map<string, Reading>();
  const put = (row: Row, measurement: Measurement, raw: unknown, scale: number, decimals = 0) => {
    const device = deviceFor(row.unit);
    const key = `${device}|${row.channel}`;
    let r = byKey.get(key);
    if (!r) {
      r = { device, channel: row.channel, ts, values: {}, quality: 'good' };
      byKey.set(key, r);
    }
    const n = snmpNumber(raw);
    if (n.ok && !t.unsupported.includes(n.value)) {
      r.values[measurement] = scaled(n.value, scale / 10 ** decimals);
      return;
    }
    if (!n.ok && n.reason === 'bad_type') problems.badValues++;
    r.flags = { ...r.flags, [measurement]: n.ok ? 'not_available' : n.reason === 'bad_type' ? 'bad_type' : 'not_available' };
    r.quality = 'partial';
  };
  for (const row of parseRows(t, rows, problems)) {
    for (const c of t.columns) put(row, c.measurement, row.cols[c.column], c.scale);
    if (t.bySensor) {
      const s = t.bySensor;
      const spec = s.map[String(row.parts[s.index])];
      if (!spec) continue;
      const index = t.index.map((n) => row.parts[n]).join('.');
      const d = s.decimalDigits ? snmpNumber(digits[index]?.[s.decimalDigits.column]) : { ok: true as const, value: 0 };
      put(row, spec.measurement, row.cols[s.column], spec.scale, d.ok ? d.value : 0);
    }
  }
  return [...byKey.values()];
}

export interface UnitIdentity {
  unit: number;
  serial?: string;
  model?: string;
}

/** Serial and model per unit from the identity table's rows. */
export function identityRows(
  spec: { index: readonly string[]; unit: SnmpTable['unit']; serial: { column?: number }; model?: { column?: number } },
  rows: TableRows,
): UnitIdentity[] {
  const out: UnitIdentity[] = [];
  for (const [index, cols] of Object.entries(rows)) {
    const parts = splitIndex(index, spec.index);
    const unit = parts ? rowUnit(spec.unit, parts, cols) : undefined;
    if (unit === undefined) continue;
    const serial = spec.serial.column !== undefined ? snmpText(cols[spec.serial.column]) : undefined;
    const model = spec.model?.column !== undefined ? snmpText(cols[spec.model.column]) : undefined;
    out.push({ unit, ...(serial ? { serial } : {}), ...(model ? { model } : {}) });
  }
  return out;
}

/** One reading per (device, channel) of a poll, however many tables its values came from. */
export function mergeReadings(readings: readonly Reading[]): Reading[] {
  const byKey = new Map<string, Reading>();
  for (const r of readings) {
    const key = `${r.device}|${r.channel}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...r, values: { ...r.values }, ...(r.flags ? { flags: { ...r.flags } } : {}) });
      continue;
    }
    Object.assign(prev.values, r.values);
    if (r.flags) prev.flags = { ...prev.flags, ...r.flags };
    if (r.quality === 'partial') prev.quality = 'partial';
  }
  return [...byKey.values()];
}
