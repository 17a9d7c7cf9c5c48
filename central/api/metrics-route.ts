// GET /metrics (Prometheus text) beside the API. The metrics tell how many customers, gateways and invoices
// a node has and what fails, so by default only staff read them: a signed-in operator or read-only user,
// or a token of one (Prometheus: `authorization: { credentials_file: ... }`). `api.metrics: public` serves
// them to anyone who reaches the API (a scraper on a private network), `off` not at all.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/service.js';
import { ApiError } from './errors.js';
import type { ApiMetrics } from './types.js';

export function mountMetrics(
  app: FastifyInstance,
  m: ApiMetrics,
  authenticate: (req: FastifyRequest) => Promise<Principal | undefined>,
): void {
  const staffOnly = (m.access ?? 'staff') === 'staff';
  app.get(
    '/metrics',
    {
      schema: { hide: true },
      ...(staffOnly
        ? {
            onRequest: async (req: FastifyRequest) => {
              const principal = await authenticate(req);
              if (!principal)
                throw new ApiError(
                  'unauthorized',
                  'the metrics are for staff: send the API token of an operator or read-only user (Authorization: Bearer ...), or sign in',
                );
              req.principal = principal;
              if (principal.role === 'customer') throw new ApiError('forbidden', 'the metrics are for staff, not customer accounts');
            },
          }
        : {}),
    },
    async (_req, reply) => reply.type(m.contentType).send(await m.render()),
  );
}
