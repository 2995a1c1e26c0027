import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureError } from '../../errors/app-error';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../../http/problem-response';
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
  /**
   * The `X-MS-CLIENT-PRINCIPAL` value to pass to every function, as App Service Authentication would after
   * validating a caller (the local host's development principal). Headers of that family sent by the client
   * are always dropped, as App Service drops them; without this option no principal reaches the functions.
   */
  readonly clientPrincipal?: string;
}

export interface RunningHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Loopback names only: a page on another site that rebinds its DNS name to 127.0.0.1 sends its own name. */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;
/** Headers App Service Authentication owns: never taken from the client. */
const EASY_AUTH_HEADER = /^x-ms-(?:client-principal|token-)/i;

/**
 * Serves the HTTP triggers on 127.0.0.1: the most specific matching route wins, 404 when no
 * route matches, 405 when one matches but not for this method, 500 when the function throws; every
 * answer of its own is problem+json. Function keys are not checked, as with `func start`; instead it
 * holds the line App Service would: only loopback Host headers (DNS rebinding), no cross-site Origin,
 * a malformed request is a 400 and never stops the server, and client-sent Easy Auth headers are dropped.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const routes = [...options.routes].sort((a, b) => b.route.specificity - a.route.specificity);
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log('error', `HTTP request failed: ${ensureError(error).message}`);
      if (!res.headersSent) sendProblem(res, 500, 'InternalError', 'The local host failed to answer this request');
      else res.end();
    });
  });
  // Requests node's parser refuses (bad request line, header syntax) get a 400 instead of a dropped socket.
  server.on('clientError', (_error, socket) => {
    if (!socket.writable) return socket.destroy();
    const body = JSON.stringify(problemBody(400, 'BadRequest', 'The request could not be parsed'));
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const refuse = (status: number, code: string, detail: string): void => {
      sendProblem(res, status, code, detail);
      options.log('info', `HTTP ${method} -> ${status} (${code})`, { status });
    };
    const host = req.headers.host ?? '';
    if (!LOOPBACK_HOST.test(host)) {
      req.resume();
      return refuse(400, 'InvalidHost', 'The local host answers only Host 127.0.0.1, localhost or [::1] (with a port)');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !isLoopbackOrigin(origin)) {
      req.resume();
      return refuse(403, 'CrossOriginRefused', 'The local host refuses requests a page from another origin sends');
    }
    const url = URL.parse(req.url ?? '/', `http://${host}`);
    if (!url) {
      req.resume();
      return refuse(400, 'BadRequest', 'The request target is not a valid path');
    }
    const matches = routes
      .map((candidate) => ({ candidate, params: candidate.route.match(url.pathname) }))
      .filter((m): m is { candidate: HttpRoute; params: Record<string, string> } => m.params !== undefined);
    const chosen = matches.find((m) => m.candidate.methods.includes(method));
    const logRequest = (status: number, functionName?: string): void =>
      options.log('info', `HTTP ${method} ${url.pathname} -> ${status}`, { functionName, status });

    if (!chosen) {
      req.resume();
      if (matches.length === 0) {
        sendProblem(res, 404, 'RouteNotFound', `No function serves ${url.pathname}`, url.pathname);
        return logRequest(404);
      }
      const allowed = [...new Set(matches.flatMap((m) => m.candidate.methods))];
      res.setHeader('Allow', allowed.join(', '));
      sendProblem(
        res,
        405,
        'MethodNotAllowed',
        `${method} is not allowed here; use ${allowed.join(', ')}`,
        url.pathname,
      );
      return logRequest(405);
    }
    const { candidate, params } = chosen;
    try {
      const body = await readBody(req);
      const headers = flattenHeaders(req.headers);
      if (options.clientPrincipal) headers['x-ms-client-principal'] = options.clientPrincipal;
      const response = await options.invoke(candidate.functionName, {
        method,
        url: url.toString(),
        headers,
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
      if (!res.headersSent)
        sendProblem(res, 500, 'InternalError', 'The function failed; see the host log', url.pathname);
      else res.end();
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
    if (value !== undefined && !EASY_AUTH_HEADER.test(name))
      flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function sendProblem(res: http.ServerResponse, status: number, code: string, detail: string, instance?: string): void {
  const body = JSON.stringify(problemBody(status, code, detail, instance));
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) }).end(body);
}

function isLoopbackOrigin(origin: string): boolean {
  const parsed = URL.parse(origin);
  return !!parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK_HOST.test(parsed.host);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
