// The stand-in hash an unknown username is checked against, so a sign-in takes as long whether the name
// exists or not. It must cost what the stored hashes cost: a dummy at the default scrypt cost beside users
// hashed at a cheaper one (the demo's) told the names apart by time, 78 ms against 6.5 ms. So the dummy
// takes the scrypt parameters, salt and key lengths most stored hashes have (the newest on a tie), or the
// configured default when none is stored. Its salt and key are random: nothing matches it, and building
// it costs nothing. Pure but for randomBytes.
import { randomBytes } from 'node:crypto';
import { SCRYPT_FORMAT, SCRYPT_KEY_BYTES, SCRYPT_SALT_BYTES, type ScryptParams } from '../broker/passwords.js';

export interface HashShape extends ScryptParams {
  saltBytes: number;
  keyBytes: number;
}

/** The shape of a stored `scrypt$N$r$p$salt$key` hash; undefined when it is not one. */
export function shapeOf(hash: string): HashShape | undefined {
  const m = SCRYPT_FORMAT.exec(hash);
  if (!m) return undefined;
  return {
    N: Number(m[1]),
    r: Number(m[2]),
    p: Number(m[3]),
    saltBytes: Buffer.from(m[4]!, 'base64').length,
    keyBytes: Buffer.from(m[5]!, 'base64').length,
  };
}

/** The shape most of the hashes have; among equally common ones, that of the most recently updated. */
export function commonShape(users: readonly { passwordHash: string; updatedAt: number }[]): HashShape | undefined {
  const byShape = new Map<string, { shape: HashShape; count: number; newestMs: number }>();
  for (const u of users) {
    const shape = shapeOf(u.passwordHash);
    if (!shape) continue;
    const key = `${shape.N}/${shape.r}/${shape.p}/${shape.saltBytes}/${shape.keyBytes}`;
    const seen = byShape.get(key) ?? { shape, count: 0, newestMs: -Infinity };
    byShape.set(key, { shape, count: seen.count + 1, newestMs: Math.max(seen.newestMs, u.updatedAt) });
  }
  let best: { shape: HashShape; count: number; newestMs: number } | undefined;
  for (const c of byShape.values()) if (!best || c.count > best.count || (c.count === best.count && c.newestMs > best.newestMs)) best = c;
  return best?.shape;
}

/** A hash of this shape that no password matches. */
export function dummyHash(shape: HashShape): string {
  return `scrypt$${shape.N}$${shape.r}$${shape.p}$${randomBytes(shape.saltBytes).toString('base64')}$${randomBytes(shape.keyBytes).toString('base64')}`;
}

/** The shape hashPassword gives with these parameters. */
export function defaultShape(params: ScryptParams): HashShape {
  return { ...params, saltBytes: SCRYPT_SALT_BYTES, keyBytes: SCRYPT_KEY_BYTES };
}
