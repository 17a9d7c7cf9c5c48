import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { LOGO_PNG } from '../../../test/helpers/billing-documents.js';
import { logoImage, readLogo } from './logo.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-logo-'));
writeFileSync(join(dir, 'logo.png'), LOGO_PNG);
writeFileSync(join(dir, 'logo.txt'), 'not an image');

t.test("the seller's logo, read relative to the inventory's folder; anything else skipped with the reason", async (t) => {
  const warned: string[] = [];
  const warn = (m: string) => warned.push(m);
  t.same(await readLogo('logo.png', { baseDir: dir, warn }), LOGO_PNG);
  t.same(await readLogo(join(dir, 'logo.png')), LOGO_PNG, 'an absolute path');
  t.equal(await readLogo(undefined, { warn }), undefined, 'no logo named');
  t.equal(await readLogo('missing.png', { baseDir: dir, warn }), undefined);
  t.equal(await readLogo('logo.txt', { baseDir: dir, warn }), undefined);
  t.equal(warned.length, 2);
  t.match(warned[0], /missing\.png: ENOENT.*printed without it/);
  t.match(warned[1], /logo\.txt: not a PNG or JPEG image/);
});

t.test('only bytes pdfkit can embed without throwing later are images', async (t) => {
  t.ok(logoImage(LOGO_PNG));
  t.ok(logoImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10])), 'a JPEG start (pdfkit parses it at once and throws where it is bad)');
  const corrupt = Buffer.from(LOGO_PNG);
  corrupt.fill(0x41, 41, 50);
  t.equal(logoImage(corrupt), undefined, 'a PNG whose image data does not inflate');
  t.equal(logoImage(LOGO_PNG.subarray(0, 40)), undefined, 'a truncated PNG');
  t.equal(logoImage(undefined), undefined);
  t.equal(logoImage(new Uint8Array()), undefined);
});
