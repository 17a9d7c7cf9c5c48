// Every route module of the API; the server registers them all through the registry.
import type { RouteSpec } from '../types.js';
import { authRoutes } from './auth.js';
import { siteRoutes } from './sites.js';

export const CORE_ROUTES: readonly RouteSpec[] = [...authRoutes, ...siteRoutes];
