// The gateway's disk: its small state (a boot more on every start, hence the boot id) and the outbox,
// whose sequence numbers continue above the last one the state knew if the outbox file had to be replaced.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import type { GatewayConfig } from '../config/schema.js';
import { Outbox } from '../outbox/outbox.js';
import { StateStore } from '../state/state.js';

export interface StorageDeps {
  config: Pick<GatewayConfig, 'dataDir' | 'outbox'>;
  clock: Clock;
  log: Logger;
}

export interface Storage {
  state: StateStore;
  outbox: Outbox;
  boot: string;
  /** Why the outbox file was unreadable and replaced by a fresh one at this start, if it was. */
  outboxReset?: string;
}

export async function buildStorage({ config, clock, log }: StorageDeps): Promise<Storage> {
  mkdirSync(config.dataDir, { recursive: true });
  const state = await StateStore.open(join(config.dataDir, 'state.json'));
  state.update((s) => {
    s.boots++;
  });
  const boot = `${state.data.boots}-${randomBytes(4).toString('hex')}`;
  const resets: string[] = [];
  const outbox = Outbox.open(
    {
      file: join(config.dataDir, 'outbox.db'),
      maxBytes: config.outbox.maxBytes,
      maxAgeMs: config.outbox.maxAgeDays * 86_400_000,
      seqFloor: state.data.lastSeq,
      maxPendingItems: config.outbox.maxPendingItems,
    },
    clock,
    log.child({ area: 'outbox' }),
    (reason) => resets.push(reason),
  );
  return { state, outbox, boot, ...(resets.length > 0 ? { outboxReset: resets[0]! } : {}) };
}
