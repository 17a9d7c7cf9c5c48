// `joulebook central user add|passwd|remove|list` and `joulebook central token create|revoke|list`: the
// API's users and tokens in the central database. A generated password or a token is printed once and
// never stored in clear. Built from deps (how to open the auth service), no I/O of its own but output.
import { Command, Option } from 'commander';
import { ROLES, type Role } from '../storage/access/types.js';
import type { AuthService } from './service.js';

export interface AuthCommandDeps {
  open(configFile: string): Promise<{ auth: AuthService; close(): Promise<void> }>;
  write(text: string): void;
  /** The password typed on standard input (--password-stdin), first line. */
  readStdin(): Promise<string>;
}

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());

export function userCommand(deps: AuthCommandDeps): Command {
  const cmd = new Command('user').description('users of the API and the portal (roles operator, read-only, customer)');
  const withAuth = async (config: string, fn: (auth: AuthService) => Promise<void>) => {
    const opened = await deps.open(config);
    try {
      await fn(opened.auth);
    } finally {
      await opened.close();
    }
  };
  const password = async (o: { passwordStdin?: boolean }) => (o.passwordStdin ? (await deps.readStdin()).split(/\r?\n/)[0] : undefined);
  cmd
    .command('add <username>')
    .description('add a user; prints a generated password once unless --password-stdin')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .addOption(new Option('--role <role>', 'what the user may do').choices(ROLES).makeOptionMandatory())
    .option('--customer <id>', 'the customer a customer user sees (inventory id)')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, o: { config: string; role: Role; customer?: string; passwordStdin?: boolean }) =>
      withAuth(o.config, async (auth) => {
        const given = await password(o);
        const r = await auth.addUser({ username, role: o.role, customer: o.customer || undefined, password: given || undefined });
        deps.write(
          given ? `user ${username} added (${o.role})\n` : `user ${username} added (${o.role}); password (shown once): ${r.password}\n`,
        );
      }),
    );
  cmd
    .command('passwd <username>')
    .description("set a new password (generated unless --password-stdin); ends the user's sessions")
    .requiredOption('-c, --config <file>', 'central.yaml')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, o: { config: string; passwordStdin?: boolean }) =>
      withAuth(o.config, async (auth) => {
        const given = await password(o);
        const next = await auth.setPassword(username, given);
        deps.write(given ? `password of ${username} changed\n` : `password of ${username} (shown once): ${next}\n`);
      }),
    );
  cmd
    .command('remove <username>')
    .description('remove a user; its tokens are revoked and its sessions ended')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .action(async (username: string, o: { config: string }) =>
      withAuth(o.config, async (auth) => {
        if (!(await auth.removeUser(username))) throw new Error(`no user "${username}"`);
        deps.write(`user ${username} removed\n`);
      }),
    );
  cmd
    .command('list')
    .description('users with role and customer (never a password)')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .option('--json', 'print JSON')
    .action(async (o: { config: string; json?: boolean }) =>
      withAuth(o.config, async (auth) => {
        const users = (await auth.users()).map((u) => ({
          username: u.username,
          role: u.role,
          customer: u.customer,
          updatedAt: iso(u.updatedAt),
        }));
        deps.write(
          o.json
            ? `${JSON.stringify(users)}\n`
            : users.map((u) => `${u.username}  ${u.role}${u.customer ? `  ${u.customer}` : ''}  ${u.updatedAt}\n`).join(''),
        );
      }),
    );
  return cmd;
}

export function tokenCommand(deps: AuthCommandDeps): Command {
  const cmd = new Command('token').description('API tokens for scripts (Authorization: Bearer <token>), with the role of their user');
  const withAuth = async (config: string, fn: (auth: AuthService) => Promise<void>) => {
    const opened = await deps.open(config);
    try {
      await fn(opened.auth);
    } finally {
      await opened.close();
    }
  };
  cmd
    .command('create <username>')
    .description('a new token of a user; printed once')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .option('--label <text>', 'what it is for')
    .action(async (username: string, o: { config: string; label?: string }) =>
      withAuth(o.config, async (auth) => {
        const r = await auth.createToken(username, o.label);
        deps.write(`token ${r.token.id} of ${username} (shown once):\n${r.text}\n`);
      }),
    );
  cmd
    .command('revoke <id>')
    .description('revoke a token by its id (or the whole token)')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .action(async (id: string, o: { config: string }) =>
      withAuth(o.config, async (auth) => {
        if (!(await auth.revokeToken(id))) throw new Error(`no active token "${id}"`);
        deps.write(`token ${id} revoked\n`);
      }),
    );
  cmd
    .command('list')
    .description('tokens (ids, users, labels, revoked or not; never the secret)')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .option('--user <username>', 'of one user')
    .option('--json', 'print JSON')
    .action(async (o: { config: string; user?: string; json?: boolean }) =>
      withAuth(o.config, async (auth) => {
        const list = (await auth.tokens(o.user)).map((x) => ({
          id: x.id,
          username: x.username,
          label: x.label,
          createdAt: iso(x.createdAt),
          revokedAt: x.revokedAt === undefined ? undefined : iso(x.revokedAt),
        }));
        deps.write(
          o.json
            ? `${JSON.stringify(list)}\n`
            : list
                .map((x) => `${x.id}  ${x.username}  ${x.label ?? ''}  ${x.createdAt}${x.revokedAt ? `  revoked ${x.revokedAt}` : ''}\n`)
                .join(''),
        );
      }),
    );
  return cmd;
}
