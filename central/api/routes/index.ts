// Every route module of the API; the server registers them all through the registry.
import type { RouteSpec } from '../types.js';
import { alertRoutes } from './alerts.js';
import { authRoutes } from './auth.js';
import { contractRoutes } from './contracts.js';
import { energyRoutes } from './energy.js';
import { invoiceRoutes } from './invoices.js';
import { modelRoutes } from './model.js';
import { noteRoutes } from './notes.js';
import { pointRoutes } from './points.js';
import { siteRoutes } from './sites.js';

export const CORE_ROUTES: readonly RouteSpec[] = [
  ...authRoutes,
  ...siteRoutes,
  ...pointRoutes,
  ...energyRoutes,
  ...alertRoutes,
  ...invoiceRoutes,
  ...noteRoutes,
  ...modelRoutes,
  ...contractRoutes,
];
