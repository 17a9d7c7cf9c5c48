// The demo's portal users: an operator and a login for each customer, with fixed passwords printed at
// start (the API listens on 127.0.0.1 only). A data directory used again keeps its users; their
// passwords are set anew.
import type { Logger } from 'pino';
import { AuthService } from '../../central/auth/service.js';
import type { AccessStore } from '../../central/storage/access/types.js';
import type { DemoLogin } from './report.js';
import { CUSTOMERS } from './site.js';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export function demoLogins(): DemoLogin[] {
  return [
    { role: 'operator', username: 'operator', password: 'operator-demo' },
    ...CUSTOMERS.map((c) => ({ role: 'customer' as const, username: c.id, password: `${c.id}-demo`, customer: c.id })),
  ];
}

export async function createLogins(deps: { access: AccessStore; log: Logger }, logins: readonly DemoLogin[]): Promise<void> {
  const auth = new AuthService({ store: deps.access, clock: { now: () => Date.now() }, log: deps.log, scrypt: FAST_SCRYPT });
  for (const l of logins) {
    if (await deps.access.user(l.username)) await auth.setPassword(l.username, l.password);
    else
      await auth.addUser({
        username: l.username,
        role: l.role === 'operator' ? 'operator' : 'customer',
        password: l.password,
        customer: l.customer || undefined,
      });
  }
}
