// Gateways for the ingest benchmark, in a process of their own (as real gateways are elsewhere): MQTT.js
// clients publishing readings messages at QoS 1, each with a window of messages awaiting PUBACK (the
// gateway's mqtt.inFlight). Driven by the parent over IPC: `run` connects, `go` starts, `credit` says how
// many messages the receiver has taken (publishers stay at most maxAhead in front of it, so a broker's
// queue limit never drops one), `end` disconnects. Payloads are written by a template, identical to
// readingsPayload's (checked at start), so the publishers' own cost stays small beside the broker's.
import { deepStrictEqual } from 'node:assert';
import mqtt, { type MqttClient } from 'mqtt';
import { readingsMessage, readingsPayload } from './sample-messages.js';

export interface GatewaySpec {
  clientId: string;
  username?: string;
  password?: string;
  topic: string;
  gateway: string;
}

export type ToGateways =
  | {
      type: 'run';
      url: string;
      gateways: GatewaySpec[];
      messagesPerGateway: number;
      readingsPerMessage: number;
      inFlight: number;
      seqBase: number;
      maxAhead: number;
    }
  | { type: 'go' }
  | { type: 'credit'; received: number }
  | { type: 'end' };

export type FromGateways = { type: 'ready' } | { type: 'published'; messages: number; seconds: number } | { type: 'failed'; error: string };

/** readingsPayload's bytes for the same spec, by string templates instead of JSON.stringify. */
export function payloadWriter(gateway: string, readings: number): (seq: number) => Buffer {
  const sample = readingsMessage({ gateway, seq: 1, readings });
  const heads = sample.readings.map((r) => `{"device":${JSON.stringify(r.device)},"channel":${JSON.stringify(r.channel)},"ts":`);
  const keys = Object.keys(sample.readings[0]!.values);
  return (seq) => {
    const ts0 = 1_780_000_000_000 + seq * 1000;
    const values = `{${keys.map((k, i) => `"${k}":${1000 + i + seq / 1000}`).join(',')}}`;
    const tail = `,"values":${values},"quality":"good"}`;
    let body = `{"v":1,"gateway":${JSON.stringify(gateway)},"boot":"boot-1","seq":${seq},"seqEnd":${seq + readings - 1},"sentAt":${ts0 + readings},"historical":false,"readings":[`;
    for (let i = 0; i < readings; i++) body += `${i === 0 ? '' : ','}${heads[i]!}${ts0 + i}${tail}`;
    return Buffer.from(`${body}]}`);
  };
}

function send(m: FromGateways): void {
  process.send?.(m);
}

let clients: MqttClient[] = [];
let received = 0;
let sent = 0;
let waiting: (() => void)[] = [];
let run: Extract<ToGateways, { type: 'run' }> | undefined;

async function publishAll(r: Extract<ToGateways, { type: 'run' }>): Promise<void> {
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, g) => {
      const spec = r.gateways[g]!;
      const write = payloadWriter(spec.gateway, r.readingsPerMessage);
      let next = 0;
      const lane = async () => {
        for (;;) {
          while (sent - received >= r.maxAhead) await new Promise<void>((resolve) => waiting.push(resolve));
          if (next >= r.messagesPerGateway) return;
          const seq = r.seqBase + next++ * r.readingsPerMessage;
          sent++;
          await c.publishAsync(spec.topic, write(seq), { qos: 1 });
        }
      };
      await Promise.all(Array.from({ length: r.inFlight }, lane));
    }),
  );
  send({ type: 'published', messages: sent, seconds: (performance.now() - t0) / 1000 });
}

process.on('message', (m: ToGateways) => {
  void (async () => {
    try {
      if (m.type === 'run') {
        run = m;
        const probe = { gateway: m.gateways[0]!.gateway, seq: 12345, readings: m.readingsPerMessage };
        deepStrictEqual(payloadWriter(probe.gateway, probe.readings)(probe.seq).toString(), readingsPayload(probe).toString());
        clients = await Promise.all(
          m.gateways.map((g) =>
            mqtt.connectAsync(m.url, {
              clientId: g.clientId,
              clean: true,
              reconnectPeriod: 0,
              protocolVersion: 4,
              ...(g.username ? { username: g.username, password: g.password ?? '' } : {}),
            }),
          ),
        );
        send({ type: 'ready' });
      } else if (m.type === 'go' && run) {
        await publishAll(run);
      } else if (m.type === 'credit') {
        received = m.received;
        // Every lane waiting re-checks; a lane that finds no room waits again.
        const w = waiting;
        waiting = [];
        for (const resolve of w) resolve();
      } else if (m.type === 'end') {
        await Promise.all(clients.map((c) => c.endAsync()));
        process.exit(0);
      }
    } catch (err) {
      send({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
    }
  })();
});
