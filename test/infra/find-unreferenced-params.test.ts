import { describe, expect, it } from 'vitest';
import { findUnreferencedParams } from './find-unreferenced-params';

describe('findUnreferencedParams', () => {
  it('reports a param that only appears as an object key or in a comment', () => {
    const bicep = 'param location string\nparam used string\nvar x = {\n  location: used // location\n}';
    expect(findUnreferencedParams(bicep)).toEqual(['location']);
  });

  it('counts values, interpolations, ternaries and arguments as uses', () => {
    const bicep = [
      'param a string',
      'param b string',
      'param c bool',
      'param d string',
      "var x = { k: a, u: '${b}/x' }",
      "var y = c ? d : ''",
    ].join('\n');
    expect(findUnreferencedParams(bicep)).toEqual([]);
  });

  it('does not count a property of the same name on another symbol', () => {
    expect(findUnreferencedParams('param name string\noutput n string = app.name')).toEqual(['name']);
  });
});
