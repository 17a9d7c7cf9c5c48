// Checks of an SNMP profile that the schema cannot make: source references, counters on energy values,
// template variables, table names. The validated profile is used as it is.
import { isCounter } from '../../protocol/measurements.js';
import type { ConfigIssue } from '../../common/issues.js';
import type { SnmpProfile } from './snmp-schema.js';

export type ResolvedSnmpProfile = SnmpProfile;

export function resolveSnmpProfile(p: SnmpProfile, file: string): { profile?: ResolvedSnmpProfile; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ file, path, message });
  const cite = (source: string, path: string) => {
    if (!(source in p.sources)) issue(`${path}.source`, `unknown source "${source}" (sources: ${Object.keys(p.sources).join(', ')})`);
  };
  const counterCheck = (v: { measurement: string; counter?: unknown }, path: string) => {
    if (isCounter(v.measurement as never) && !v.counter)
      issue(`${path}.counter`, `${v.measurement} is an energy counter: declare its bits and resolutionKwh`);
    if (!isCounter(v.measurement as never) && v.counter) issue(`${path}.counter`, 'only energy_* measurements are counters');
  };
  cite(p.snmp.identity.source, 'snmp.identity');
  const names = new Set<string>();
  p.snmp.tables.forEach((t, i) => {
    const path = `snmp.tables[${i}]`;
    cite(t.source, path);
    if (names.has(t.name)) issue(`${path}.name`, `table name "${t.name}" is used twice`);
    names.add(t.name);
    const known = new Set([...t.index, ...Object.keys(t.vars)]);
    if ('index' in t.unit && !t.index.includes(t.unit.index))
      issue(`${path}.unit.index`, `"${t.unit.index}" is not one of the index parts ${t.index.join(', ')}`);
    if ('template' in t.channel) {
      for (const m of t.channel.template.matchAll(/\{([^}]*)\}/g)) {
        if (!known.has(m[1]!))
          issue(`${path}.channel.template`, `unknown variable {${m[1]}} (index parts and vars: ${[...known].join(', ')})`);
      }
    }
    t.columns.forEach((c, j) => {
      cite(c.source, `${path}.columns[${j}]`);
      counterCheck(c, `${path}.columns[${j}]`);
    });
    if (t.bySensor) {
      if (!t.index.includes(t.bySensor.index)) issue(`${path}.bySensor.index`, `"${t.bySensor.index}" is not one of the index parts`);
      for (const [k, v] of Object.entries(t.bySensor.map)) {
        cite(v.source, `${path}.bySensor.map.${k}`);
        counterCheck(v, `${path}.bySensor.map.${k}`);
      }
    }
    if (t.columns.length === 0 && !t.bySensor) issue(path, 'a table needs columns or bySensor');
  });
  const rt = p.snmp.resetTime;
  if (rt) {
    cite(rt.source, 'snmp.resetTime');
    if (!names.has(rt.table)) issue('snmp.resetTime.table', `no table named "${rt.table}"`);
  }
  return issues.length > 0 ? { issues } : { issues, profile: p };
}
