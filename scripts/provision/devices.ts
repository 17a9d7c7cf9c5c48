// The devices of a room's gateway.yaml, from what `joulebook gateway scan --json` printed (a bus scan or
// an SNMP scan) or from a room template. Pure: parsed JSON in, the config sections out, with a note for
// everything left out. Names are stable (same scan, same names) so re-provisioning changes nothing.
import { z } from 'zod';
import { ConfigError, type ConfigIssue, issuesFromZod } from '../../common/issues.js';

export interface DeviceSections {
  buses: Record<string, unknown>[];
  devices: Record<string, unknown>[];
  pdus: Record<string, unknown>[];
  notes: string[];
}

const BusScan = z.object({
  bus: z.string(),
  line: z
    .record(z.string(), z.unknown())
    .refine((l) => typeof l.type === 'string', 'the bus settings (type, path or host)')
    .describe('printed by `joulebook gateway scan --json` since it carries the bus settings'),
  hits: z.array(z.object({ unit: z.number().int(), profile: z.string().optional(), serial: z.string().optional() })),
});

const SnmpScan = z.object({
  snmp: z.object({
    port: z.number().int(),
    version: z.enum(['2c', '3']),
    community: z.string().optional(),
    user: z.object({ name: z.string() }).optional(),
  }),
  hits: z.array(z.object({ host: z.string(), port: z.number().int(), profile: z.string().optional() })),
});

const slug = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');

/** Bus ids of the scans in order: rs485-1, rs485-2 for serial lines, tcp-1 ... for TCP endpoints. */
function busId(line: Record<string, unknown>, seen: Map<string, number>): string {
  const kind = line.type === 'rtu' ? 'rs485' : line.type === 'tcp' ? 'tcp' : 'rtu-tcp';
  const n = (seen.get(kind) ?? 0) + 1;
  seen.set(kind, n);
  return `${kind}-${n}`;
}

/** Scan results (parsed JSON, with the file each came from) to buses, meters and PDUs. */
export function fromScans(scans: readonly { file: string; json: unknown }[]): DeviceSections {
  const out: DeviceSections = { buses: [], devices: [], pdus: [], notes: [] };
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  for (const { file, json } of scans) {
    const isSnmp = typeof json === 'object' && json !== null && 'snmp' in json;
    const parsed = (isSnmp ? SnmpScan : BusScan).safeParse(json);
    if (!parsed.success) {
      issues.push(...issuesFromZod(file, parsed.error));
      continue;
    }
    if ('line' in parsed.data) addBus(parsed.data, out, seen);
    else addPdus(file, parsed.data as z.infer<typeof SnmpScan>, out, issues);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}

function addBus(scan: z.infer<typeof BusScan>, out: DeviceSections, seen: Map<string, number>): void {
  const id = busId(scan.line, seen);
  // The scan's own bus id ("scan") is replaced; every other setting is kept as scanned.
  out.buses.push({ ...scan.line, id });
  for (const h of scan.hits) {
    if (!h.profile) {
      out.notes.push(`${id} unit ${h.unit} answered but matches no profile: left out (add a profile, docs/profiles.md)`);
      continue;
    }
    out.devices.push({ id: `${id}-u${h.unit}`, bus: id, unit: h.unit, profile: h.profile });
  }
  if (scan.hits.length === 0) out.notes.push(`${id}: the scan found no meter on this bus`);
}

function addPdus(file: string, scan: z.infer<typeof SnmpScan>, out: DeviceSections, issues: ConfigIssue[]): void {
  if (scan.snmp.version === '3') {
    // The scan output never holds v3 keys, and a gateway.yaml without them would not poll.
    issues.push({
      file,
      path: 'snmp.version',
      message: 'SNMP v3 scans are not provisioned (the keys are not in the scan): add these PDUs to gateway.yaml by hand',
    });
    return;
  }
  for (const h of scan.hits) {
    const at = h.port === 161 ? h.host : `${h.host}:${h.port}`;
    if (!h.profile) {
      out.notes.push(`${at} answered SNMP but matches no PDU profile: left out`);
      continue;
    }
    out.pdus.push({
      id: `pdu-${slug(h.host)}${h.port === 161 ? '' : `-${h.port}`}`,
      host: h.host,
      ...(h.port === 161 ? {} : { port: h.port }),
      profile: h.profile,
      ...(scan.snmp.community && scan.snmp.community !== 'public' ? { community: scan.snmp.community } : {}),
    });
  }
}

const Template = z.strictObject({
  description: z.string().describe('one line shown by `joulebook provision --list-templates`'),
  buses: z.array(z.record(z.string(), z.unknown())).default([]),
  devices: z.array(z.record(z.string(), z.unknown())).default([]),
  snmp: z.strictObject({ pdus: z.array(z.record(z.string(), z.unknown())).default([]) }).prefault({}),
});

/** A room template (config/rooms/<name>.yaml, parsed); its entries are checked with the whole gateway.yaml. */
export function fromTemplate(file: string, value: unknown): DeviceSections & { description: string } {
  const parsed = Template.safeParse(value);
  if (!parsed.success) throw new ConfigError(issuesFromZod(file, parsed.error));
  const t = parsed.data;
  return { description: t.description, buses: t.buses, devices: t.devices, pdus: t.snmp.pdus, notes: [] };
}
