import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { pino } from 'pino';
import { ConfigError } from '../../common/issues.js';
import { CredentialStore } from './credential-store.js';
import { parseCredentials, readCredentials, removeUser, setUser } from './credentials.js';
import { renderMosquittoAclFile, renderMosquittoPasswordFile, writeMosquittoFiles } from './mosquitto-files.js';
import { generatePassword, hashPassword, mosquittoHash, verifyMosquittoHash, verifyPassword } from './passwords.js';
import { brokerCommand } from './cli.js';
import { hasProgram } from '../../test/helpers/env.js';

const quiet = pino({ level: 'silent' });
const fast = { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 };
const dir = () => mkdtempSync(join(tmpdir(), 'jb-creds-'));

t.test('scrypt hashes: per-user salt, verified in constant time, malformed never matches', async (t) => {
  const a = await hashPassword('s3cret', fast.scrypt);
  const b = await hashPassword('s3cret', fast.scrypt);
  t.not(a, b, 'a fresh salt each time');
  t.ok(await verifyPassword('s3cret', a));
  t.notOk(await verifyPassword('s3cret!', a));
  t.notOk(await verifyPassword('s3cret', 'plain'));
  t.notOk(await verifyPassword('s3cret', 'scrypt$1000$8$1$AAAA$AAAA'), 'N not a power of two');
  t.notOk(await verifyPassword('s3cret', 'scrypt$1024$8$1$AAAA$'), 'empty key');
});

t.test('Mosquitto $7$ hashes: PBKDF2-SHA512, 12-byte salt, 64-byte hash', async (t) => {
  const h = await mosquittoHash('pw', 101, Buffer.alloc(12, 7));
  const [, type, iter, salt, hash] = h.split('$');
  t.equal(type, '7');
  t.equal(iter, '101');
  t.equal(Buffer.from(salt!, 'base64').length, 12);
  t.equal(Buffer.from(hash!, 'base64').length, 64);
  t.ok(await verifyMosquittoHash('pw', h));
  t.notOk(await verifyMosquittoHash('pw2', h));
  t.notOk(await verifyMosquittoHash('pw', '$6$abc$def'));
  await t.rejects(mosquittoHash('pw', 101, Buffer.alloc(16)), RangeError);
  t.match(generatePassword(), /^[A-Za-z0-9_-]{43}$/);
});

t.test('our $7$ computation equals what mosquitto_passwd writes for the same salt', async (t) => {
  if (!hasProgram('mosquitto_passwd', ['-h'])) {
    t.comment('skipping: mosquitto_passwd is not installed');
    return;
  }
  const file = join(dir(), 'pw');
  writeFileSync(file, '');
  execFileSync('mosquitto_passwd', ['-b', file, 'gw', 'p@ss word'], { stdio: 'ignore' });
  const line = readFileSync(file, 'utf8').trim();
  const [, , iter, salt] = line.split(':')[1]!.split('$');
  t.equal(`gw:${await mosquittoHash('p@ss word', Number(iter), Buffer.from(salt!, 'base64'))}`, line);
});

t.test('setUser adds and rotates, both hashes from one password; files are 0600 and valid', async (t) => {
  const file = join(dir(), 'broker-users.yaml');
  await setUser(file, { username: 'gw-a1', password: 'pw-one!', role: 'gateway', site: 'fra1', gateway: 'a1' }, fast);
  await setUser(file, { username: 'noc', password: 'pw-two!', role: 'subscriber' }, fast);
  const before = await readCredentials(file);
  t.equal(before.users.length, 2);
  t.equal(statSync(file).mode & 0o777, 0o600);
  const gw = before.users[0]!;
  t.ok(await verifyPassword('pw-one!', gw.scrypt));
  t.ok(await verifyMosquittoHash('pw-one!', gw.mosquitto));
  t.notMatch(
    readFileSync(file, 'utf8'),
    /pw-one!|pw-two!/,
    'no plaintext in the file ("!" is in no hash alphabet, so no hash can match by chance)',
  );

  await setUser(
    file,
    { username: 'gw-a1', password: 'pw-three!', role: 'gateway', site: 'fra1', gateway: 'a1' },
    { ...fast, now: () => new Date(0) },
  );
  const after = await readCredentials(file);
  const rotated = after.users.find((u) => u.username === 'gw-a1')!;
  t.equal(after.users.length, 2);
  t.equal(rotated.updatedAt, '1970-01-01T00:00:00.000Z');
  t.notOk(await verifyPassword('pw-one!', rotated.scrypt), 'old password no longer works');
  t.ok(await verifyPassword('pw-three!', rotated.scrypt));

  await t.rejects(
    setUser(file, { username: 'gw-b', password: 'x', role: 'gateway', site: 'fra1', gateway: 'a1' }, fast),
    /already has a user/,
  );
  await t.rejects(setUser(file, { username: 'bad:name', password: 'x', role: 'subscriber' }, fast), ConfigError);
  await t.rejects(
    setUser(file, { username: 'gw-c', password: 'x', role: 'gateway', site: 'central', gateway: 'alerts' }, fast),
    /reserved/,
  );
  t.equal((await readCredentials(file)).users.length, 2, 'refused changes wrote nothing');
  t.equal(await removeUser(file, 'noc'), true);
  t.equal(await removeUser(file, 'noc'), false);
  t.same(
    (await readCredentials(file)).users.map((u) => u.username),
    ['gw-a1'],
  );
});

t.test('credential file errors name the file and path', async (t) => {
  const bad = `version: 1\nusers:\n  - username: gw\n    role: gateway\n    site: fra1\n    scrypt: nope\n    mosquitto: "$7$1$AA==$AA=="\n    updatedAt: x\n`;
  try {
    parseCredentials(bad, 'users.yaml');
    t.fail('should throw');
  } catch (err) {
    t.type(err, ConfigError);
    const paths = (err as ConfigError).issues.map((i) => `${i.file}: ${i.path}`);
    t.ok(paths.includes('users.yaml: users[0].gateway'), paths.join(', '));
    t.ok(paths.includes('users.yaml: users[0].scrypt'), paths.join(', '));
  }
  t.throws(() => parseCredentials('version: 1\nusers: [\n', 'u.yaml'), /u\.yaml: line/);
  const dup = `version: 1\nusers:\n${['a', 'a'].map((n) => `  - { username: ${n}, role: subscriber, scrypt: "scrypt$1024$8$1$AA==$AA==", mosquitto: "$7$1$AA==$AA==", updatedAt: x }`).join('\n')}\n`;
  t.throws(() => parseCredentials(dup, 'u.yaml'), /users\[1\]\.username: duplicate username "a"/);
  await t.rejects(readCredentials(join(dir(), 'missing.yaml')), /missing\.yaml: \(file\)/);
});

t.test('CredentialStore authenticates and picks up a rotated password without restart', async (t) => {
  const file = join(dir(), 'users.yaml');
  await setUser(file, { username: 'gw-a1', password: 'one', role: 'gateway', site: 'fra1', gateway: 'a1' }, fast);
  const store = new CredentialStore({ file, log: quiet });
  await store.load();
  t.same(await store.authenticate('gw-a1', Buffer.from('one')), {
    ok: true,
    principal: { username: 'gw-a1', role: 'gateway', site: 'fra1', gateway: 'a1' },
  });
  t.same(await store.authenticate('gw-a1', Buffer.from('two')), { ok: false, reason: 'bad_password' });
  t.same(await store.authenticate('nobody', Buffer.from('one')), { ok: false, reason: 'unknown_user' });
  t.same(await store.authenticate(undefined, undefined), { ok: false, reason: 'no_credentials' });
  await setUser(file, { username: 'gw-a1', password: 'two', role: 'gateway', site: 'fra1', gateway: 'a1' }, fast);
  t.equal((await store.authenticate('gw-a1', Buffer.from('two'))).ok, true, 'rotation seen');
  writeFileSync(file, 'version: 2\n');
  t.equal((await store.authenticate('gw-a1', Buffer.from('two'))).ok, true, 'a broken file keeps the last good users');
  t.equal((await store.authenticate('gw-a1', Buffer.from('two'))).ok, true);
  t.equal(store.reloadFailures, 1, 'the broken version is reported once');
});

t.test('Mosquitto files from the credentials, and the CLI that writes them', async (t) => {
  const d = dir();
  const file = join(d, 'users.yaml');
  const lines: string[] = [];
  const cli = (args: string[], stdin = '') =>
    brokerCommand({ out: (l) => lines.push(l), readStdin: async () => stdin }).parseAsync(args, { from: 'user' });
  await cli(['user', 'set', '--credentials', file, '--username', 'gw-a1', '--role', 'gateway', '--site', 'fra1', '--gateway', 'a1']);
  const generated = /password for gw-a1: (\S+)/.exec(lines[0]!)?.[1];
  t.ok(generated, 'a generated password is printed once');
  await cli(['user', 'set', '--credentials', file, '--username', 'noc', '--role', 'subscriber', '--password-stdin'], 'reader-pw\n');
  t.equal(lines[1], 'password set for noc');
  await t.rejects(cli(['user', 'set', '--credentials', file, '--username', 'gw-x', '--role', 'gateway']), /needs --site and --gateway/);
  const c = await readCredentials(file);
  t.ok(await verifyMosquittoHash(generated!, c.users[0]!.mosquitto));
  t.ok(await verifyMosquittoHash('reader-pw', c.users[1]!.mosquitto), 'the trailing newline is not part of the password');

  t.equal(renderMosquittoPasswordFile(c), `gw-a1:${c.users[0]!.mosquitto}\nnoc:${c.users[1]!.mosquitto}\n`);
  t.equal(
    renderMosquittoAclFile(c, 'users.yaml'),
    [
      '# Generated by joulebook from users.yaml; edit the credentials, not this file.',
      '',
      'user gw-a1',
      'topic write joulebook/v1/fra1/a1/#',
      '',
      'user noc',
      'topic read joulebook/v1/#',
      'topic read joulebook/v1/central/alerts',
      '',
    ].join('\n'),
  );
  const files = ['--password-file', join(d, 'passwd'), '--acl-file', join(d, 'acl')];
  await t.rejects(
    cli(['mosquitto-files', '--credentials', file, ...files]),
    /give --central-password-file and --central-acl-file too: the central node's users sign in on a listener of their own/,
  );
  await cli(['user', 'set', '--credentials', file, '--username', 'central-1', '--role', 'central', '--password-stdin'], 'central-pw\n');
  await cli([
    'mosquitto-files',
    '--credentials',
    file,
    ...files,
    '--central-password-file',
    join(d, 'central.passwd'),
    '--central-acl-file',
    join(d, 'central.acl'),
  ]);
  t.equal(readFileSync(join(d, 'passwd'), 'utf8'), renderMosquittoPasswordFile(c), 'gateways and subscribers');
  const central = (await readCredentials(file)).users.find((u) => u.username === 'central-1')!;
  t.equal(readFileSync(join(d, 'central.passwd'), 'utf8'), `central-1:${central.mosquitto}\n`, 'the central user only, in its own file');
  t.match(readFileSync(join(d, 'central.acl'), 'utf8'), /^user central-1\ntopic readwrite joulebook\/v1\/#\n$/m);
  t.notMatch(readFileSync(join(d, 'acl'), 'utf8'), /central-1/);
  t.match(lines.at(-1), /wrote 2 user\(s\) to .*passwd and .*acl, 1 central user\(s\) to .*central\.passwd and .*central\.acl/);
  await cli(['user', 'remove', '--credentials', file, '--username', 'noc']);
  t.equal(lines.at(-1), 'removed noc');
  t.same(
    await writeMosquittoFiles({
      credentialsFile: file,
      passwordFile: join(d, 'p2'),
      aclFile: join(d, 'a2'),
      centralPasswordFile: join(d, 'cp2'),
      centralAclFile: join(d, 'ca2'),
      mode: 0o644,
    }),
    { users: 1, centralUsers: 1 },
  );
});
