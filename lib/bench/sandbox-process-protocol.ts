import type { LocalCertificate } from '../local/tls/create-local-certificate';
import type { SandboxUrls } from '../local/sandbox/sandbox-context';
import type { SandboxSeed } from '../local/sandbox/sandbox-seed';

/**
 * The control channel between the bench and the sandbox cloud running in its own process (Node IPC with
 * `serialization: 'advanced'`, so the seed's Dates arrive as Dates). Only what the bench reads or sets
 * crosses it: the requests themselves go over HTTPS as in every other run.
 */
export type SandboxProcessStart = {
  readonly type: 'start';
  readonly certificate: LocalCertificate;
  readonly seed?: SandboxSeed;
  readonly latencyMs?: number;
};

export type SandboxProcessCommand =
  | { readonly id: number; readonly type: 'setLatency'; readonly ms: number }
  | { readonly id: number; readonly type: 'resetArmReads' }
  | { readonly id: number; readonly type: 'clearRequests' }
  | { readonly id: number; readonly type: 'requestCounts' };

export type SandboxProcessMessage =
  | {
      readonly type: 'ready';
      readonly urls: SandboxUrls;
      readonly identityHeader: string;
      readonly homeTenantId: string;
      readonly managedIdentity: { readonly clientId: string; readonly objectId: string };
    }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'reply'; readonly id: number; readonly result?: unknown; readonly error?: string };
