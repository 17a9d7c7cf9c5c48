// The embedded consumer: every gateway publish to the in-process broker goes through the ingest pipeline
// before aedes sends its PUBACK (the broker's publish gate), so a PUBACK means "durably stored".
// Why not broker.subscribe(topic, deliver): for QoS 1 aedes writes the PUBACK first and only then routes
// the message to subscribers (aedes 1.2.0 lib/handlers/publish.js enqueuePublish), so holding deliver's
// callback delays nothing the gateway sees; it only holds one of mqemitter's `concurrency` slots.
import type { GatedPublish, PublishGate } from '../broker/broker.js';
import type { IngestPipeline } from './pipeline.js';

export class NotStoredError extends Error {
  constructor() {
    super('not stored: ingest is stopping; the gateway will resend after reconnecting');
    this.name = 'NotStoredError';
  }
}

export interface EmbeddedIngestDeps {
  pipeline: IngestPipeline;
}

export class EmbeddedIngest implements PublishGate {
  constructor(private readonly deps: EmbeddedIngestDeps) {}

  async admit(p: GatedPublish): Promise<'forward' | 'drop'> {
    const o = await this.deps.pipeline.submit(p.topic, p.payload, { gone: p.gone });
    if (o.status === 'rejected') return 'drop';
    // Abandoned with the client still there means the pipeline stopped: refusing closes the connection
    // without a PUBACK, so the gateway keeps the message and sends it again.
    if (o.status === 'abandoned') throw new NotStoredError();
    return 'forward';
  }

  stop(timeoutMs: number): Promise<void> {
    return this.deps.pipeline.stop(timeoutMs);
  }
}
