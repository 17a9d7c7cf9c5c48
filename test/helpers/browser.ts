// Debian's Chromium, headless, driven by playwright-core: the flags keep it off the network this machine
// does not have (background services, QUIC, component updates); playwright gives each launch a fresh,
// empty profile of its own.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.JB_CHROMIUM ?? '/usr/bin/chromium';

export const hasChromium = (): boolean => existsSync(CHROMIUM);

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where screenshots of the browser tests are kept (git-ignored): test-artifacts/<area>/. */
export function artifactDir(area: string): string {
  const dir = join(import.meta.dirname, '..', '..', 'test-artifacts', area);
  mkdirSync(dir, { recursive: true });
  return dir;
}
