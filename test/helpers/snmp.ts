// Builds a gateway-side SNMP agent poller the way gateway/builders/acquisition.ts does.
import { systemClock } from '../../common/clock.js';
import { SnmpAgent } from '../../gateway/drivers/snmp/agent.js';
import { SnmpClient, type SnmpTarget } from '../../gateway/drivers/snmp/session.js';
import { loadCatalogs, type Catalogs } from '../../gateway/profiles/load.js';
import { Limiter } from '../../gateway/polling/limiter.js';
import { BUILTIN_PROFILES_DIR } from '../../gateway/paths.js';
import { quietLog } from './env.js';

let catalogs: Promise<Catalogs> | undefined;
export function builtinCatalogs(): Promise<Catalogs> {
  catalogs ??= loadCatalogs([BUILTIN_PROFILES_DIR]);
  return catalogs;
}

export async function makeAgent(
  id: string,
  profileId: string,
  target: Partial<SnmpTarget> & { port: number },
  opts: Partial<{ budgetMs: number; limiter: Limiter; backoffBaseMs: number }> = {},
): Promise<SnmpAgent> {
  const profile = (await builtinCatalogs()).snmp.get(profileId);
  if (!profile) throw new Error(`no SNMP profile ${profileId}`);
  const client = new SnmpClient({
    host: '127.0.0.1',
    version: '2c',
    community: 'public',
    timeoutMs: 500,
    retries: 1,
    maxRepetitions: 25,
    ...target,
  });
  return new SnmpAgent({
    options: { id, budgetMs: opts.budgetMs ?? 5000, backoffBaseMs: opts.backoffBaseMs ?? 0, backoffMaxMs: 60_000 },
    profile,
    client,
    limiter: opts.limiter ?? new Limiter(16),
    clock: systemClock,
    log: quietLog,
  });
}
