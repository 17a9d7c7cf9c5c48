// What the status server serves: the page, its JSON and the Prometheus text, all read at request time.
import type { GatewayMetrics } from './metrics.js';
import { renderStatusPage } from './page.js';
import type { Page, Routes } from './server.js';
import { statusSnapshot } from './snapshot.js';
import type { GatewayView } from './view.js';

export function statusRoutes(view: GatewayView, metrics: Pick<GatewayMetrics, 'contentType' | 'render'>): Routes {
  return new Map<string, () => Page | Promise<Page>>([
    ['/', () => ({ contentType: 'text/html; charset=utf-8', body: renderStatusPage(statusSnapshot(view)) })],
    [
      '/status.json',
      () => ({ contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(statusSnapshot(view), null, 1)}\n` }),
    ],
    ['/metrics', async () => ({ contentType: metrics.contentType, body: await metrics.render() })],
  ]);
}
