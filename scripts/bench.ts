// One runner for every benchmark: `npm run bench -- <name> [--json]`.
// With --json the last line on stdout is one JSON object with the figures.
import { apiBench } from './benches/api.js';
import { ingestBench } from './benches/ingest.js';
import { invoiceBench } from './benches/invoice.js';
import { lifecycleBench } from './benches/lifecycle.js';
import { modbusBench } from './benches/modbus.js';
import { outboxBench } from './benches/outbox.js';
import { snmpBench } from './benches/snmp.js';

export interface Bench {
  name: string;
  description: string;
  run(log: (line: string) => void): Promise<Record<string, number | string | boolean>>;
}

const benches = new Map<string, Bench>(
  [modbusBench, snmpBench, outboxBench, ingestBench, invoiceBench, apiBench, lifecycleBench].map((b) => [b.name, b]),
);

const args = process.argv.slice(2);
const json = args.includes('--json');
const name = args.find((a) => !a.startsWith('--'));
const bench = name ? benches.get(name) : undefined;
if (!bench) {
  process.stderr.write(
    `usage: npm run bench -- <name> [--json]\nbenchmarks:\n${[...benches.values()].map((b) => `  ${b.name}  ${b.description}`).join('\n')}\n`,
  );
  process.exit(2);
}
const figures = await bench.run((line) => process.stdout.write(`${line}\n`));
process.stdout.write(
  json
    ? `${JSON.stringify(figures)}\n`
    : `${Object.entries(figures)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n`,
);
