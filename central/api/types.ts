// The API's seams: what the server is built from (one deps object), what a route declares (method, url,
// schemas, who may call it and how a customer is confined), and what its handler gets.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Billing } from '../billing/compose.js';
import type { AuthService, Principal } from '../auth/service.js';
import type { ModelHolder, ModelSnapshot, ModelSource } from '../model/holder.js';
import type { Scope } from './scope.js';
import type { EnergyReport, EnergyReportQuery } from '../energy/customer-report.js';
import type { InventoryModel } from '../model/types.js';
import type { CentralStore } from '../storage/readings/types.js';

export interface ApiMetrics {
  contentType: string;
  render(): Promise<string>;
  /** Who may read them: staff (a signed-in operator or read-only user, or their token; the default) or anyone. */
  access?: 'staff' | 'public';
}

export interface ApiDeps {
  store: CentralStore;
  /** Invoices and notes; absent when central.yaml has no billing section (the invoice and note routes answer empty lists). */
  billing?: Pick<Billing, 'store' | 'render' | 'renderNote'>;
  models: ModelSource;
  /** Needed by the edit routes; without it assignments, tariffs, contracts and accounts are read-only. */
  editor?: Pick<
    ModelHolder,
    'addAssignment' | 'addTariffVersion' | 'allAssignments' | 'addAccount' | 'addContractVersion' | 'addUtilityPrice'
  >;
  auth: AuthService;
  clock: { now(): number };
  log: Logger;
  /** Served at GET /metrics (Prometheus text) when given. */
  metrics?: ApiMetrics;
  /** Registered after the API's routes: static assets, portal pages, extra routes (register through `routes`). */
  plugins?: readonly ApiPlugin[];
  /** The customer energy report (energy/customer-report.ts) or a cache in front of it (energy-cache.ts). */
  energy?: CustomerEnergy;
  /** Sets Secure on the session cookie (on by default with TLS). */
  secureCookie?: boolean;
}

export type CustomerEnergy = (args: { model: InventoryModel; version: number; query: EnergyReportQuery }) => Promise<EnergyReport>;

export type ApiPlugin = (app: FastifyInstance, api: { routes: RouteRegistryLike; deps: ApiDeps }) => Promise<void> | void;

export interface RouteRegistryLike {
  add(spec: RouteSpec): void;
}

/**
 * How a customer's view of a route is confined. `self`: the caller's own identity only (me, sign-out);
 * `filtered`: the handler lists only what ctx.scope lets it see; a guard: the named request field must be
 * a site, point, invoice, note or customer of the caller's, or the answer is 404 before the handler runs.
 */
export type CustomerScope =
  'self' | 'filtered' | { guard: 'site' | 'point' | 'invoice' | 'note' | 'customer'; in: 'params' | 'query'; key: string };

/**
 * Who may call: `public` (no sign-in), `staff` (operator and read-only; reads), `operator` (changes),
 * `everyone` (staff and customers, the latter confined by `customer`). read-only never passes a method
 * other than GET unless the scope is `self`.
 */
export type RouteAccess = { who: 'public' } | { who: 'staff' } | { who: 'operator' } | { who: 'everyone'; customer: CustomerScope };

export interface RouteSchema {
  querystring?: object;
  params?: object;
  body?: object;
  response?: Record<number, object>;
}

export interface RouteContext {
  deps: ApiDeps;
  /** Undefined only on public routes. */
  principal: Principal | undefined;
  /** The model of this request (one snapshot throughout) and what the caller may see of it. */
  snapshot: ModelSnapshot;
  scope: Scope;
  /** Whether the session cookie is sent with Secure (TLS, or configured). */
  secureCookie: boolean;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec {
  /** Unique, the operationId in the OpenAPI document. */
  id: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Under /api/v1, fastify syntax (`/sites/:site`). */
  url: string;
  summary: string;
  tags: readonly string[];
  access: RouteAccess;
  schema: RouteSchema;
  /** What the handler returns is sent as JSON (or as it is when the handler sent the reply itself). */
  handler(ctx: RouteContext): Promise<unknown>;
}
