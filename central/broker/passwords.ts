// Password hashes, both derived from the plaintext when a password is set (it is never stored):
// - scrypt (node:crypto) with a per-user salt, checked by the embedded broker in constant time;
// - PBKDF2-SHA512 in Mosquitto 2's `$7$<iterations>$<base64 salt>$<base64 hash>` form for its password_file
//   (mosquitto 2.0 src/security_default.c: hash type 7, salt exactly 12 bytes, hash exactly 64 bytes).
import { pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = (password: string, salt: Buffer, keyLen: number, o: { N: number; r: number; p: number }) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, keyLen, { ...o, maxmem: 256 * o.N * o.r }, (err, key) => (err ? reject(err) : resolve(key))),
  );

export interface ScryptParams {
  /** CPU/memory cost (power of two); 2^14 takes ~50 ms and 16 MiB here. */
  N: number;
  r: number;
  p: number;
}
export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };
export const SCRYPT_KEY_BYTES = 32;
export const SCRYPT_SALT_BYTES = 16;

export const MOSQUITTO_SALT_BYTES = 12;
export const MOSQUITTO_HASH_BYTES = 64;
/** mosquitto_passwd 2.0 uses 101; later releases 1000. Passwords we generate are random, so this suffices. */
export const DEFAULT_MOSQUITTO_ITERATIONS = 1000;

export const SCRYPT_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;
export const MOSQUITTO_FORMAT = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** `scrypt$N$r$p$<base64 salt>$<base64 key>` */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SCRYPT_SALT_BYTES);
  const key = await scryptAsync(password, salt, SCRYPT_KEY_BYTES, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Constant-time comparison of the derived key; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = SCRYPT_FORMAT.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  if (expected.length === 0) return false;
  try {
    const key = await scryptAsync(password, Buffer.from(m[4]!, 'base64'), expected.length, {
      N: Number(m[1]),
      r: Number(m[2]),
      p: Number(m[3]),
    });
    return timingSafeEqual(key, expected);
  } catch {
    return false; // parameters scrypt refuses (N not a power of two, too much memory): not a usable hash
  }
}

export async function mosquittoHash(
  password: string,
  iterations = DEFAULT_MOSQUITTO_ITERATIONS,
  salt: Buffer = randomBytes(MOSQUITTO_SALT_BYTES),
): Promise<string> {
  if (salt.length !== MOSQUITTO_SALT_BYTES) throw new RangeError(`Mosquitto needs a ${MOSQUITTO_SALT_BYTES}-byte salt`);
  const hash = await pbkdf2Async(password, salt, iterations, MOSQUITTO_HASH_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** What Mosquitto does with a `$7$` line; used by tests and by `verify` in the CLI. */
export async function verifyMosquittoHash(password: string, stored: string): Promise<boolean> {
  const m = MOSQUITTO_FORMAT.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[3]!, 'base64');
  if (expected.length !== MOSQUITTO_HASH_BYTES) return false;
  const hash = await pbkdf2Async(password, Buffer.from(m[2]!, 'base64'), Number(m[1]), MOSQUITTO_HASH_BYTES, 'sha512');
  return timingSafeEqual(hash, expected);
}

/** 32 random bytes, URL-safe: what provisioning hands a new gateway. */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}
