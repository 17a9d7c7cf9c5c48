// The import boundaries of .dependency-cruiser.cjs, checked the way .ci/run checks them: the tree as it is
// passes (its known exceptions aside), and a scratch tree with a wrong import of each kind fails, naming it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const ROOT = join(import.meta.dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const run = promisify(execFile);

async function depcruise(cwd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(DEPCRUISE, [...args, '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function scratchTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'jb-boundaries-'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

t.test('wrong imports fail the check with the offending import', async (t) => {
  const dir = scratchTree({
    'gateway/poll.ts': "import { store } from '../central/storage/store.js';\nexport const poll = store;\n",
    'central/storage/store.ts': "import { price } from '../billing/price.js';\nexport const store = price;\n",
    'central/billing/price.ts': 'export const price = 1;\n',
    'central/model/types.ts': "import type { Price } from '../billing/types.js';\nexport type Model = Price;\n",
    'central/billing/types.ts': 'export type Price = number;\n',
    'protocol/wire.ts': "import { poll } from '../gateway/poll.js';\nexport const wire = poll;\n",
  });
  const r = await depcruise(dir, ['gateway', 'central', 'protocol']);
  t.not(r.code, 0, 'the check fails');
  t.match(r.out, /gateway-not-central: gateway\/poll\.ts → central\/storage\/store\.ts/, 'the gateway importing the central node');
  t.match(r.out, /central-storage-imports-down: central\/storage\/store\.ts → central\/billing\/price\.ts/, 'a store importing billing');
  t.match(r.out, /protocol-is-a-leaf: protocol\/wire\.ts → gateway\/poll\.ts/, 'protocol importing the gateway');
  t.notMatch(r.out, /central\/model\/types\.ts/, 'a type-only import of a layer above is allowed');
});

t.test('the tree passes, its known exceptions aside', async (t) => {
  const r = await depcruise(ROOT, [
    'protocol',
    'gateway',
    'central',
    'sim',
    'cli',
    'scripts',
    'test',
    '--ignore-known',
    join(ROOT, '.dependency-cruiser-known.json'),
  ]);
  t.equal(r.code, 0, r.out);
  t.match(r.out, /no dependency violations found/);
});
