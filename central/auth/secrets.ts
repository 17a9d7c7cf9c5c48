// API tokens and session ids: `<prefix>_<id>_<secret>`, random, of which only the SHA-256 of the secret
// is stored. The id finds the row; the hash is compared in constant time. Pure but for randomBytes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'jbt';
export const SESSION_PREFIX = 'jbs';
const FORMAT = /^(jbt|jbs)_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewSecret {
  id: string;
  /** What the holder presents; shown once. */
  text: string;
  /** hex SHA-256 of the secret part: what is stored. */
  hash: string;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function newSecret(prefix: typeof TOKEN_PREFIX | typeof SESSION_PREFIX): NewSecret {
  const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { id, text: `${prefix}_${id}_${secret}`, hash: sha256Hex(secret) };
}

/** The id and the secret's hash of a presented text; undefined when it is not one of ours. */
export function parseSecret(text: string, prefix: typeof TOKEN_PREFIX | typeof SESSION_PREFIX): { id: string; hash: string } | undefined {
  const m = FORMAT.exec(text);
  if (!m || m[1] !== prefix) return undefined;
  return { id: m[2]!, hash: sha256Hex(m[3]!) };
}

/** Constant-time comparison of two hex SHA-256 digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}
