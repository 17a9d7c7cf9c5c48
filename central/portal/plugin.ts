// The portal on the API's server: its files at / (a fixed table read at start; no build server at
// runtime) and its data routes through the API's registry, so they pass the same authentication, roles
// and customer confinement as every other route, and the isolation test walks them too.
import type { ApiPlugin } from '../api/types.js';
import { loadAssets, type Asset } from './assets.js';
import { PORTAL_ROUTES } from './routes/portal-routes.js';

export function portalPlugin(opts: { assets?: Map<string, Asset> } = {}): ApiPlugin {
  return (app, api) => {
    const assets = opts.assets ?? loadAssets();
    for (const [url, a] of assets) {
      const cache = url === '/' || url.endsWith('.html') ? 'no-cache' : 'public, max-age=300';
      app.get(url, { schema: { hide: true } }, async (_req, reply) =>
        reply.header('content-type', a.type).header('cache-control', cache).send(a.body),
      );
    }
    for (const spec of PORTAL_ROUTES) api.routes.add(spec);
  };
}
