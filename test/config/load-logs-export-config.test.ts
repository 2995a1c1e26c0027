import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load-config';
import { isAppError } from '../../lib/errors/app-error';

const minimal = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  KEY_VAULT_URL: 'https://kv-ctc.vault.azure.net/',
};
const endpoint = 'https://dce-ctc-x.westeurope-1.ingest.monitor.azure.com';
const ruleId = 'dcr-0123456789abcdef0123456789abcdef';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...minimal, ...env });
  } catch (error) {
    if (isAppError(error)) return error.details.problems as string[];
    throw error;
  }
  return [];
}

describe('loadConfig: the analytics export', () => {
  it('is off without an endpoint', () => {
    expect(loadConfig(minimal).logsExport).toBeUndefined();
  });

  it('is on with an endpoint and a rule id, with the default streams', () => {
    expect(
      loadConfig({ ...minimal, LOGS_INGESTION_ENDPOINT: `${endpoint}/`, LOGS_INGESTION_RULE_ID: ruleId }).logsExport,
    ).toEqual({
      endpoint,
      ruleId,
      streams: { metrics: 'Custom-CtcMetrics', runs: 'Custom-CtcRuns', health: 'Custom-CtcHealth' },
    });
  });

  it('names each half-configured or malformed setting', () => {
    expect(problemsOf({ LOGS_INGESTION_ENDPOINT: endpoint })).toEqual([
      'LOGS_INGESTION_RULE_ID is required when LOGS_INGESTION_ENDPOINT is set',
    ]);
    expect(problemsOf({ LOGS_INGESTION_RULE_ID: ruleId })).toEqual([
      'LOGS_INGESTION_RULE_ID is set but LOGS_INGESTION_ENDPOINT is not',
    ]);
    const problems = problemsOf({
      LOGS_INGESTION_ENDPOINT: 'http://dce.local',
      LOGS_INGESTION_RULE_ID: '/subscriptions/x/dataCollectionRules/dcr-ctc',
      LOGS_RUNS_STREAM: 'CtcRuns_CL',
    });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/LOGS_INGESTION_ENDPOINT must be an https URL/);
    expect(problems.join('\n')).toMatch(/LOGS_INGESTION_RULE_ID must be a rule's immutable id/);
    expect(problems.join('\n')).toMatch(/LOGS_RUNS_STREAM must name a custom stream/);
  });
});
