import { startSandboxCloud, type SandboxCloud } from '../local/sandbox/start-sandbox-cloud';
import type { SandboxProcessCommand, SandboxProcessMessage, SandboxProcessStart } from './sandbox-process-protocol';

/**
 * Entry of the sandbox cloud's own process (forked by `startSandboxProcess`): waits for the start message,
 * serves the cloud, answers the bench's control commands. Exits as soon as the IPC channel closes, which the
 * OS does however the parent ends (error, Ctrl-C, SIGKILL), so it never outlives the bench.
 */
function main(): void {
  const send = (message: SandboxProcessMessage): void => void process.send?.(message);
  if (!process.send) {
    console.error('sandbox-process-main runs only as a forked child (startSandboxProcess)');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  let cloud: SandboxCloud | undefined;
  process.on('message', (message: SandboxProcessStart | SandboxProcessCommand) => {
    if (message.type === 'start') {
      startSandboxCloud({
        certificate: message.certificate,
        ...(message.seed ? { seed: message.seed } : {}),
        ...(message.latencyMs !== undefined ? { latencyMs: message.latencyMs } : {}),
      }).then(
        (started) => {
          cloud = started;
          const { urls, identityHeader, homeTenantId, managedIdentity } = started;
          send({ type: 'ready', urls, identityHeader, homeTenantId, managedIdentity });
        },
        (error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
    if (!cloud) return send({ type: 'reply', id: message.id, error: 'the sandbox cloud has not started' });
    send({ type: 'reply', id: message.id, result: run(cloud, message) });
  });
}

function run(cloud: SandboxCloud, command: SandboxProcessCommand): unknown {
  switch (command.type) {
    case 'setLatency':
      cloud.state.latencyMs = command.ms;
      return undefined;
    case 'resetArmReads':
      cloud.state.armReads.reset();
      return undefined;
    case 'clearRequests':
      cloud.requests.clear();
      return undefined;
    case 'requestCounts':
      return cloud.requests.counts();
  }
}

main();
