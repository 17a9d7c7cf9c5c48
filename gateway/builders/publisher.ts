// The publisher: the outbox to MQTT, with the retained meta (software version, config hash, and every
// device with the serial and model it reported) and the retained set of active alerts.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import type { AlertBook } from '../checks/alerts.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Outbox } from '../outbox/outbox.js';
import { publisherOptions } from '../publish/options.js';
import { Publisher } from '../publish/publisher.js';
import type { DeviceBook } from '../status/devices.js';

export interface PublisherBuildDeps {
  config: GatewayConfig;
  version: string;
  boot: string;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  alerts: Pick<AlertBook, 'active'>;
  /** Who each device says it is, as polls report it. */
  book: Pick<DeviceBook, 'identities'>;
}

export function buildPublisher({ config, version, boot, outbox, clock, log, alerts, book }: PublisherBuildDeps): Publisher {
  return new Publisher({
    options: publisherOptions(config.mqtt, { site: config.gateway.site, gateway: config.gateway.id, boot }),
    outbox,
    clock,
    log: log.child({ area: 'publish' }),
    meta: () => {
      const identities = book.identities();
      return {
        version,
        site: config.gateway.site,
        room: config.gateway.room,
        configHash: createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16),
        devices: [
          ...config.devices.map((d) => ({ id: d.id, kind: 'modbus' as const, profile: d.profile, ...identities.get(d.id) })),
          ...[...identities]
            .filter(([device]) => !config.devices.some((d) => d.id === device))
            .map(([device, i]) => ({
              id: device,
              kind: 'snmp' as const,
              profile: config.snmp.pdus.find((p) => device === p.id || device.startsWith(`${p.id}.u`))?.profile ?? '',
              ...i,
            })),
        ],
      };
    },
    activeAlerts: () => alerts.active(),
  });
}
