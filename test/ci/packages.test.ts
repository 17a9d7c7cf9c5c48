// CI runs on a fresh machine that has only what .ci/run installs. Every outside program a test asks for
// (hasProgram('x'), spawnSync('x'), Chromium, the pymodbus module) must come from a package listed in
// .ci/packages, or the suite would pass only where somebody installed it by hand.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import t from 'tap';
import { CHROMIUM } from '../helpers/browser.js';

const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The programs the tests and simulators start or probe for, by name. */
export function requiredPrograms(files: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const calls = /(?:hasProgram|spawnSync|spawn|execFileSync)\(\s*'([a-z0-9_./-]+)'/g;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(calls)) {
      const program = basename(m[1]!);
      if (program === 'node' || program === 'python3' || program === 'kill') continue;
      if (!found.has(program)) found.set(program, file);
    }
    if (/import pymodbus/.test(text)) found.set('pymodbus', file);
  }
  found.set(basename(CHROMIUM), 'test/helpers/browser.ts');
  return found;
}

export function listedPrograms(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const [pkg, ...programs] = line.trim().split(/\s+/);
    if (!pkg || pkg.startsWith('#')) continue;
    for (const program of programs) out.add(program);
  }
  return out;
}

t.test('every program the tests require is installed by .ci/run', async (t) => {
  const listed = listedPrograms(readFileSync(join(ROOT, '.ci', 'packages'), 'utf8'));
  const required = requiredPrograms(
    [...sources(join(ROOT, 'test')), ...sources(join(ROOT, 'sim'))].filter((f) => !f.endsWith('packages.test.ts')),
  );
  t.ok(required.size >= 10, `found ${required.size} required programs: ${[...required.keys()].join(', ')}`);
  for (const [program, file] of required)
    t.ok(listed.has(program), `${program} (${file.slice(ROOT.length + 1)}) comes from a package in .ci/packages`);
  t.ok(readFileSync(join(ROOT, '.ci', 'run'), 'utf8').includes('.ci/packages'), '.ci/run installs from .ci/packages');
});

t.test('a program missing from .ci/packages is caught', async (t) => {
  const listed = listedPrograms('socat socat\n# comment\nchromium chromium\nmosquitto mosquitto mosquitto_passwd\n');
  t.notOk(listed.has('mbpoll'), 'mbpoll not listed');
  t.ok(listed.has('chromium') && listed.has('mosquitto_passwd'), 'one package, several programs');
  t.notOk(listed.has('#'));
});
