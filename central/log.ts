// The central node's logger: the one logger of common/log.ts, each line marked as the central node's.
import type { Logger } from 'pino';
import { createLogger } from '../common/log.js';

export function centralLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return createLogger(level, { base: { node: 'central' }, ...(destination ? { destination } : {}) });
}
