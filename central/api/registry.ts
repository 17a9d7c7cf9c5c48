// Every API route is registered here, declaring who may call it and how a customer is confined, so an
// access rule can not be forgotten: a route without a valid declaration, a second route on one method
// and url, or a reused id fails at start. The isolation test walks this list.
import type { RouteSpec } from './types.js';

export class RouteRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteRegistryError';
  }
}

const WHO = new Set(['public', 'staff', 'operator', 'everyone']);
const GUARDS = new Set(['site', 'point', 'invoice', 'note', 'customer']);

export class RouteRegistry {
  private readonly byKey = new Map<string, RouteSpec>();
  private readonly ids = new Set<string>();
  private sealed = false;

  add(spec: RouteSpec): void {
    const key = `${spec.method} ${spec.url}`;
    if (this.sealed) throw new RouteRegistryError(`${key}: routes are registered before the server starts`);
    if (this.byKey.has(key)) throw new RouteRegistryError(`${key} is registered twice`);
    if (this.ids.has(spec.id)) throw new RouteRegistryError(`route id "${spec.id}" is used twice`);
    if (!spec.url.startsWith('/')) throw new RouteRegistryError(`${key}: the url must start with "/"`);
    const a = spec.access as { who?: string; customer?: unknown } | undefined;
    if (!a || !WHO.has(a.who ?? '')) throw new RouteRegistryError(`${key}: access.who must be one of ${[...WHO].join(', ')}`);
    if (a.who === 'everyone') {
      const c = a.customer;
      const ok =
        c === 'self' ||
        c === 'filtered' ||
        (typeof c === 'object' &&
          c !== null &&
          GUARDS.has((c as { guard: string }).guard) &&
          typeof (c as { key: unknown }).key === 'string');
      if (!ok)
        throw new RouteRegistryError(`${key}: a route customers may call must declare how they are confined (self, filtered or a guard)`);
    }
    if (spec.method !== 'GET' && a.who === 'staff')
      throw new RouteRegistryError(`${key}: read-only users change nothing; a change is for operators`);
    this.byKey.set(key, spec);
    this.ids.add(spec.id);
  }

  seal(): void {
    this.sealed = true;
  }

  all(): RouteSpec[] {
    return [...this.byKey.values()];
  }
}
