// The bundle's gateway.yaml. Provisioning owns the identity, the data folder and the broker connection;
// everything else (devices, topology, checks, intervals an installer tuned) comes from the previous
// gateway.yaml of the bundle when there is one, so re-provisioning keeps hand edits. Pure.
import { stringify } from 'yaml';
import type { DeviceSections } from './devices.js';

/** Where things live on the gateway's card; gateway.yaml names its neighbours relative to itself. */
export const ON_DEVICE = {
  configDir: '/etc/joulebook',
  config: '/etc/joulebook/gateway.yaml',
  dataDir: '/var/lib/joulebook',
  unit: '/etc/systemd/system/joulebook-gateway.service',
  unitName: 'joulebook-gateway.service',
} as const;

export const FILES = {
  config: 'gateway.yaml',
  password: 'mqtt-password',
  ca: 'ca.crt',
  unit: ON_DEVICE.unitName,
  userData: 'user-data',
  metaData: 'meta-data',
} as const;

export interface GatewayIdentity {
  site: string;
  room: string;
  gateway: string;
}

export interface BrokerLink {
  url: string;
  username: string;
  /** The bundle carries the CA that signed the broker's certificate. */
  tls: boolean;
}

export interface GatewayYamlInput {
  id: GatewayIdentity;
  broker: BrokerLink;
  dataDir: string;
  /** Devices from a scan or a template; absent: keep those of `previous`. */
  devices?: DeviceSections;
  /** The bundle's gateway.yaml as it was (plain parsed YAML), if any. */
  previous?: Record<string, unknown>;
}

export function gatewayYaml(i: GatewayYamlInput): string {
  const prev = i.previous ?? {};
  const prevMqtt = (typeof prev.mqtt === 'object' && prev.mqtt !== null ? prev.mqtt : {}) as Record<string, unknown>;
  // Tuning of the connection an installer added stays; what provisioning owns is replaced.
  const owned = new Set(['url', 'username', 'password', 'passwordFile', 'tls']);
  const mqttTuning = Object.fromEntries(Object.entries(prevMqtt).filter(([k]) => !owned.has(k)));
  const prevSnmp = (typeof prev.snmp === 'object' && prev.snmp !== null ? prev.snmp : {}) as Record<string, unknown>;
  const doc: Record<string, unknown> = {
    ...prev,
    gateway: { id: i.id.gateway, site: i.id.site, room: i.id.room },
    dataDir: i.dataDir,
    mqtt: {
      url: i.broker.url,
      username: i.broker.username,
      passwordFile: FILES.password,
      ...(i.broker.tls ? { tls: { ca: FILES.ca } } : {}),
      ...mqttTuning,
    },
    ...(i.devices
      ? {
          buses: i.devices.buses,
          devices: i.devices.devices,
          snmp: { ...prevSnmp, pdus: i.devices.pdus },
        }
      : {}),
  };
  const ordered = orderKeys(doc, [
    'gateway',
    'dataDir',
    'log',
    'mqtt',
    'outbox',
    'profiles',
    'buses',
    'devices',
    'snmp',
    'topology',
    'checks',
  ]);
  return [
    `# Gateway ${i.id.gateway}: site ${i.id.site}, room ${i.id.room}. Written by \`joulebook provision\`; the gateway,`,
    '# dataDir and mqtt connection are rewritten on every provisioning, everything else is kept as edited.',
    `# Reference: docs/config-gateway.md. Before leaving the room: joulebook gateway check -c ${ON_DEVICE.config}`,
    stringify(ordered, { lineWidth: 0, flowCollectionPadding: true }).trimEnd(),
    '',
  ].join('\n');
}

function orderKeys(o: Record<string, unknown>, first: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of first) if (k in o) out[k] = o[k];
  for (const [k, v] of Object.entries(o)) if (!(k in out)) out[k] = v;
  return out;
}
