// The portal's static files: found beside this module in the source tree (central/portal/public) or, when
// running from dist/, in the package's central/portal/public (listed in package.json "files"); uPlot from
// node_modules. A fixed table of files, read once at start: no path from a request ever reaches the disk.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface Asset {
  body: Buffer;
  type: string;
}

/** The public folder: from the source tree, or from dist/central/portal up to the package root. */
export function publicDir(here: string = import.meta.dirname): string {
  const candidates = [join(here, 'public'), join(here, '..', '..', '..', 'central', 'portal', 'public')];
  const found = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!found) throw new Error(`portal assets not found (looked in ${candidates.join(', ')})`);
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** URL path to file, for every servable file of the portal and uPlot's two files. */
export function loadAssets(dir: string = publicDir()): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const file of walk(dir)) {
    const type = TYPES[extname(file)];
    if (!type || file.endsWith('.test.ts')) continue;
    out.set(`/${relative(dir, file).split(sep).join('/')}`, { body: readFileSync(file), type });
  }
  const uplot = dirname(createRequire(import.meta.url).resolve('uplot'));
  for (const f of ['uPlot.esm.js', 'uPlot.min.css'])
    out.set(`/vendor/uplot/${f}`, { body: readFileSync(join(uplot, f)), type: TYPES[extname(f)]! });
  out.set('/', out.get('/index.html')!);
  return out;
}
