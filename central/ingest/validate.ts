// One MQTT message to an IngestBatch, or the reason it is refused. Pure: topic, size, JSON, schema, and
// that the payload speaks for the gateway (and site) its topic names.
import type { z } from 'zod';
import { MAX_PAYLOAD_BYTES, MESSAGE_SCHEMAS, parseTopic } from '../../protocol/wire.js';
import type { IngestBatch, ValidatedMessage } from './batch.js';
import type { MessageChecks } from './message-checks.js';

export const REJECT_REASONS = ['foreign_topic', 'too_large', 'bad_json', 'schema', 'gateway_mismatch', 'site_mismatch'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type Validation =
  { ok: true; batch: IngestBatch; readings: number } | { ok: false; reason: RejectReason; detail: string; gateway?: string };

const DETAIL_CHARS = 200;
const clip = (s: string) => (s.length > DETAIL_CHARS ? `${s.slice(0, DETAIL_CHARS)}…` : s);

/**
 * With `checks` (compiled validators), a message they accept is taken as JSON.parse gave it (the schemas
 * have no defaults or transforms, so zod's output would be the same); one they refuse goes through zod,
 * whose verdict and error text decide.
 */
export function validateMessage(
  topic: string,
  payload: Uint8Array,
  receivedAt: number,
  maxPayloadBytes = MAX_PAYLOAD_BYTES,
  checks?: MessageChecks,
): Validation {
  const where = parseTopic(topic);
  if (!where) return { ok: false, reason: 'foreign_topic', detail: clip(topic) };
  const gateway = where.gateway;
  if (payload.byteLength > maxPayloadBytes)
    return { ok: false, reason: 'too_large', detail: `${payload.byteLength} bytes > ${maxPayloadBytes}`, gateway };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'bad_json', detail: clip((err as Error).message), gateway };
  }
  let message: z.output<(typeof MESSAGE_SCHEMAS)[typeof where.kind]>;
  if (checks?.[where.kind](json)) message = json as typeof message;
  else {
    const parsed = MESSAGE_SCHEMAS[where.kind].safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return {
        ok: false,
        reason: 'schema',
        detail: clip(first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'),
        gateway,
      };
    }
    message = parsed.data;
  }
  if (message.gateway !== gateway)
    return {
      ok: false,
      reason: 'gateway_mismatch',
      detail: clip(`payload gateway "${message.gateway}" on topic of "${gateway}"`),
      gateway,
    };
  if ('site' in message && message.site !== where.site)
    return { ok: false, reason: 'site_mismatch', detail: clip(`payload site "${message.site}" on topic of site "${where.site}"`), gateway };
  const validated = { kind: where.kind, message } as ValidatedMessage;
  const readings = validated.kind === 'readings' ? validated.message.readings.length : 0;
  return { ok: true, batch: { ...validated, site: where.site, gateway, receivedAt }, readings };
}
