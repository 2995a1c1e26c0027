import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../lib/resources/parse-json-body';

describe('parseJsonBody', () => {
  it('parses a JSON body', () => {
    expect(parseJsonBody({ bodyAsText: '{"data":[1,2],"$skipToken":null}' })).toEqual({
      data: [1, 2],
      $skipToken: null,
    });
  });

  it('gives undefined for an empty or missing body, so the caller reports the status', () => {
    expect(parseJsonBody({ bodyAsText: '' })).toBeUndefined();
    expect(parseJsonBody({ bodyAsText: undefined })).toBeUndefined();
    expect(parseJsonBody({})).toBeUndefined();
  });

  it('gives undefined for a body that is not JSON (an HTML error page from a gateway)', () => {
    expect(parseJsonBody({ bodyAsText: '<html><body>502 Bad Gateway</body></html>' })).toBeUndefined();
  });
});
