// Ending an MQTT.js client within a bound: its polite end() waits for the broker to take the DISCONNECT,
// and a frozen broker never does (measured: a central node still waiting 90 s after SIGTERM).
import type { MqttClient } from 'mqtt';

/** Disconnects politely when the broker answers within waitMs, else drops the connection. */
export async function endMqttClient(client: MqttClient, waitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
  });
  const ended = await Promise.race([client.endAsync().then(() => true), late]);
  clearTimeout(timer);
  if (!ended) await client.endAsync(true);
}
