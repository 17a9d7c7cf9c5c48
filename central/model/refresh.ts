// Keeps a running node's model current with edits other central instances store in the shared database:
// every `everyMs`, ModelHolder.refresh() compares the newest stored edit with the model's and rebuilds
// when they differ (one small query when nothing changed). A store that cannot be read is logged and
// tried again next time; the model in use stays.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import type { ModelHolder } from './holder.js';

export interface ModelRefreshDeps {
  models: Pick<ModelHolder, 'refresh'>;
  everyMs: number;
  clock: Pick<Clock, 'sleep'>;
  log: Logger;
}

export interface ModelRefresh {
  stop(): Promise<void>;
}

export function startModelRefresh(deps: ModelRefreshDeps): ModelRefresh {
  const stopping = new AbortController();
  const stopped = new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
  const loop = (async () => {
    for (;;) {
      await Promise.race([deps.clock.sleep(deps.everyMs, stopping.signal), stopped]);
      if (stopping.signal.aborted) return;
      try {
        if (await deps.models.refresh()) deps.log.info('model rebuilt with edits stored by another instance');
      } catch (err) {
        deps.log.warn({ err }, 'reading the stored edits failed; the model stays, next try in a while');
      }
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
