// The codec and the tier answer as the stores' tiered reads use them (tiered.ts takes them injected).
import { decodeRollupBody } from './codec.js';
import { answerFromRollups } from './tier.js';
import type { TierDeps } from './tiered.js';
import type { RollupIntervalMin } from './types.js';

export const ROLLUP_TIER: Pick<TierDeps, 'decode' | 'answer'> = {
  decode: (row) => decodeRollupBody(row.body, row.seriesId, row.dayMs, row.intervalMin as RollupIntervalMin),
  answer: (days, q, dayStartOf) => answerFromRollups(days, q, dayStartOf),
};
