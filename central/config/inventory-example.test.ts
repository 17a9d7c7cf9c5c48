import { join } from 'node:path';
import t from 'tap';
import { ConfigError } from '../../protocol/issues.js';
import { readInventory } from './inventory-load.js';

const ROOT = join(import.meta.dirname, '..', '..');

t.test('the example inventory loads', async (t) => {
  try {
    const { model, files } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
    t.equal(files.length, 3);
    t.equal(model.sites.size, 2);
  } catch (err) {
    if (err instanceof ConfigError) t.fail(err.message);
    throw err;
  }
});
