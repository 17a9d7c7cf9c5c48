// Who may publish and subscribe where. One rule list per role, used by the embedded broker's checks and
// written out as a Mosquitto acl_file, so both brokers enforce the same confinement. Pure.
import { TOPIC_ROOT } from '../../protocol/wire.js';
import { filterCovers, splitShared, topicMatches, validFilter } from './topic-filter.js';
import { CENTRAL_ALERTS_TOPIC } from './topics.js';

export const ROLES = ['gateway', 'subscriber', 'central'] as const;
export type Role = (typeof ROLES)[number];

/** An authenticated user: gateways are bound to their own site and gateway id. */
export type Principal =
  | { username: string; role: 'gateway'; site: string; gateway: string }
  | { username: string; role: 'subscriber' }
  | { username: string; role: 'central' };

export interface AclRule {
  access: 'read' | 'write' | 'readwrite';
  /** An MQTT topic filter, as a Mosquitto acl_file `topic` line takes it. */
  filter: string;
}

const ROLE_RULES: { [R in Role]: (p: Extract<Principal, { role: R }>) => AclRule[] } = {
  // A gateway writes only under its own prefix and reads nothing (it has no reason to subscribe).
  gateway: (p) => [{ access: 'write', filter: `${TOPIC_ROOT}/${p.site}/${p.gateway}/#` }],
  // Dashboards and integrations: read everything gateways send and the central alerts, write nothing.
  subscriber: () => [
    { access: 'read', filter: `${TOPIC_ROOT}/#` },
    { access: 'read', filter: CENTRAL_ALERTS_TOPIC },
  ],
  // The central node's own clients (an external-broker consumer, the alert forwarder).
  central: () => [{ access: 'readwrite', filter: `${TOPIC_ROOT}/#` }],
};

export function aclRules(p: Principal): AclRule[] {
  return (ROLE_RULES[p.role] as (p: Principal) => AclRule[])(p);
}

export const ACL_REFUSALS = ['not_permitted', 'reserved_topic', 'invalid_topic'] as const;
export type AclRefusal = (typeof ACL_REFUSALS)[number];
export type AclDecision = { allowed: true } | { allowed: false; reason: AclRefusal };

const ALLOW: AclDecision = { allowed: true };
const refuse = (reason: AclRefusal): AclDecision => ({ allowed: false, reason });
const canWrite = (r: AclRule) => r.access !== 'read';
const canRead = (r: AclRule) => r.access !== 'write';

export function canPublish(p: Principal, topic: string): AclDecision {
  if (topic.length === 0 || topic.includes('+') || topic.includes('#')) return refuse('invalid_topic');
  if (topic.startsWith('$')) return refuse('reserved_topic');
  return aclRules(p).some((r) => canWrite(r) && topicMatches(r.filter, topic)) ? ALLOW : refuse('not_permitted');
}

/** A subscription is allowed only when a read rule covers every topic it could match. */
export function canSubscribe(p: Principal, subscription: string): AclDecision {
  const { filter } = splitShared(subscription);
  if (!validFilter(filter)) return refuse('invalid_topic');
  if (filter.startsWith('$')) return refuse('reserved_topic');
  return aclRules(p).some((r) => canRead(r) && filterCovers(r.filter, filter)) ? ALLOW : refuse('not_permitted');
}
