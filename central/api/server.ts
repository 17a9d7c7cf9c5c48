// The central node's HTTP API: fastify with the OpenAPI document built from the routes' JSON schemas.
// Every route comes from the registry with its access declaration; authentication runs before the
// schema check (401/403 first), the customer guard after it. Each request is a boundary: an error is
// caught once here, counted by code, logged once, and answered in the one error shape (errors.ts).
// Every answer carries the security headers (headers.ts); the client address is the socket's unless the
// request comes through a trusted proxy (api.trustProxy), which sign-in limits and logs rely on.
import swagger from '@fastify/swagger';
import Fastify, { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import type { Principal } from '../auth/service.js';
import { PeriodError } from '../energy/errors.js';
import { ApiError, ERROR_SCHEMA, errorBody, type ErrorCode } from './errors.js';
import { guardRequest } from './guard.js';
import { addSecurityHeaders } from './headers.js';
import { mountMetrics } from './metrics-route.js';
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

export interface ApiServerOptions {
  tls?: ApiTls;
  /** Addresses or networks of reverse proxies whose X-Forwarded-For names the client; none by default. */
  trustProxy?: readonly string[];
}

/** The largest request body (JSON): edits and sign-ins are a few hundred bytes. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

function toApiError(err: unknown, req: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PeriodError) return new ApiError('bad_request', err.message);
  if (err instanceof errorCodes.FST_ERR_CTP_BODY_TOO_LARGE)
    return new ApiError('payload_too_large', `the request body is larger than ${BODY_LIMIT_BYTES} bytes`);
  if (err instanceof errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE) {
    return new ApiError(
      'unsupported_media_type',
      `send the body as JSON (content-type: application/json), not ${JSON.stringify((req.headers['content-type'] ?? '').slice(0, 100))}`,
    );
  }
  const e = err as { validation?: unknown; statusCode?: number; message?: string };
  if (e.validation) return new ApiError('bad_request', e.message ?? 'invalid request', e.validation);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code: ErrorCode =
      e.statusCode === 404
        ? 'not_found'
        : e.statusCode === 429
          ? 'too_many_requests'
          : e.statusCode === 413
            ? 'payload_too_large'
            : e.statusCode === 415
              ? 'unsupported_media_type'
              : 'bad_request';
    return new ApiError(code, e.message ?? 'bad request');
  }
  return new ApiError('internal', 'internal error');
}

/** Builds the server (no I/O): routes of the registry, the OpenAPI document, /metrics when given (staff only unless public). */
export async function buildApi(deps: ApiDeps, opts: ApiServerOptions = {}): Promise<ApiServer> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: opts.trustProxy && opts.trustProxy.length > 0 ? [...opts.trustProxy] : false,
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

  app.addHook('onRequest', async () => {
    stats.requests++;
  });
  addSecurityHeaders(app);
  // Bodies are JSON only: fastify's text/plain parser would turn a form or a text into a string that then
  // fails the schema as a 400, where the answer is 415 (send JSON).
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err, req);
    stats.errors[e.code] = (stats.errors[e.code] ?? 0) + 1;
    const ctx = { method: req.method, url: req.url, user: req.principal?.username, code: e.code };
    if (e.status >= 500) log.error({ ...ctx, err }, 'request failed');
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
  if (deps.metrics) mountMetrics(app, deps.metrics, (req) => authenticate(deps, req));
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

function mount(app: FastifyInstance, spec: RouteSpec, deps: ApiDeps, opts: ApiServerOptions): void {
  const a = spec.access;
  const errors = Object.fromEntries([400, 401, 403, 404].map((s) => [s, ERROR_SCHEMA]));
  app.route({
    method: spec.method,
    url: `${API_PREFIX}${spec.url}`,
    schema: {
      ...spec.schema,
      operationId: spec.id,
      summary: spec.summary,
      tags: [...spec.tags],
      ...(a.who === 'public' ? {} : { security: [{ bearer: [] }, { session: [] }] }),
      response: { ...errors, ...(spec.schema.response ?? {}) },
    },
    onRequest: async (req) => {
      const principal = await authenticate(deps, req);
      if (principal) req.principal = principal;
      if (a.who === 'public') return;
      if (!principal)
        throw new ApiError('unauthorized', 'sign in (POST /api/v1/auth/login) or send an API token (Authorization: Bearer ...)');
      const role = principal.role;
      const self = a.who === 'everyone' && a.customer === 'self';
      if (role === 'customer' && a.who !== 'everyone') throw new ApiError('forbidden', 'not for customer accounts');
      if (role === 'read-only' && (a.who === 'operator' || (spec.method !== 'GET' && !self)))
        throw new ApiError('forbidden', 'read-only accounts change nothing');
    },
    handler: async (req, reply) => {
      const snapshot = deps.models.current();
      const scope = new Scope(snapshot.model, req.principal);
      const ctx = {
        deps,
        principal: req.principal,
        snapshot,
        scope,
        req,
        reply,
        secureCookie: deps.secureCookie ?? opts.tls !== undefined,
      };
      if (a.who === 'everyone' && typeof a.customer === 'object') await guardRequest(ctx, a.customer);
      const out = await spec.handler(ctx);
      return reply.sent ? reply : out;
    },
  });
}
