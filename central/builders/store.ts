// The readings store central.yaml names, opened by the composition root and by the commands that read or
// make the database (central/cli.ts).
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { CentralConfig } from '../config/central-schema.js';
import { storageBackend, type ReadingsOpenOptions, type StorageBackend } from '../storage/backends.js';
import type { CentralStore } from '../storage/readings/types.js';

/**
 * The readings store central.yaml names; the first store a command opens, so the database's checks (an
 * empty or damaged file, `create: never`) and a new database's making happen here. dataDir holds the
 * SQLite file by default: a new one is made 0700.
 */
export async function openStore(
  config: CentralConfig,
  log: Logger,
  opts: ReadingsOpenOptions = {},
  storage: StorageBackend = storageBackend(config.storage),
): Promise<CentralStore> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  return storage.openReadings(log.child({ area: 'storage' }), opts);
}
