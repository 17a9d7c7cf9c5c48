// `joulebook central broker ...`: manage the broker credentials file and write Mosquitto's files from it.
import { Command, Option } from 'commander';
import { ROLES, type Role } from './acl.js';
import { removeUser, setUser, type UserSpec } from './credentials.js';
import { writeMosquittoFiles } from './mosquitto-files.js';
import { generatePassword } from './passwords.js';

export interface BrokerCliIo {
  out: (line: string) => void;
  /** The whole of standard input, for --password-stdin. */
  readStdin: () => Promise<string>;
}

const processIo: BrokerCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

export function brokerCommand(io: BrokerCliIo = processIo): Command {
  const cmd = new Command('broker').description('broker users and their topic permissions');
  const user = cmd.command('user').description('add, rotate or remove a broker user');

  user.command('set')
    .description('add a user or set a new password; prints a generated password once')
    .requiredOption('--credentials <file>', 'broker credentials file (created if missing)')
    .requiredOption('--username <name>', 'MQTT username')
    .addOption(new Option('--role <role>', 'gateway, subscriber or central').choices(ROLES).makeOptionMandatory())
    .option('--site <id>', 'site id (gateway role)')
    .option('--gateway <id>', 'gateway id (gateway role)')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (o: { credentials: string; username: string; role: Role; site?: string; gateway?: string; passwordStdin?: boolean }) => {
      const password = o.passwordStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : generatePassword();
      if (password.length === 0) throw new Error('empty password on standard input');
      let spec: UserSpec;
      if (o.role === 'gateway') {
        if (!o.site || !o.gateway) throw new Error('--role gateway needs --site and --gateway');
        spec = { username: o.username, password, role: 'gateway', site: o.site, gateway: o.gateway };
      } else {
        spec = { username: o.username, password, role: o.role };
      }
      await setUser(o.credentials, spec);
      io.out(o.passwordStdin ? `password set for ${o.username}` : `password for ${o.username}: ${password}`);
    });

  user.command('remove')
    .description('remove a user')
    .requiredOption('--credentials <file>', 'broker credentials file')
    .requiredOption('--username <name>', 'MQTT username')
    .action(async (o: { credentials: string; username: string }) => {
      io.out(await removeUser(o.credentials, o.username) ? `removed ${o.username}` : `no user ${o.username}`);
    });

  cmd.command('mosquitto-files')
    .description('write a Mosquitto password_file and acl_file equivalent to the embedded broker')
    .requiredOption('--credentials <file>', 'broker credentials file')
    .requiredOption('--password-file <file>', 'Mosquitto password_file to write')
    .requiredOption('--acl-file <file>', 'Mosquitto acl_file to write')
    .action(async (o: { credentials: string; passwordFile: string; aclFile: string }) => {
      const r = await writeMosquittoFiles({ credentialsFile: o.credentials, passwordFile: o.passwordFile, aclFile: o.aclFile });
      io.out(`wrote ${r.users} user(s) to ${o.passwordFile} and ${o.aclFile}`);
    });
  return cmd;
}
