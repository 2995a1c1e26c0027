import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { EXIT_FAILURE } from '../cli-error';
import { setExitCode } from '../set-exit-code';
import { withProgress } from '../with-progress';

interface Diagnosis {
  code: string;
  title?: string;
  cause?: string;
  fix?: string;
  who?: string;
  commands?: { powershell: string; azCli: string };
  docs?: string;
}

/** The explanation of one failure: cause, whose move it is, the fix and the commands with real ids. */
function explain(diagnosis: Diagnosis): string[] {
  const indent = (text: string) => text.split('\n').map((l) => `        ${l}`);
  return [
    `      ${diagnosis.code}${diagnosis.title ? ` — ${diagnosis.title}` : ''}`,
    ...(diagnosis.cause ? [`      cause: ${diagnosis.cause}`] : []),
    ...(diagnosis.fix ? [`      fix (${diagnosis.who ?? 'someone'} acts): ${diagnosis.fix}`] : []),
    ...(diagnosis.commands
      ? [
          '      PowerShell:',
          ...indent(diagnosis.commands.powershell),
          '      az CLI:',
          ...indent(diagnosis.commands.azCli),
        ]
      : []),
    ...(diagnosis.docs ? [`      docs: ${diagnosis.docs}`] : []),
  ];
}

// The connection test report as the API returns it (read loosely; the API owns the shape).
interface TestReport {
  ok: boolean;
  verdict?: string;
  durationMs?: number;
  stages?: Array<{
    stage: string;
    ok: boolean;
    detail: string;
    diagnosis?: Diagnosis;
  }>;
  resources?: Array<{ resourceId: string; verdict?: string; summary?: string; diagnosis?: Diagnosis }>;
}

/** `ctc test <id>`: runs the connection test; exit 1 when access does not work. */
export function registerTestCommand(program: Command, context: CliContext): Command {
  return program
    .command('test')
    .description('check that the collector can reach a customer (Key Vault, sign-in, each resource)')
    .argument('<id>', 'customer id')
    .option('--json', 'print the full report as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const { body } = await withProgress(context.io, `Testing ${id}`, () =>
        context.api(command).request<TestReport>('POST', `customers/${encodeURIComponent(id)}/test`),
      );
      if (!body.ok) setExitCode(command, EXIT_FAILURE);
      if (options.json) return context.io.out(`${JSON.stringify(body, null, 2)}\n`);
      const lines = [`${id}: ${body.ok ? 'OK' : 'FAILED'}${body.verdict ? ` — ${body.verdict}` : ''}`];
      for (const stage of body.stages ?? []) {
        lines.push(`  ${stage.ok ? '✓' : '✗'} ${stage.stage}: ${stage.detail}`);
        if (stage.diagnosis) lines.push(...explain(stage.diagnosis));
      }
      for (const r of body.resources ?? []) {
        lines.push(
          `  ${r.verdict === 'ready' ? '✓' : r.verdict === 'notChecked' ? '·' : '✗'} ${r.resourceId.split('/').pop()}: ${r.summary ?? r.verdict ?? ''}`,
        );
        if (r.diagnosis) lines.push(...explain(r.diagnosis));
      }
      if (body.durationMs !== undefined) lines.push(`  (${(body.durationMs / 1000).toFixed(1)} s)`);
      context.io.out(`${lines.join('\n')}\n`);
    });
}
