// Publisher options from the `mqtt` section of gateway.yaml (its defaults included), TLS files read here.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { Mqtt } from '../config/schema.js';
import type { PublisherOptions } from './publisher.js';

type MqttConfig = z.infer<typeof Mqtt>;

export function publisherOptions(m: MqttConfig, ids: { site: string; gateway: string; boot: string }): PublisherOptions {
  const file = (f?: string) => (f ? readFileSync(f) : undefined);
  return {
    url: m.url,
    clientId: m.clientId ?? `joulebook-${ids.gateway}`,
    ...ids,
    ...(m.username ? { username: m.username } : {}),
    ...(m.password ? { password: m.password } : {}),
    ...(m.tls
      ? {
          tls: {
            ...(m.tls.ca ? { ca: file(m.tls.ca)! } : {}),
            ...(m.tls.cert ? { cert: file(m.tls.cert)! } : {}),
            ...(m.tls.key ? { key: file(m.tls.key)! } : {}),
          },
        }
      : {}),
    inFlight: m.inFlight,
    maxPayloadBytes: m.maxPayloadBytes,
    replayReadingsPerS: m.replayReadingsPerS,
    keepaliveS: m.keepaliveS,
    reconnectMinMs: m.reconnectMinMs,
    reconnectMaxMs: m.reconnectMaxMs,
    statusIntervalMs: m.statusIntervalMs,
  };
}
