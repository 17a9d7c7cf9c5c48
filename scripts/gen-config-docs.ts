// Writes the configuration references in docs/ and the wire JSON Schemas in protocol/schemas/ from the zod
// schemas; `--check` fails if any is out of date (CI).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SiteTariff } from '../central/model/tariffs/tariff.js';
import { CentralConfig } from '../central/config/central-schema.js';
import { InventoryFile } from '../central/config/inventory-schema.js';
import { GatewayConfig } from '../gateway/config/schema.js';
import { PACKAGE_ROOT } from '../gateway/paths.js';
import { ModbusProfile } from '../gateway/profiles/schema.js';
import { SnmpProfile } from '../gateway/profiles/snmp-schema.js';
import { z } from 'zod';
import { MESSAGE_SCHEMAS, SCHEMA_VERSION } from '../protocol/wire.js';
import { configReference } from './config-docs.js';
import { layoutTable, scanFolders, withLayout } from './layout.js';

const docs = [
  {
    file: 'docs/config-gateway.md',
    text: configReference(
      'gateway.yaml reference',
      'One file per room gateway (example: `config/gateway.example.yaml`). Every problem in it is reported at once as `file: path: message`, and the gateway does not start until all are fixed. Times are in milliseconds.',
      GatewayConfig,
    ),
  },
  {
    file: 'docs/config-central.md',
    text: configReference(
      'central.yaml reference',
      'One file per central node (example: `config/central.example.yaml`); every problem is reported at once as `file: path: message`. Relative paths are relative to the file, the SQLite file to `dataDir`. `joulebook central -c central.yaml` runs it; docs/deploy.md shows the run modes.',
      CentralConfig,
    ),
  },
  {
    file: 'docs/config-inventory.md',
    text: configReference(
      'Inventory reference (central node)',
      (await readFile(join(PACKAGE_ROOT, 'central/config/inventory-concepts.md'), 'utf8')).trim(),
      InventoryFile,
    ),
  },
  {
    file: 'docs/config-tariffs.md',
    text: configReference(
      'Tariff file reference (central node)',
      [
        'One YAML file per site, as below, or one file with every site: `tariffs:`, a list of entries as below; example: `config/tariffs.example.yaml`.',
        'Dates are local dates of the site; prices are decimals, best written as strings, used exactly as written',
        '(rounding rules: `central/billing/money.ts`).',
        'Every problem of every file is reported at once as `file: path: message (line N)`.',
        "A tariff is the site's price list: customers without a contract pay it, and a contract (the inventory's `contracts:`) changes what it states.",
        '`utilityPrices` holds what the utility charged per kWh each month, entered when its bill arrives:',
        'contracts with `passThrough` price each kWh from it, and a month without its price cannot be invoiced to them.',
        'See docs/invoices.md.',
      ].join(' '),
      SiteTariff,
    ),
  },
  {
    file: 'docs/profile-schema.md',
    text: configReference(
      'Modbus meter profile reference',
      'One YAML file per meter model in `config/profiles/` (see docs/profiles.md for how to write one). Addresses are 0-based protocol addresses; every field cites an entry of `sources`.',
      ModbusProfile,
    ),
  },
  {
    file: 'docs/pdu-profile-schema.md',
    text: configReference(
      'SNMP PDU profile reference',
      'One YAML file per PDU family in `config/profiles/`, with an `snmp:` section (see docs/profiles.md and docs/snmp.md). OIDs are numeric without a leading dot.',
      SnmpProfile,
    ),
  },
];

// One JSON Schema per wire message, for subscribers in other languages (docs/protocol.md).
for (const [kind, schema] of Object.entries(MESSAGE_SCHEMAS)) {
  const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }) as Record<string, unknown>;
  docs.push({
    file: `protocol/schemas/${kind}.schema.json`,
    text: `${JSON.stringify({ $id: `https://joulebook.invalid/schemas/v${SCHEMA_VERSION}/${kind}.schema.json`, title: `Joulebook ${kind} message v${SCHEMA_VERSION}`, ...json }, null, 2)}\n`,
  });
}

// The layout table of docs/development.md, from the tree (scripts/layout.ts).
const layout = layoutTable(scanFolders(PACKAGE_ROOT));
for (const problem of layout.problems) process.stderr.write(`${problem}\n`);
const developmentDoc = await readFile(join(PACKAGE_ROOT, 'docs/development.md'), 'utf8');
const withTable = withLayout(developmentDoc, layout.text);
if (withTable === undefined) process.stderr.write('docs/development.md: the layout markers are missing\n');
docs.push({ file: 'docs/development.md', text: withTable ?? developmentDoc });

const check = process.argv.includes('--check');
let stale = layout.problems.length + (withTable === undefined ? 1 : 0);
for (const d of docs) {
  const path = join(PACKAGE_ROOT, d.file);
  const current = await readFile(path, 'utf8').catch(() => '');
  if (current === d.text) continue;
  if (check) {
    process.stderr.write(`${d.file} is out of date: run npm run docs\n`);
    stale++;
  } else {
    await writeFile(path, d.text);
    process.stdout.write(`wrote ${d.file}\n`);
  }
}
process.exit(stale > 0 ? 1 : 0);
