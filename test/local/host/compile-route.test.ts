import { describe, expect, it } from 'vitest';
import { compileRoute } from '../../../lib/local/host/compile-route';

describe('compileRoute', () => {
  it('puts the route prefix in front and decodes parameters', () => {
    const route = compileRoute('api', 'customers/{customerId}');
    expect(route.template).toBe('/api/customers/{customerId}');
    expect(route.match('/api/customers/contoso%2Fwest')).toEqual({ customerId: 'contoso/west' });
    expect(route.match('/customers/contoso')).toBeUndefined();
  });

  it('lets an optional parameter be absent together with its slash', () => {
    const route = compileRoute('api', 'items/{id}/{mode?}');
    expect(route.match('/api/items/1')).toEqual({ id: '1' });
    expect(route.match('/api/items/1/full')).toEqual({ id: '1', mode: 'full' });
    expect(route.match('/api/items')).toBeUndefined();
  });

  it('matches literals without regard to case, as the host router does', () => {
    expect(compileRoute('api', 'Health').match('/API/health')).toEqual({});
  });

  it('honours int constraints and catch-all parameters', () => {
    const byNumber = compileRoute('', 'runs/{n:int}');
    expect(byNumber.match('/runs/12')).toEqual({ n: '12' });
    expect(byNumber.match('/runs/abc')).toBeUndefined();
    expect(compileRoute('api', 'files/{*path}').match('/api/files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
  });

  it('ranks literal routes above parameter routes', () => {
    expect(compileRoute('api', 'customers/test').specificity).toBeGreaterThan(
      compileRoute('api', 'customers/{id}').specificity,
    );
  });

  it('rejects a constraint it cannot enforce instead of ignoring it', () => {
    expect(() => compileRoute('api', 'x/{id:regex(^a$)}')).toThrow(/constraint "regex"/);
  });
});
