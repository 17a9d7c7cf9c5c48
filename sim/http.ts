// The small JSON-over-HTTP server under the simulators' control APIs.
import { createServer, type IncomingMessage } from 'node:http';
import type { RunningServer } from './modbus/servers.js';

export interface JsonReply {
  status: number;
  body: unknown;
}

/** Routes get the path segments, the method and the parsed body; a thrown error is a 400. */
export type JsonRoutes = (parts: string[], method: string, body: () => Promise<unknown>) => JsonReply | Promise<JsonReply>;

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text === '' ? {} : JSON.parse(text);
}

export const reply = (status: number, body: unknown): JsonReply => ({ status, body });

export function serveJson(host: string, port: number, routes: JsonRoutes): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const parts = (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    Promise.resolve()
      .then(() => routes(parts, req.method ?? 'GET', () => readBody(req)))
      .catch((err: unknown) => reply(400, { error: err instanceof Error ? err.message : String(err) }))
      .then((r) => {
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(r.body));
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        address: `${host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    );
  });
}
