// The gateway's own small HTTP server (node:http; nothing heavier on a Pi): GET /metrics, /status.json and
// the installer's page at /. Read-only; each request is a boundary that catches, logs and answers 500.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface Page {
  contentType: string;
  body: string;
}

/** Path -> what it serves. Unknown paths are 404, methods other than GET and HEAD 405. */
export type Routes = ReadonlyMap<string, () => Page | Promise<Page>>;

export interface StatusServerDeps {
  options: { host: string; port: number };
  routes: Routes;
  log: Logger;
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'is already in use (another gateway or program?)',
  EACCES: 'may not be opened by this user (ports under 1024 need privileges)',
  EADDRNOTAVAIL: 'is not an address of this machine',
};

export class StatusServerError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'StatusServerError';
  }
}

export class StatusServer {
  private server: Server | undefined;

  constructor(private readonly deps: StatusServerDeps) {}

  /** Listens; a port in use or not allowed rejects with a StatusServerError saying which setting to change. */
  async start(): Promise<{ url: string }> {
    const { host, port } = this.deps.options;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = LISTEN_ERRORS[err.code ?? ''] ?? `failed: ${err.message}`;
        reject(
          new StatusServerError(
            `status page: ${host}:${port} ${why}; change status.host or status.port in gateway.yaml, or set status.enabled: false`,
            err.code,
          ),
        );
      });
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.deps.log.info({ url }, 'status page listening');
    return { url };
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const route = this.deps.routes.get(path);
    if (!route) return send(res, 404, { contentType: 'text/plain; charset=utf-8', body: `not found: ${path}\n` });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, { contentType: 'text/plain; charset=utf-8', body: 'only GET and HEAD\n' });
    }
    try {
      const page = await route();
      send(res, 200, page, req.method === 'HEAD');
    } catch (err) {
      this.deps.log.error({ err, path }, 'status request failed');
      send(res, 500, { contentType: 'text/plain; charset=utf-8', body: 'internal error; see the gateway log\n' });
    }
  }
}

function send(res: ServerResponse, status: number, page: Page, headOnly = false): void {
  const body = Buffer.from(page.body);
  res.writeHead(status, { 'Content-Type': page.contentType, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(headOnly ? undefined : body);
}
