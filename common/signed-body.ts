// Signing what Joulebook posts to other systems (invoice and alert webhooks): HMAC-SHA256 over the exact
// body bytes, sent as `x-joulebook-signature: sha256=<hex>`; receivers verify before they trust a byte.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-joulebook-signature';

/** `sha256=<hex>` of the body under the secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers (and tests): whether a signature header is the body's under the secret, in constant time. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  const want = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header ?? '');
  return got.length === want.length && timingSafeEqual(got, want);
}
