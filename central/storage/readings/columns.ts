// A store call's readings as parallel columns, each reading encoded once (encode.ts). Both writers bind
// from them, and they cross to the SQLite writer thread as a dozen arrays instead of thousands of objects
// (a structured clone of the objects cost ~1.2 µs per reading and left them slow to read; columns, ~0.3).
// Pure.
import type { Reading } from '../../../protocol/reading.js';
import { encodeReading, storedQuality } from './encode.js';
import type { SeriesKey } from './types.js';

const SEP = '\u0000';

export interface ReadingColumns {
  length: number;
  /** Index of the store() batch each reading came from. */
  batch: Int32Array;
  /** The reading's series identity (seriesKey). */
  series: string[];
  ts: Float64Array;
  /** NaN where the reading carries no such value (a value itself is always finite: encodeReading). */
  energyImportKwh: Float64Array;
  powerW: Float64Array;
  vals: (string | null)[];
  flags: (string | null)[];
  quality: string[];
}

export interface ReadingsPart {
  site: string;
  gateway: string;
  batch: number;
  readings: readonly Reading[];
}

/**
 * site, gateway, device and channel in one string. Site and gateway come from an MQTT topic and the
 * channel matches a pattern, so none holds a NUL; a device id might, so it is whatever lies between.
 */
export function seriesKey(k: SeriesKey): string {
  return k.site + SEP + k.gateway + SEP + k.device + SEP + k.channel;
}

export function splitSeriesKey(key: string): SeriesKey {
  const parts = key.split(SEP);
  const channel = parts.pop() ?? '';
  const [site = '', gateway = '', ...device] = parts;
  return { site, gateway, device: device.join(SEP), channel };
}

/** NaN (no value) back to null, for a database parameter. */
export function orNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

export function readingColumns(parts: readonly ReadingsPart[]): ReadingColumns {
  const length = parts.reduce((n, p) => n + p.readings.length, 0);
  const c: ReadingColumns = {
    length,
    batch: new Int32Array(length),
    series: new Array<string>(length),
    ts: new Float64Array(length),
    energyImportKwh: new Float64Array(length),
    powerW: new Float64Array(length),
    vals: new Array<string | null>(length),
    flags: new Array<string | null>(length),
    quality: new Array<string>(length),
  };
  let i = 0;
  for (const part of parts) {
    const prefix = part.site + SEP + part.gateway + SEP;
    for (const r of part.readings) {
      const e = encodeReading(r);
      c.batch[i] = part.batch;
      c.series[i] = prefix + r.device + SEP + r.channel;
      c.ts[i] = r.ts;
      c.energyImportKwh[i] = e.energyImportKwh ?? NaN;
      c.powerW[i] = e.powerW ?? NaN;
      c.vals[i] = e.vals;
      c.flags[i] = e.flags;
      c.quality[i] = storedQuality(r.quality);
      i++;
    }
  }
  return c;
}
