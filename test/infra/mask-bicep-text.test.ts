import { describe, expect, it } from 'vitest';
import { maskBicepText } from './mask-bicep-text';

describe('maskBicepText', () => {
  it('blanks comments and string contents but keeps positions and newlines', () => {
    const text = "var a = 'x // y' // note\n/* block\n */ param b string";
    const masked = maskBicepText(text);
    expect(masked).toHaveLength(text.length);
    expect(masked.split('\n')).toHaveLength(3);
    expect(masked).not.toMatch(/note|block|x|y/);
    expect(masked).toMatch(/^var a = ' {6}'/);
    expect(masked).toMatch(/param b string$/);
  });

  it('keeps the code inside interpolations, including nested strings', () => {
    const masked = maskBicepText("var u = 'https://${host}/${flag ? 'a' : 'b'}/x'");
    expect(masked).toContain('${host}');
    expect(masked).toContain('flag ?');
    expect(masked).not.toContain('https');
  });

  it('keeps escaped quotes and multi-line strings inside the string', () => {
    const masked = maskBicepText("var a = 'it\\'s' \nvar b = '''\nparam fake string\n'''\nparam real string");
    expect(masked).not.toContain('fake');
    expect(masked).toContain('param real string');
  });

  it('keeps string contents and blanks only comments when asked', () => {
    const masked = maskBicepText("name: 'FC1' // tier: 'Dynamic'", { keepStrings: true });
    expect(masked.trimEnd()).toBe("name: 'FC1'");
  });
});
