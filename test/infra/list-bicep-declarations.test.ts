import { describe, expect, it } from 'vitest';
import { listBicepDeclarations } from './list-bicep-declarations';

const BICEP = `
@description('has = in a string')
param a string
param b int = 3
// param commented string
var token = toLower(uniqueString('x'))
module m 'modules/m.bicep' = if (b > 1) {
  name: 'm'
  params: {
    a: a
    nested: {
      inner: 1
    }
    list: [
      'x'
    ]
  }
}
`;

describe('listBicepDeclarations', () => {
  it('lists params with whether they have a default, ignoring comments', () => {
    expect(listBicepDeclarations(BICEP).params).toEqual([
      { name: 'a', hasDefault: false },
      { name: 'b', hasDefault: true },
    ]);
  });

  it('lists modules with their path and the top-level keys of params', () => {
    expect(listBicepDeclarations(BICEP).modules).toEqual([
      { name: 'm', path: 'modules/m.bicep', paramKeys: ['a', 'nested', 'list'] },
    ]);
  });

  it('lists one-line variables with their source text', () => {
    expect([...listBicepDeclarations(BICEP).variables]).toEqual([['token', "toLower(uniqueString('x'))"]]);
  });
});
