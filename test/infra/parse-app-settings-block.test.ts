import { describe, expect, it } from 'vitest';
import { APP_SETTINGS_BEGIN, APP_SETTINGS_END, parseAppSettingsBlock } from './parse-app-settings-block';

const wrap = (body: string): string => `param x string\n${APP_SETTINGS_BEGIN}\n// why\n${body}\n${APP_SETTINGS_END}\n`;

describe('parseAppSettingsBlock', () => {
  it('reads each NAME: value line of the appSettings literal', () => {
    const settings = parseAppSettingsBlock(
      wrap(
        "var appSettings = {\n  A: 'x' // note\n  B__c: 'ClientId=${id};Authorization=AAD'\n  C: environment().resourceManager\n}",
      ),
    );
    expect([...settings]).toEqual([
      ['A', "'x'"],
      ['B__c', "'ClientId=${id};Authorization=AAD'"],
      ['C', 'environment().resourceManager'],
    ]);
  });

  it('rejects a nested object, a spread or a duplicate instead of half-reading it', () => {
    expect(() => parseAppSettingsBlock(wrap('var appSettings = {\n  A: {\n    b: 1\n  }\n}'))).toThrow(/NAME: value/);
    expect(() => parseAppSettingsBlock(wrap('var appSettings = {\n  ...other\n}'))).toThrow(/NAME: value/);
    expect(() => parseAppSettingsBlock(wrap("var appSettings = {\n  A: 'x'\n  A: 'y'\n}"))).toThrow(/set twice/);
  });

  it('rejects missing markers and a literal that is not the appSettings variable', () => {
    expect(() => parseAppSettingsBlock("var appSettings = {\n  A: 'x'\n}")).toThrow(/markers not found/);
    expect(() => parseAppSettingsBlock(wrap("var other = {\n  A: 'x'\n}"))).toThrow(/var appSettings/);
    expect(() => parseAppSettingsBlock(wrap("var appSettings = {\n  A: 'x'"))).toThrow(/not closed/);
  });
});
