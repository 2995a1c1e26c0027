import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureError } from '../../errors/app-error';
import type { CompiledRoute } from './compile-route';
import type { RpcHttpData } from './functions-core-types';
import type { HostLog } from './start-queue-listener';

export interface HttpRoute {
  readonly functionName: string;
  readonly route: CompiledRoute;
  /** Upper-case methods the trigger accepts. */
  readonly methods: readonly string[];
}

export interface HttpServerOptions {
  readonly port: number;
  readonly routes: readonly HttpRoute[];
  /** Runs the function with an RPC http request and returns its RPC http response (undefined: none). */
  readonly invoke: (functionName: string, request: RpcHttpData) => Promise<RpcHttpData | undefined>;
  readonly log: HostLog;
}

export interface RunningHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the HTTP triggers on 127.0.0.1: the most specific matching route wins, 404 when no
 * route matches, 405 when one matches but not for this method, 500 when the function throws.
 * Function keys are not checked, as with `func start`.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const routes = [...options.routes].sort((a, b) => b.route.specificity - a.route.specificity);
  const server = http.createServer((req, res) => {
    void handle(req, res);
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const matches = routes
      .map((candidate) => ({ candidate, params: candidate.route.match(url.pathname) }))
      .filter((m): m is { candidate: HttpRoute; params: Record<string, string> } => m.params !== undefined);
    const chosen = matches.find((m) => m.candidate.methods.includes(method));
    const logRequest = (status: number, functionName?: string): void =>
      options.log('info', `HTTP ${method} ${url.pathname} -> ${status}`, { functionName, status });

    if (!chosen) {
      const status = matches.length === 0 ? 404 : 405;
      if (status === 405) res.setHeader('Allow', [...new Set(matches.flatMap((m) => m.candidate.methods))].join(', '));
      res.writeHead(status).end();
      return logRequest(status);
    }
    const { candidate, params } = chosen;
    try {
      const body = await readBody(req);
      const response = await options.invoke(candidate.functionName, {
        method,
        url: url.toString(),
        headers: flattenHeaders(req.headers),
        params,
        ...(body.length > 0 ? { body: { bytes: body } } : {}),
      });
      const status = writeResponse(res, response);
      logRequest(status, candidate.functionName);
    } catch (error) {
      options.log('error', `HTTP ${method} ${url.pathname} failed`, {
        functionName: candidate.functionName,
        error: ensureError(error).message,
      });
      if (!res.headersSent) res.writeHead(500);
      res.end();
      logRequest(500, candidate.functionName);
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function writeResponse(res: http.ServerResponse, response: RpcHttpData | undefined): number {
  // A handler that returns nothing answers 204, as the host does.
  if (!response) {
    res.writeHead(204).end();
    return 204;
  }
  const status = Number(response.statusCode ?? 200) || 200;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  const body = response.body;
  const bytes = body?.bytes
    ? Buffer.from(body.bytes)
    : body?.string !== undefined
      ? Buffer.from(body.string)
      : undefined;
  res.writeHead(status);
  res.end(bytes && bytes.length > 0 ? bytes : undefined);
  return status;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
