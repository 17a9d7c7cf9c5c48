// Pieces the route modules share: query schemas, period parsing in a site's zone, typed access to the
// validated request, and the model editor with how its refusals are answered.
import { parseTimeSpec, resolveTimeSpec } from '../../model/time.js';
import type { IntervalMs } from '../../model/types.js';
import { ApiError, badRequest } from '../errors.js';
import type { RouteContext } from '../types.js';

export const ID = { type: 'string', minLength: 1, maxLength: 160 } as const;
/** A month as invoices and notes name it: YYYY-MM. */
export const MONTH = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' } as const;
export const TIME = {
  type: 'string',
  minLength: 10,
  maxLength: 40,
  description: "a local date YYYY-MM-DD (midnight in the site's zone) or a timestamp with an offset",
} as const;
export const PERIOD_PROPS = { from: TIME, to: TIME } as const;

export function query<T>(ctx: RouteContext): T {
  return ctx.req.query as T;
}

export function params<T>(ctx: RouteContext): T {
  return ctx.req.params as T;
}

export function body<T>(ctx: RouteContext): T {
  return ctx.req.body as T;
}

/** An instant from a local date in the zone or a timestamp with an offset. */
export function instant(text: string, timeZone: string, what: string): number {
  const spec = parseTimeSpec(text);
  const ms = spec ? resolveTimeSpec(spec, timeZone) : undefined;
  if (ms === undefined) throw badRequest(`${what} "${text}" is neither a local date (YYYY-MM-DD) nor a timestamp with an offset`);
  return ms;
}

/** [from, to) in the zone; either end may be absent (then open on that side). */
export function period(q: { from?: string; to?: string }, timeZone: string, dflt?: IntervalMs): IntervalMs {
  const fromMs = q.from !== undefined ? instant(q.from, timeZone, 'from') : (dflt?.fromMs ?? -8.64e15);
  const toMs = q.to !== undefined ? instant(q.to, timeZone, 'to') : (dflt?.toMs ?? 8.64e15);
  if (!(toMs > fromMs)) throw badRequest(`"to" must be after "from"`);
  return { fromMs, toMs };
}

export function zoneOf(ctx: RouteContext, site: string | undefined): string {
  return (site === undefined ? undefined : ctx.snapshot.model.sites.get(site)?.timeZone) ?? 'UTC';
}

/** A refused edit: 400 with the model's problems, 409 when the stored edits moved on meanwhile. */
export function refused(message: string, r: { problems: string[]; conflict?: true }): ApiError {
  return r.conflict ? new ApiError('conflict', message, r.problems) : badRequest(message, r.problems);
}

/** The model holder that takes edits; without one (a node that only reads) the edit routes answer 503. */
export function editor(ctx: RouteContext): NonNullable<RouteContext['deps']['editor']> {
  if (!ctx.deps.editor) throw new ApiError('unavailable', "edits need the central node's model holder");
  return ctx.deps.editor;
}
