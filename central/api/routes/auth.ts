// Sign-in and sign-out with a session cookie, and who the caller is.
import { ApiError } from '../errors.js';
import { sessionCookie, sessionOf } from '../cookies.js';
import type { RouteSpec } from '../types.js';
import { body } from './common.js';

const ME = {
  type: 'object',
  required: ['username', 'role'],
  properties: {
    username: { type: 'string' },
    role: { type: 'string', enum: ['operator', 'read-only', 'customer'] },
    customer: { type: 'string' },
    customerName: { type: 'string' },
  },
} as const;

export const authRoutes: RouteSpec[] = [
  {
    id: 'login',
    method: 'POST',
    url: '/auth/login',
    summary: 'Sign in: sets an HttpOnly, SameSite=Strict session cookie',
    tags: ['auth'],
    access: { who: 'public' },
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', minLength: 1, maxLength: 128 },
          password: { type: 'string', minLength: 1, maxLength: 1024 },
        },
      },
      response: { 200: { ...ME, properties: { ...ME.properties, expiresAt: { type: 'number' } } } },
    },
    handler: async (ctx) => {
      const b = body<{ username: string; password: string }>(ctx);
      const r = await ctx.deps.auth.login(b.username, b.password, ctx.req.ip);
      if (!r.ok && r.reason === 'blocked') {
        void ctx.reply.header('retry-after', String(Math.ceil(r.retryAfterMs / 1000)));
        throw new ApiError('too_many_requests', 'too many failed sign-ins; try again later');
      }
      if (!r.ok) throw new ApiError('unauthorized', 'wrong username or password');
      void ctx.reply.header('set-cookie', sessionCookie(r.session, (r.expiresAt - ctx.deps.clock.now()) / 1000, ctx.secureCookie));
      return { ...r.principal, expiresAt: r.expiresAt };
    },
  },
  {
    id: 'logout',
    method: 'POST',
    url: '/auth/logout',
    summary: 'Sign out: ends the session and clears the cookie',
    tags: ['auth'],
    access: { who: 'everyone', customer: 'self' },
    schema: {},
    handler: async (ctx) => {
      const s = sessionOf(ctx.req.headers.cookie);
      if (s !== undefined) await ctx.deps.auth.logout(s);
      void ctx.reply.header('set-cookie', sessionCookie('', 0, ctx.secureCookie));
      return { ok: true };
    },
  },
  {
    id: 'me',
    method: 'GET',
    url: '/me',
    summary: 'The signed-in user: name, role and customer',
    tags: ['auth'],
    access: { who: 'everyone', customer: 'self' },
    schema: { response: { 200: ME } },
    handler: async (ctx) => {
      const p = ctx.principal!;
      const name = p.customer === undefined ? undefined : ctx.snapshot.model.customers.get(p.customer)?.name;
      return { username: p.username, role: p.role, customer: p.customer, customerName: name || undefined };
    },
  },
];
