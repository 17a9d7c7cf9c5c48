// Which certificate the gateway must trust to verify the broker: the CA that signed the broker's server
// certificate. Pure on PEM text (node:crypto X509Certificate), so a wrong pick is caught at provisioning
// and not by a gateway that cannot connect after the installer has left.
import { X509Certificate } from 'node:crypto';

export type CaChoice = { ok: true; pem: string; subject: string; from: string } | { ok: false; message: string };

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function certificates(pem: string): X509Certificate[] {
  return (pem.match(PEM_BLOCK) ?? []).map((b) => new X509Certificate(b));
}

/**
 * `serverPem` is the broker's certificate file (leaf first, maybe its chain); `candidates` are CA files
 * that may have signed it (an explicit --ca, the broker's client CA). The first that verifies the leaf
 * wins; a self-signed leaf trusts itself; the top of a chain in the server file is taken if it verifies.
 */
export function chooseCa(serverPem: { file: string; text: string }, candidates: readonly { file: string; text: string }[]): CaChoice {
  let chain: X509Certificate[];
  try {
    chain = certificates(serverPem.text);
  } catch (err) {
    return { ok: false, message: `${serverPem.file}: not a PEM certificate (${(err as Error).message})` };
  }
  const leaf = chain[0];
  if (!leaf) return { ok: false, message: `${serverPem.file}: no PEM certificate in it` };
  for (const c of candidates) {
    let cas: X509Certificate[];
    try {
      cas = certificates(c.text);
    } catch (err) {
      return { ok: false, message: `${c.file}: not a PEM certificate (${(err as Error).message})` };
    }
    // The leaf itself, or an intermediate sent along with it, signed by this CA.
    const signer = cas.find((ca) => chain.some((link) => signedBy(link, ca)));
    if (signer) return { ok: true, pem: c.text.trim() + '\n', subject: signer.subject, from: c.file };
  }
  if (signedBy(leaf, leaf)) return { ok: true, pem: leaf.toString(), subject: leaf.subject, from: `${serverPem.file} (self-signed)` };
  const top = chain[chain.length - 1]!;
  if (chain.length > 1 && signedBy(top, top))
    return { ok: true, pem: top.toString(), subject: top.subject, from: `${serverPem.file} (top of its chain)` };
  const tried = candidates.map((c) => c.file).join(', ');
  return {
    ok: false,
    message: `no CA found that signed the broker certificate ${serverPem.file} (issuer ${leaf.issuer.replace(/\n/g, ', ')})${tried ? `; tried ${tried}` : ''}: give it with --ca <file>`,
  };
}

function signedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}
