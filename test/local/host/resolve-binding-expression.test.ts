import { describe, expect, it } from 'vitest';
import { resolveBindingExpression } from '../../../lib/local/host/resolve-binding-expression';

describe('resolveBindingExpression', () => {
  it('replaces %NAME% with the app setting', () => {
    expect(resolveBindingExpression('%COLLECT_SCHEDULE%', { COLLECT_SCHEDULE: '0 0 * * * *' })).toBe('0 0 * * * *');
    expect(resolveBindingExpression('jobs-%ENV%', { ENV: 'dev' })).toBe('jobs-dev');
  });

  it('fails start-up on a setting that is not there', () => {
    expect(() => resolveBindingExpression('%MISSING%', {})).toThrow(/MISSING/);
  });
});
