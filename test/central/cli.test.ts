// `joulebook central` as a separate process: the review of an inventory against what was stored, and
// configuration errors named by file and path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runCli } from '../helpers/cli.js';

const inventory = fileURLToPath(new URL('../../config/inventory.example.yaml', import.meta.url));

t.test('central review lists the points nobody holds', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-review-'));
  writeFileSync(join(dir, 'central.yaml'), `inventory: ${inventory}\n`);
  const r = await runCli([
    'central',
    'review',
    '-c',
    join(dir, 'central.yaml'),
    '--from',
    '2026-10-01T00:00:00+08:00',
    '--to',
    '2026-11-01T00:00:00+08:00',
    '--json',
  ]);
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { unassigned: { point: { id: string } }[]; unmapped: unknown[] };
  t.same(
    out.unassigned.map((u) => u.point.id),
    ['ams2-r04-pdu-a/total', 'ams2-r04-pdu-b/total', 'sin1-r03-pdu-a/total'],
    "Fjord's rack before it moves in on the 16th, the unsold rack in Singapore",
  );
  t.same(out.unmapped, [], 'an empty store maps nothing wrongly');
  const text = await runCli(['central', 'review', '-c', join(dir, 'central.yaml')]);
  t.match(text.stdout, /series read by no point/);
});

t.test('a bad central.yaml is named by file and path, exit code 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-central-bad-'));
  const file = join(dir, 'central.yaml');
  writeFileSync(file, 'ingest: { maxDelayMs: -5 }\n');
  const r = await runCli(['central', '-c', file], { timeoutMs: 10_000 });
  t.equal(r.code, 2);
  t.match(r.stderr, `${file}: ingest.maxDelayMs:`);
});
