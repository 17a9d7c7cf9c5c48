// Last Wills left in the broker's database by clients of an earlier run. aedes publishes them some
// heartbeats after start with no client (aedes 1.2.0 aedes.js, _clearWills), so nothing ties them to a
// user any more: each is checked against the user recorded as its owner (client-owners.ts) and that user's
// current ACL. Those that fail are deleted at start, before any listener opens; the check at publish time
// (broker.ts, authorizePublish) catches any that appear later.
import type { LevelPersistence } from 'aedes-persistence-level';
import type { Logger } from 'pino';
import type { ClientOwners } from './client-owners.js';
import type { BrokerSecurity } from './security.js';

export async function sweepStaleWills(deps: {
  persistence: LevelPersistence;
  owners: ClientOwners;
  security: BrokerSecurity;
  log: Logger;
}): Promise<{ kept: number; dropped: number }> {
  const refused: string[] = [];
  let kept = 0;
  for await (const will of deps.persistence.streamWill()) {
    if (deps.security.staleWill(will.clientId, will.topic, deps.owners.ownerOf(will.clientId))) kept++;
    else refused.push(will.clientId);
  }
  for (const id of refused) await deps.persistence.delWill({ id });
  if (kept + refused.length > 0)
    deps.log.info({ kept, dropped: refused.length }, 'Last Wills of an earlier run checked against their owners');
  return { kept, dropped: refused.length };
}
