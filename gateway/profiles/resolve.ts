// Turns a validated profile into fully specified register locations and checks what zod cannot:
// source references, string lengths, counters on energy fields, overlaps, device read limits.
import { isCounter, type Measurement } from '../../protocol/measurements.js';
import type { ConfigIssue } from '../../common/issues.js';
import { TYPE_WORDS, type Field, type ModbusProfile, type Probe, type RegisterFunction, type ValueType } from './schema.js';

export interface ValueLocation {
  fn: RegisterFunction;
  address: number;
  words: number;
  type: ValueType;
  wordOrder: 'big' | 'little';
  byteOrder: 'big' | 'little';
}

export interface ResolvedField extends ValueLocation {
  key: string;
  measurement: Measurement;
  channel: string;
  scale: number;
  offset: number;
  notAvailable: readonly string[];
  transform?: 'pf_4quadrant';
  counter?: { bits: number; resolutionKwh: number };
}

export interface ResolvedProbe extends ValueLocation {
  equals?: string | number;
  oneOf?: readonly number[];
  range?: readonly [number, number];
}

export interface ResolvedProfile {
  id: string;
  manufacturer: string;
  model: string;
  maxRegistersPerRequest: number;
  maxGapRegisters: number;
  identifyPriority: number;
  serial: readonly ValueLocation[];
  identify: readonly ResolvedProbe[];
  fields: readonly ResolvedField[];
}

type Located = Pick<Field, 'function' | 'address' | 'type' | 'words' | 'wordOrder' | 'byteOrder'> & { source: string };

export function resolveProfile(p: ModbusProfile, file: string): { profile?: ResolvedProfile; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const d = p.modbus.defaults;
  const issue = (path: string, message: string) => issues.push({ file, path, message });

  const locate = (x: Located, path: string): ValueLocation => {
    const type = x.type ?? d.type;
    if (!(x.source in p.sources)) issue(`${path}.source`, `unknown source "${x.source}" (sources: ${Object.keys(p.sources).join(', ')})`);
    let words: number;
    if (type === 'string') {
      if (x.words === undefined) issue(`${path}.words`, 'a string needs its register count in `words`');
      words = x.words ?? 1;
    } else {
      if (x.words !== undefined && x.words !== TYPE_WORDS[type])
        issue(`${path}.words`, `${type} occupies ${TYPE_WORDS[type]} register(s), not ${x.words}`);
      words = TYPE_WORDS[type];
    }
    if (x.address + words > 0x10000) issue(`${path}.address`, 'value runs past register 65535');
    if (words > p.modbus.maxRegistersPerRequest) issue(`${path}.words`, `value needs ${words} registers, more than maxRegistersPerRequest`);
    return {
      fn: x.function ?? d.function,
      address: x.address,
      words,
      type,
      wordOrder: x.wordOrder ?? d.wordOrder,
      byteOrder: x.byteOrder ?? d.byteOrder,
    };
  };

  if (!(p.modbus.maxRegistersSource in p.sources)) issue('modbus.maxRegistersSource', `unknown source "${p.modbus.maxRegistersSource}"`);

  const fields = p.modbus.fields.map((f, i): ResolvedField => {
    const path = `modbus.fields[${i}]`;
    const loc = locate(f, path);
    if (isCounter(f.measurement) && !f.counter)
      issue(`${path}.counter`, `${f.measurement} is an energy counter: declare its bits and resolutionKwh`);
    if (!isCounter(f.measurement) && f.counter) issue(`${path}.counter`, 'only energy_* measurements are counters');
    if (loc.type === 'string') issue(`${path}.type`, 'a measurement must be numeric');
    f.notAvailable.forEach((raw, k) => {
      if (normalizeHex(raw).length !== loc.words * 4)
        issue(`${path}.notAvailable[${k}]`, `"${raw}" has ${normalizeHex(raw).length} hex digits; a ${loc.type} spans ${loc.words * 4}`);
    });
    return {
      ...loc,
      key: `${f.measurement}:${f.channel}`,
      measurement: f.measurement,
      channel: f.channel,
      scale: f.scale,
      offset: f.offset,
      notAvailable: f.notAvailable.map(normalizeHex),
      ...(f.transform ? { transform: f.transform } : {}),
      ...(f.counter ? { counter: f.counter } : {}),
    };
  });

  const seen = new Map<string, number>();
  fields.forEach((f, i) => {
    const prev = seen.get(f.key);
    if (prev !== undefined) issue(`modbus.fields[${i}]`, `${f.measurement} on channel ${f.channel} is already mapped by fields[${prev}]`);
    seen.set(f.key, i);
  });
  checkOverlaps(fields, (i, j) => issue(`modbus.fields[${j}].address`, `registers overlap fields[${i}]`));

  const serial = p.modbus.serial.map((s, i) => locate(s, `modbus.serial[${i}]`));
  const identify = p.modbus.identify.map((pr: Probe, i): ResolvedProbe => ({
    ...locate(pr, `modbus.identify[${i}]`),
    ...(pr.equals !== undefined ? { equals: pr.equals } : {}),
    ...(pr.oneOf ? { oneOf: pr.oneOf } : {}),
    ...(pr.range ? { range: pr.range } : {}),
  }));

  if (issues.length > 0) return { issues };
  return {
    issues,
    profile: {
      id: p.id,
      manufacturer: p.manufacturer,
      model: p.model,
      maxRegistersPerRequest: p.modbus.maxRegistersPerRequest,
      maxGapRegisters: p.modbus.maxGapRegisters,
      identifyPriority: p.modbus.identifyPriority,
      serial,
      identify,
      fields,
    },
  };
}

function checkOverlaps(fields: readonly ResolvedField[], report: (i: number, j: number) => void): void {
  const order = fields.map((f, i) => ({ f, i })).sort((a, b) => (a.f.fn === b.f.fn ? a.f.address - b.f.address : a.f.fn < b.f.fn ? -1 : 1));
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1]!;
    const b = order[k]!;
    if (a.f.fn === b.f.fn && b.f.address < a.f.address + a.f.words) report(a.i, b.i);
  }
}

export function normalizeHex(s: string): string {
  return s.toLowerCase().replace(/^0x/, '');
}
