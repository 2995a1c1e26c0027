// The connection test report as the API returns it (read loosely: the API owns the shape). Shared by
// `ctc test` and the onboarding commands, which print the test run that follows a stored secret.
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

export interface TestReport {
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

/** The report as lines: verdict, each stage and resource, and every failure explained with its fix. */
export function formatTestReport(id: string, body: TestReport): string[] {
  return [`${id}: ${body.ok ? 'OK' : 'FAILED'}${body.verdict ? ` — ${body.verdict}` : ''}`, ...formatTestDetails(body)];
}

/** Each stage and resource with its mark, and every failure explained with its fix. */
export function formatTestDetails(body: TestReport): string[] {
  const lines: string[] = [];
  for (const stage of body.stages ?? []) {
    lines.push(`  ${stage.ok ? '✓' : '✗'} ${stage.stage}: ${stage.detail}`);
    if (stage.diagnosis) lines.push(...explain(stage.diagnosis));
  }
  for (const r of body.resources ?? []) {
    const mark = r.verdict === 'ready' ? '✓' : r.verdict === 'notChecked' ? '·' : '✗';
    lines.push(`  ${mark} ${r.resourceId.split('/').pop()}: ${r.summary ?? r.verdict ?? ''}`);
    if (r.diagnosis) lines.push(...explain(r.diagnosis));
  }
  if (body.durationMs !== undefined) lines.push(`  (${(body.durationMs / 1000).toFixed(1)} s)`);
  return lines;
}
