// Does a probe's answer match what a profile expects? Pure.
import type { ResolvedProbe } from '../../profiles/resolve.js';
import { decodeRaw } from './decode.js';

export function probeMatches(probe: ResolvedProbe, words: readonly number[]): boolean {
  const raw = decodeRaw(words, probe);
  if (typeof raw === 'string') return probe.equals === undefined || raw === String(probe.equals).trim();
  const v = Number(raw);
  if (!Number.isFinite(v)) return false;
  if (probe.equals !== undefined && v !== Number(probe.equals)) return false;
  if (probe.oneOf && !probe.oneOf.includes(v)) return false;
  if (probe.range && (v < probe.range[0] || v > probe.range[1])) return false;
  return true;
}

/** Unit ids from "1-10,20,30-32". */
export function parseUnitList(spec: string): number[] {
  const out = new Set<number>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`"${part}" is not a unit id or range`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > 247 || from > to) throw new Error(`unit range ${part} must lie within 1-247`);
    for (let u = from; u <= to; u++) out.add(u);
  }
  return [...out].sort((a, b) => a - b);
}
