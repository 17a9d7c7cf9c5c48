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

  user
    .command('set')
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

  user
    .command('remove')
    .description('remove a user')
    .requiredOption('--credentials <file>', 'broker credentials file')
    .requiredOption('--username <name>', 'MQTT username')
    .action(async (o: { credentials: string; username: string }) => {
      io.out((await removeUser(o.credentials, o.username)) ? `removed ${o.username}` : `no user ${o.username}`);
    });

  cmd
    .command('mosquitto-files')
    .description(
      "write Mosquitto password and ACL files equivalent to the embedded broker: one pair for the listener of gateways and subscribers, one for the central node's own",
    )
    .requiredOption('--credentials <file>', 'broker credentials file')
    .requiredOption('--password-file <file>', 'password_file of the listener with use_username_as_clientid true (gateways, subscribers)')
    .requiredOption('--acl-file <file>', 'acl_file of that listener')
    .option('--central-password-file <file>', "password_file of the central node's own listener (central users)")
    .option('--central-acl-file <file>', 'acl_file of that listener')
    .action(
      async (o: { credentials: string; passwordFile: string; aclFile: string; centralPasswordFile?: string; centralAclFile?: string }) => {
        if (!o.centralPasswordFile || !o.centralAclFile) {
          throw new Error(
            'give --central-password-file and --central-acl-file too: the central node\'s users sign in on a listener of their own, gateways and subscribers on one with use_username_as_clientid true (docs/deploy.md, "External Mosquitto")',
          );
        }
        const r = await writeMosquittoFiles({
          credentialsFile: o.credentials,
          passwordFile: o.passwordFile,
          aclFile: o.aclFile,
          centralPasswordFile: o.centralPasswordFile,
          centralAclFile: o.centralAclFile,
        });
        io.out(
          `wrote ${r.users} user(s) to ${o.passwordFile} and ${o.aclFile}, ${r.centralUsers} central user(s) to ${o.centralPasswordFile} and ${o.centralAclFile}`,
        );
      },
    );
  return cmd;
}
