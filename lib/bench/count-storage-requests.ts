import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** Which Azurite service an endpoint is, by its `host:port`. */
export type StorageServiceOf = (hostAndPort: string) => 'blob' | 'queue' | 'table' | undefined;

export interface StorageRequestCounter {
  /** Requests per kind since the last reset, e.g. `table batch`, `table query`, `blob put`. */
  counts(): Readonly<Record<string, number>>;
  reset(): void;
  close(): void;
}

/**
 * Counts every storage request this process makes, by kind, without touching the app: Node publishes each
 * outgoing HTTP request on the `http.client.request.start` diagnostics channel, and the Azure SDKs send
 * through `node:https`. Storage requests are told apart from the sandbox cloud's by the Azurite ports.
 * The channel exists on Node ≥ 18.19 / 20 (nodejs.org/api/diagnostics_channel.html, "HTTP").
 */
export function countStorageRequests(serviceOf: StorageServiceOf): StorageRequestCounter {
  const channel = diagnosticsChannel.channel('http.client.request.start');
  let counts: Record<string, number> = {};
  const onRequest = (message: unknown): void => {
    const request = (message as { request?: ClientRequest }).request;
    if (!request) return;
    const host = String(request.getHeader('host') ?? request.host ?? '');
    const service = serviceOf(host);
    if (!service) return;
    const kind = `${service} ${storageOperation(service, request.method, request.path)}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  channel.subscribe(onRequest);
  return {
    counts: () => ({ ...counts }),
    reset: () => void (counts = {}),
    close: () => channel.unsubscribe(onRequest),
  };
}

/** A short operation name from the REST call's method and path (Table, Blob and Queue REST APIs). */
export function storageOperation(service: 'blob' | 'queue' | 'table', method: string, path: string): string {
  const [pathname = '', query = ''] = path.split('?');
  if (service === 'table') {
    if (/\/\$batch$/.test(pathname)) return 'batch';
    if (/\/Tables(\(|$)/.test(pathname)) return method === 'GET' ? 'list tables' : 'create table';
    // The table is the last path segment before `(`: per-table counts show which table a cost comes from
    // (a transaction names its table only in its body, so batches stay one kind).
    const table = /\/([^/(]+)\([^/]*$/.exec(pathname)?.[1] ?? /\/([^/(]+)$/.exec(pathname)?.[1] ?? '?';
    if (method === 'GET') {
      return `${/\(PartitionKey=.*RowKey=.*\)$/.test(decodeURIComponent(pathname)) ? 'get' : 'query'} ${table}`;
    }
    return `${method === 'DELETE' ? 'delete' : 'upsert'} ${table}`;
  }
  if (service === 'queue') {
    if (/\/messages/.test(pathname)) {
      return method === 'GET' ? 'receive' : method === 'POST' ? 'send' : method === 'DELETE' ? 'delete' : 'update';
    }
    return /comp=metadata/.test(query) ? 'metadata' : method === 'PUT' ? 'create queue' : method.toLowerCase();
  }
  if (/restype=container/.test(query)) return method === 'PUT' ? 'create container' : 'list';
  return method === 'GET' ? 'get' : method === 'HEAD' ? 'properties' : method === 'PUT' ? 'put' : method.toLowerCase();
}
