// The central node's HTTP API: fastify with the OpenAPI document built from the routes' JSON schemas.
// Every route comes from the registry with its access declaration; authentication runs before the
// schema check (401/403 first), the customer guard after it. Each request is a boundary: an error is
// caught once here, counted by code, logged once, and answered in the one error shape (errors.ts).
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import type { Principal } from '../auth/service.js';
import { ApiError, ERROR_SCHEMA, errorBody, type ErrorCode } from './errors.js';
import { guardRequest } from './guard.js';
import { RouteRegistry } from './registry.js';
import { CORE_ROUTES } from './routes/index.js';
import { Scope } from './scope.js';
import { SESSION_COOKIE, sessionOf } from './cookies.js';
import type { ApiDeps, RouteSpec } from './types.js';

export const API_PREFIX = '/api/v1';

export interface ApiStats {
  requests: number;
  errors: Partial<Record<ErrorCode, number>>;
}

export interface ApiServer {
  app: FastifyInstance;
  routes: RouteRegistry;
  stats: ApiStats;
}

export interface ApiTls {
  cert: string;
  key: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { validation?: unknown; statusCode?: number; message?: string; code?: string; name?: string };
  if (e.validation) return new ApiError('bad_request', e.message ?? 'invalid request', e.validation);
  if (e.name === 'PeriodError') return new ApiError('bad_request', e.message ?? 'bad period');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code: ErrorCode = e.statusCode === 404 ? 'not_found' : e.statusCode === 429 ? 'too_many_requests' : 'bad_request';
    return new ApiError(code, e.message ?? 'bad request');
  }
  return new ApiError('internal', 'internal error');
}

/** Builds the server (no I/O): routes of the registry, the OpenAPI document, /metrics when given. */
export async function buildApi(deps: ApiDeps, opts: { tls?: ApiTls } = {}): Promise<ApiServer> {
  const app = Fastify({
    logger: false,
    ...(opts.tls ? { https: { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) } } : {}),
    ajv: { customOptions: { allErrors: true, coerceTypes: true, removeAdditional: false } },
  }) as unknown as FastifyInstance;
  const stats: ApiStats = { requests: 0, errors: {} };
  const log = deps.log;
  const routes = new RouteRegistry();
  for (const r of CORE_ROUTES) routes.add(r);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Joulebook central API', version: '1' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'an API token: `joulebook central token create`' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'set by POST /api/v1/auth/login' },
        },
      },
    },
  });

  app.addHook('onRequest', async () => { stats.requests++; });
  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err);
    stats.errors[e.code] = (stats.errors[e.code] ?? 0) + 1;
    const ctx = { method: req.method, url: req.url, user: req.principal?.username, code: e.code };
    if (e.status >= 500) log.error({ ...ctx, err: err instanceof Error ? err.stack : String(err) }, 'request failed');
    else log.info({ ...ctx, message: e.message }, 'request refused');
    void reply.status(e.status).send(errorBody(e));
  });
  app.setNotFoundHandler((req, reply) => {
    stats.errors.not_found = (stats.errors.not_found ?? 0) + 1;
    void reply.status(404).send(errorBody(new ApiError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));
  });

  for (const plugin of deps.plugins ?? []) await plugin(app, { routes, deps });
  routes.seal();
  for (const spec of routes.all()) mount(app, spec, deps, opts);

  app.get(`${API_PREFIX}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());
  if (deps.metrics) {
    const m = deps.metrics;
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => reply.type(m.contentType).send(await m.render()));
  }
  return { app, routes, stats };
}

async function authenticate(deps: ApiDeps, req: FastifyRequest): Promise<Principal | undefined> {
  const h = req.headers.authorization;
  if (h !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    return m ? deps.auth.authenticate({ bearer: m[1]! }) : undefined;
  }
  const session = sessionOf(req.headers.cookie);
  return session === undefined ? undefined : deps.auth.authenticate({ session });
}

function mount(app: FastifyInstance, spec: RouteSpec, deps: ApiDeps, opts: { tls?: ApiTls }): void {
  const a = spec.access;
  const errors = Object.fromEntries([400, 401, 403, 404].map((s) => [s, ERROR_SCHEMA]));
  app.route({
    method: spec.method,
    url: `${API_PREFIX}${spec.url}`,
    schema: {
      ...spec.schema,
      operationId: spec.id, summary: spec.summary, tags: [...spec.tags],
      ...(a.who === 'public' ? {} : { security: [{ bearer: [] }, { session: [] }] }),
      response: { ...errors, ...(spec.schema.response ?? {}) },
    },
    onRequest: async (req) => {
      const principal = await authenticate(deps, req);
      if (principal) req.principal = principal;
      if (a.who === 'public') return;
      if (!principal) throw new ApiError('unauthorized', 'sign in (POST /api/v1/auth/login) or send an API token (Authorization: Bearer ...)');
      const role = principal.role;
      const self = a.who === 'everyone' && a.customer === 'self';
      if (role === 'customer' && a.who !== 'everyone') throw new ApiError('forbidden', 'not for customer accounts');
      if (role === 'read-only' && (a.who === 'operator' || (spec.method !== 'GET' && !self))) throw new ApiError('forbidden', 'read-only accounts change nothing');
    },
    handler: async (req, reply) => {
      const snapshot = deps.models.current();
      const scope = new Scope(snapshot.model, req.principal);
      const ctx = { deps, principal: req.principal, snapshot, scope, req, reply, secureCookie: deps.secureCookie ?? opts.tls !== undefined };
      if (a.who === 'everyone' && typeof a.customer === 'object') await guardRequest(ctx, a.customer);
      const out = await spec.handler(ctx);
      return reply.sent ? reply : out;
    },
  });
}
