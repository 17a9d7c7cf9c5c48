// How a reading is kept: the measurements energy accounting reads most in their own columns, every other
// value in one compact JSON object. Pure.
import type { Measurement } from '../../../protocol/measurements.js';
import type { Reading } from '../../../protocol/reading.js';
import type { SeriesReading } from './types.js';

/** Measurements with their own column; the column name is the measurement name. */
export const PROMOTED = ['energy_import_kwh', 'power_w'] as const satisfies readonly Measurement[];
export type Promoted = (typeof PROMOTED)[number];

export function isPromoted(m: string): m is Promoted {
  return m === 'energy_import_kwh' || m === 'power_w';
}

export interface EncodedReading {
  energyImportKwh: number | null;
  powerW: number | null;
  /** The other values as JSON with short keys (VALUE_CODES), or null when there are none. */
  vals: string | null;
  flags: string | null;
}

/**
 * Short JSON keys for the values kept in `vals`: the names are most of a reading's bytes, and bytes are
 * what an insert costs. Frozen: a code, once used, keeps its meaning; a measurement without a code is
 * stored under its full name.
 */
export const VALUE_CODES: Readonly<Record<string, string>> = {
  energy_export_kwh: 'ee',
  reactive_power_var: 'q',
  apparent_power_va: 's',
  current_a: 'i',
  voltage_v: 'u',
  power_factor: 'pf',
  frequency_hz: 'f',
};
const NAMES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(VALUE_CODES).map(([n, c]) => [c, n]));

/** SQLite JSON path of a measurement inside `vals`. */
export function valuePath(m: string): string {
  return `$.${VALUE_CODES[m] ?? m}`;
}

export class NonFiniteValueError extends Error {
  constructor(readonly measurement: string) {
    super(`value of ${measurement} is not a finite number`);
    this.name = 'NonFiniteValueError';
  }
}

export function encodeReading(r: Pick<Reading, 'values' | 'flags'>): EncodedReading {
  let energyImportKwh: number | null = null;
  let powerW: number | null = null;
  let vals = '';
  const values = r.values as Record<string, number>;
  for (const k in values) {
    const v = values[k]!;
    if (!Number.isFinite(v)) throw new NonFiniteValueError(k);
    if (k === 'energy_import_kwh') energyImportKwh = v;
    else if (k === 'power_w') powerW = v;
    else {
      const code = VALUE_CODES[k];
      // For a finite number, String() gives the same text as JSON.stringify.
      vals += `${vals === '' ? '{' : ','}${code === undefined ? JSON.stringify(k) : `"${code}"`}:${String(v)}`;
    }
  }
  return { energyImportKwh, powerW, vals: vals === '' ? null : `${vals}}`, flags: r.flags ? JSON.stringify(r.flags) : null };
}

/**
 * `quality` as stored: a good reading (nearly all of them) as the empty string, which costs no byte of
 * content in either store (SQLite: a zero-length text; PostgreSQL: a one-byte header), against four for
 * 'good'. Rows stored before keep 'good', which reads the same.
 */
export function storedQuality(q: SeriesReading['quality']): string {
  return q === 'good' ? '' : q;
}

export function qualityOf(stored: string): SeriesReading['quality'] {
  return (stored === '' ? 'good' : stored) as SeriesReading['quality'];
}

/** A row as both stores return it (column names as in the schema). */
export interface ReadingRowOut {
  ts: number;
  energy_import_kwh: number | null;
  power_w: number | null;
  vals: string | null;
  flags: string | null;
  quality: string;
}

export function decodeReading(row: ReadingRowOut): SeriesReading {
  const values: Record<string, number> = {};
  if (row.vals !== null) {
    const coded = JSON.parse(row.vals) as Record<string, number>;
    for (const k in coded) values[NAMES[k] ?? k] = coded[k]!;
  }
  if (row.energy_import_kwh !== null) values.energy_import_kwh = row.energy_import_kwh;
  if (row.power_w !== null) values.power_w = row.power_w;
  const out: SeriesReading = { ts: row.ts, values: values as SeriesReading['values'], quality: qualityOf(row.quality) };
  if (row.flags !== null) out.flags = JSON.parse(row.flags) as SeriesReading['flags'];
  return out;
}
