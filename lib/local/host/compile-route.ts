import { AppError } from '../../errors/app-error';

export interface CompiledRoute {
  readonly template: string;
  /** Route parameters when `pathname` (still percent-encoded) matches, else undefined. */
  match(pathname: string): Record<string, string> | undefined;
  /** Higher wins when several routes match: literal segments beat parameters beat catch-alls. */
  readonly specificity: number;
}

const CONSTRAINT_PATTERNS: Readonly<Record<string, string>> = {
  int: '-?\\d+',
  long: '-?\\d+',
  alpha: '[A-Za-z]+',
  bool: '(?:true|false)',
  guid: '[0-9A-Fa-f]{8}-?(?:[0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}',
};

const PARAMETER = /\{(\*)?([A-Za-z_][\w-]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}/g;

/**
 * Compiles an ASP.NET-style route template as the Functions host accepts them: `{name}`,
 * optional `{name?}`, constrained `{id:int}` and catch-all `{*rest}`. Matching ignores case,
 * like the host's router. `prefix` is host.json's `extensions.http.routePrefix`.
 */
export function compileRoute(prefix: string, route: string): CompiledRoute {
  const template = [prefix, route]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  const names: string[] = [];
  let source = '^';
  let specificity = 0;
  for (const segment of template.split('/').filter(Boolean)) {
    const whole = /^\{(\*)?([A-Za-z_][\w-]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(segment);
    if (whole && (whole[1] || whole[4])) {
      // A catch-all or optional parameter may be absent together with its slash.
      names.push(whole[2] ?? '');
      source += whole[1] ? '(?:/(.*))?' : `(?:/(${constraintPattern(whole[3], template)}))?`;
      specificity += whole[1] ? 0 : 1;
      continue;
    }
    let segmentSource = '';
    let lastIndex = 0;
    let literal = true;
    for (const match of segment.matchAll(PARAMETER)) {
      segmentSource += escapeRegExp(segment.slice(lastIndex, match.index));
      names.push(match[2] ?? '');
      segmentSource += `(${constraintPattern(match[3], template)})`;
      lastIndex = match.index + match[0].length;
      literal = false;
    }
    segmentSource += escapeRegExp(segment.slice(lastIndex));
    source += `/${segmentSource}`;
    specificity += literal ? 100 : 10;
  }
  const pattern = new RegExp(`${source}/?$`, 'i');
  return {
    template: `/${template}`,
    specificity,
    match(pathname) {
      const found = pattern.exec(pathname);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        const value = found[index + 1];
        if (value !== undefined) params[name] = safeDecode(value);
      });
      return params;
    },
  };
}

function constraintPattern(constraint: string | undefined, template: string): string {
  if (!constraint) return '[^/]+';
  const pattern = CONSTRAINT_PATTERNS[constraint.toLowerCase()];
  if (!pattern) {
    throw new AppError({
      kind: 'validation',
      code: 'UnsupportedRouteConstraint',
      message: `Route "${template}" uses constraint "${constraint}", which the local host does not support`,
    });
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
