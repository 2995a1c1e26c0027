import { CliError, EXIT_USAGE } from './cli-error';

/** Default base URL: the local host that `npm start` runs. */
export const DEFAULT_API_URL = 'http://127.0.0.1:7071';

export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface ApiRequest {
  readonly query?: Record<string, string | readonly string[] | undefined>;
  readonly body?: unknown;
  readonly accept?: string;
  /** Statuses the caller handles itself instead of an error (e.g. 404 when probing). */
  readonly allow?: readonly number[];
}

/**
 * The CLI talks to the collector's HTTP API only (locally, or in Azure with an Entra ID access token that
 * App Service Authentication validates), so it needs no storage or Key Vault rights of its own and every rule the API
 * enforces (validation, secrets never returned) holds for it too.
 */
export class ApiClient {
  private readonly base: URL;

  constructor(
    baseUrl: string,
    /** Entra ID access token for the collector's app registration (Azure); none locally. */
    private readonly accessToken?: string,
  ) {
    try {
      this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    } catch {
      throw new CliError(`--url "${baseUrl}" is not a URL (e.g. ${DEFAULT_API_URL})`, EXIT_USAGE);
    }
  }

  get baseUrl(): string {
    return this.base.origin + this.base.pathname.replace(/\/$/, '');
  }

  /** `path` is relative to `/api`, e.g. `customers/contoso`. */
  async request<T = unknown>(method: string, path: string, options: ApiRequest = {}): Promise<ApiResponse<T>> {
    const url = new URL(`api/${path}`, this.base);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value === undefined) continue;
      for (const v of typeof value === 'string' ? [value] : value) url.searchParams.append(name, v);
    }
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (this.accessToken) headers['authorization'] = `Bearer ${this.accessToken}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch (error) {
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(
        `Cannot reach the collector API at ${this.baseUrl} (${reason}). Is \`npm start\` running? Set --url or CTC_URL for a deployment.`,
      );
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    const body = (type.includes('json') && text ? JSON.parse(text) : text) as T;
    if (response.ok || options.allow?.includes(response.status))
      return { status: response.status, body, headers: response.headers };
    throw new CliError(describeFailure(method, url, response.status, body));
  }
}

function describeFailure(method: string, url: URL, status: number, body: unknown): string {
  const problem = typeof body === 'object' && body !== null ? (body as { detail?: string; code?: string }) : {};
  if (problem.detail) return `${problem.detail}${problem.code ? ` (${problem.code})` : ''}`;
  if (status === 401) return `401 from ${url.pathname}: pass an Entra ID access token with --token or CTC_TOKEN`;
  if (status === 403) return `403 from ${url.pathname}: your principal lacks the app role this needs`;
  if (status === 404)
    return `${method} ${url.pathname} answered 404: no such route on ${url.origin} (an older deployment?)`;
  return `${method} ${url.pathname} failed with HTTP ${status}`;
}
