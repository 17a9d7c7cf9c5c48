// Mounts the portal on the API's fastify: the static files at / (no build server at runtime), and the
// portal's data routes with their roles. The API decides who the caller is (viewerOf: its session cookie
// or bearer token); a customer's viewer carries its id, so the data routes confine it to its own points.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { loadAssets, type Asset } from './assets.js';
import { TargetError, type Viewer } from './core/targets.js';
import type { ViewDeps } from './data/views.js';
import { PORTAL_ROUTES, type PortalRole, type PortalRoute } from './routes/portal-routes.js';

export interface Caller {
  role: PortalRole;
  /** Set for the customer role. */
  customer?: string;
}

export interface PortalMountDeps {
  views: ViewDeps;
  log: Logger;
  /** The signed-in caller, or undefined (401). */
  callerOf(request: FastifyRequest): Promise<Caller | undefined> | Caller | undefined;
  assets?: Map<string, Asset>;
  routes?: readonly PortalRoute[];
}

export function mountPortal(app: FastifyInstance, deps: PortalMountDeps): void {
  const assets = deps.assets ?? loadAssets();
  for (const [url, a] of assets) {
    app.get(url, async (_req, reply) => reply.header('content-type', a.type).header('cache-control', url === '/' || url.endsWith('.html') ? 'no-cache' : 'public, max-age=300').send(a.body));
  }
  for (const route of deps.routes ?? PORTAL_ROUTES) {
    app.route({
      method: route.method, url: route.url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const caller = await deps.callerOf(req);
        if (!caller) return reply.code(401).send({ error: 'unauthorized', message: 'sign in first' });
        if (!route.roles.includes(caller.role)) return reply.code(403).send({ error: 'forbidden', message: `${route.url} is not open to the ${caller.role} role` });
        const viewer: Viewer = caller.role === 'customer' ? { customer: caller.customer ?? '\u0000none' } : {};
        try {
          return await route.handler(deps.views, viewer, req.query as Record<string, string | undefined>);
        } catch (err) {
          if (err instanceof TargetError) return reply.code(err.status).send({ error: err.status === 404 ? 'not_found' : 'bad_request', message: err.message });
          deps.log.error({ err: err instanceof Error ? err.message : String(err), url: req.url }, 'portal route failed');
          return reply.code(500).send({ error: 'internal', message: 'the figure could not be computed; see the central log' });
        }
      },
    });
  }
}
