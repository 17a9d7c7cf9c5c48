// The central side of provisioning: where the gateway's credentials go (the credentials file the embedded
// broker re-reads, or the one Mosquitto's files are generated from), the URL the gateway dials and the CA
// it verifies the broker with.
import { readFile } from 'node:fs/promises';
import { readCentralConfig } from '../../central/config/central-load.js';
import { readCredentials, setUser, type SetUserOptions } from '../../central/broker/credentials.js';
import { ConfigError } from '../../common/issues.js';
import { chooseCa } from './tls.js';

export interface BrokerSideOptions {
  centralConfig?: string;
  credentials?: string;
  brokerUrl?: string;
  brokerHost?: string;
  ca?: string;
}

export interface BrokerSide {
  credentialsFile: string;
  url: string;
  /** PEM of the CA the gateway verifies the broker with; absent without TLS. */
  caPem?: string;
  warnings: string[];
  notes: string[];
  /** An external broker reads generated files: they must be regenerated after a change. */
  external: boolean;
}

const cli = (message: string) => new ConfigError([{ file: '(command line)', path: 'provision', message }]);

async function readText(file: string, path: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path, message: (err as Error).message }]);
  }
}

export async function brokerSide(o: BrokerSideOptions): Promise<BrokerSide> {
  const warnings: string[] = [];
  const notes: string[] = [];
  const central = o.centralConfig ? await readCentralConfig(o.centralConfig) : undefined;
  const embedded = central && 'embedded' in central.broker ? central.broker.embedded : undefined;
  const credentialsFile = o.credentials ?? embedded?.credentials;
  if (!credentialsFile)
    throw cli(
      central
        ? `${o.centralConfig} uses an external broker: give --credentials <file> (the file its Mosquitto files are made from)`
        : 'give --central-config <central.yaml> or --credentials <file>',
    );
  const tls = embedded?.tls;
  let url = o.brokerUrl;
  if (!url) {
    if (!embedded || !o.brokerHost)
      throw cli('give --broker-url, or --central-config with an embedded broker and --broker-host <name the gateway reaches central by>');
    url = tls ? `mqtts://${o.brokerHost}:${tls.port}` : `mqtt://${o.brokerHost}:${embedded.port}`;
  }
  const secure = /^(mqtts|ssl|wss):/.test(url);
  let caPem: string | undefined;
  if (secure) {
    const given = o.ca ? [{ file: o.ca, text: await readText(o.ca, '--ca') }] : [];
    if (tls) {
      // With a client CA the embedded broker demands client certificates (central/main.ts), and a bundle
      // carries none: its gateway could never connect.
      if (tls.ca)
        throw new ConfigError([
          {
            file: o.centralConfig!,
            path: 'broker.embedded.tls.ca',
            message:
              'central demands client certificates, and provisioning issues none: gateways authenticate with their password over TLS; remove tls.ca or provision the certificates by hand',
          },
        ]);
      const choice = chooseCa({ file: tls.cert, text: await readText(tls.cert, 'broker.embedded.tls.cert') }, given);
      if (!choice.ok) throw cli(choice.message);
      caPem = choice.pem;
      notes.push(`TLS: the gateway verifies the broker with ${choice.subject.replace(/\n/g, ', ')} from ${choice.from}`);
    } else if (given[0]) {
      if (!/-----BEGIN CERTIFICATE-----/.test(given[0].text)) throw cli(`${o.ca}: not a PEM certificate`);
      caPem = given[0].text.trim() + '\n';
      notes.push(`TLS: the gateway verifies the broker with ${o.ca}`);
    } else {
      throw cli(`${url} is TLS: give --ca <file>, the CA that signed the broker's certificate`);
    }
  } else {
    warnings.push(
      `no TLS: ${url} carries the gateway's password and readings in clear${tls ? ` (central has a TLS listener on port ${tls.port}: use mqtts://)` : '; add broker.embedded.tls to central.yaml (docs/deploy.md)'}`,
    );
  }
  const external = !embedded;
  if (external)
    notes.push(
      `broker users are in ${credentialsFile}: run \`joulebook central broker mosquitto-files\` and send Mosquitto SIGHUP, or the new password is not in force (docs/deploy.md)`,
    );
  return { credentialsFile, url, caPem, warnings, notes, external };
}

/**
 * Registers (or rotates) the gateway's password. A username held by another site's gateway or by a
 * non-gateway user is refused rather than taken over.
 */
export async function registerGateway(
  credentialsFile: string,
  user: { username: string; site: string; gateway: string; password: string },
  hash: SetUserOptions = {},
): Promise<'added' | 'rotated'> {
  let existing;
  try {
    existing = (await readCredentials(credentialsFile)).users.find((u) => u.username === user.username);
  } catch (err) {
    if (!(err instanceof ConfigError && (err.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')) throw err;
  }
  if (existing && (existing.role !== 'gateway' || existing.site !== user.site || existing.gateway !== user.gateway)) {
    const holder = existing.role === 'gateway' ? `gateway ${existing.site}/${existing.gateway}` : `a ${existing.role} user`;
    throw new ConfigError([
      { file: credentialsFile, path: 'users', message: `username "${user.username}" belongs to ${holder}: give another with --username` },
    ]);
  }
  await setUser(credentialsFile, { ...user, role: 'gateway' }, hash);
  return existing ? 'rotated' : 'added';
}
