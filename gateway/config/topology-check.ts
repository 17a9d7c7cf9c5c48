// The topology's references: every meter and load must be a configured device, every load counted once,
// and (with the profiles loaded) every Modbus channel one its profile reads. Problems as `file: path: message`.
import type { ConfigIssue } from '../../common/issues.js';
import type { Catalogs } from '../profiles/load.js';
import type { GatewayConfig } from './schema.js';
import { PHASE_CHANNEL, PHASES } from './topology.js';

/** The configured device a reading device belongs to: itself, or the PDU of a chained unit `<pdu>.u<N>`. */
export function configuredDevice(cfg: GatewayConfig, device: string): { kind: 'modbus' | 'snmp'; id: string } | undefined {
  if (cfg.devices.some((d) => d.id === device)) return { kind: 'modbus', id: device };
  const pdu = cfg.snmp.pdus.find((p) => p.id === device || new RegExp(`^${escape(p.id)}\\.u[1-9][0-9]*$`).test(device));
  return pdu ? { kind: 'snmp', id: pdu.id } : undefined;
}

export function crossCheckTopology(cfg: GatewayConfig, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const known = () => [...cfg.devices.map((d) => d.id), ...cfg.snmp.pdus.map((p) => p.id)].join(', ') || 'none';
  const circuitIds = new Map<string, number>();
  const loads = new Map<string, string>();
  cfg.topology.circuits.forEach((c, i) => {
    const path = `topology.circuits[${i}]`;
    const prev = circuitIds.get(c.id);
    if (prev !== undefined)
      issues.push({ file, path: `${path}.id`, message: `duplicate circuit id "${c.id}" (also topology.circuits[${prev}])` });
    circuitIds.set(c.id, i);
    if (!configuredDevice(cfg, c.meter))
      issues.push({ file, path: `${path}.meter`, message: `unknown device "${c.meter}" (devices: ${known()})` });
    if (PHASES.every((p) => c.phases[p].length === 0)) issues.push({ file, path: `${path}.phases`, message: 'no loads on any phase' });
    for (const phase of PHASES) {
      c.phases[phase].forEach((l, j) => {
        const at = `${path}.phases.${phase}[${j}]`;
        if (!configuredDevice(cfg, l.device))
          issues.push({ file, path: `${at}.device`, message: `unknown device "${l.device}" (devices: ${known()})` });
        if (l.device === c.meter) issues.push({ file, path: `${at}.device`, message: `"${l.device}" is the circuit's own meter` });
        const key = `${l.device}|${l.channel}`;
        const first = loads.get(key);
        if (first !== undefined)
          issues.push({
            file,
            path: `${at}`,
            message: `${l.device} ${l.channel} is already a load at ${first}: it would be counted twice`,
          });
        else loads.set(key, at);
      });
    }
  });
  return issues;
}

/** With the profiles known: Modbus meters must read power on the channels the topology names. */
export function checkTopologyChannels(cfg: GatewayConfig, file: string, profiles: Catalogs): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const channelsOf = (device: string): Set<string> | undefined => {
    const d = cfg.devices.find((x) => x.id === device);
    const profile = d ? profiles.modbus.get(d.profile) : undefined;
    return profile ? new Set(profile.fields.filter((f) => f.measurement === 'power_w').map((f) => f.channel)) : undefined;
  };
  cfg.topology.circuits.forEach((c, i) => {
    const path = `topology.circuits[${i}]`;
    const meter = channelsOf(c.meter);
    for (const phase of PHASES) {
      if (meter && c.phases[phase].length > 0 && !meter.has(PHASE_CHANNEL[phase])) {
        issues.push({
          file,
          path: `${path}.phases.${phase}`,
          message: `meter ${c.meter} does not read power on phase ${phase} (its profile has channels ${[...meter].join(', ')})`,
        });
      }
      c.phases[phase].forEach((l, j) => {
        const has = channelsOf(l.device);
        if (has && !has.has(l.channel)) {
          issues.push({
            file,
            path: `${path}.phases.${phase}[${j}].channel`,
            message: `${l.device} does not read power on channel ${l.channel} (its profile has ${[...has].join(', ')})`,
          });
        }
      });
    }
  });
  return issues;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
