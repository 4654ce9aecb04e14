/** A compiled Functions route template such as `products/{id:int}/{*rest}` or `items/{name?}`. */
export interface CompiledRoute {
  template: string;
  match(path: string): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  bool: /^(true|false)$/i,
  alpha: /^[a-z]+$/i,
  guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  double: /^-?\d+(\.\d+)?$/,
  float: /^-?\d+(\.\d+)?$/,
  decimal: /^-?\d+(\.\d+)?$/,
  datetime: /^\d{4}-\d{2}-\d{2}/,
};

interface Segment {
  literal?: string;
  param?: string;
  optional?: boolean;
  catchAll?: boolean;
  constraint?: RegExp;
}

function parseSegment(raw: string, template: string): Segment {
  const m = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}$/.exec(raw);
  if (!m) {
    if (raw.includes('{') || raw.includes('}')) throw new Error(`Unsupported route segment "${raw}" in "${template}"`);
    return { literal: raw.toLowerCase() };
  }
  const constraint = m[3] ? CONSTRAINTS[m[3]] : undefined;
  if (m[3] && !constraint) throw new Error(`Unknown route constraint "${m[3]}" in "${template}"`);
  return { param: m[2], catchAll: m[1] === '*', optional: m[4] === '?' || m[1] === '*', constraint };
}

/** Route matching is case-insensitive for literals, like ASP.NET routing in the Functions host. */
export function compileRoute(template: string): CompiledRoute {
  const segments = template.split('/').filter((s) => s !== '').map((s) => parseSegment(s, template));
  return {
    template,
    match(path: string) {
      const parts = path.split('/').filter((s) => s !== '');
      const params: Record<string, string> = {};
      let i = 0;
      for (const segment of segments) {
        if (segment.catchAll) {
          if (i < parts.length) params[segment.param!] = parts.slice(i).map(decodeURIComponent).join('/');
          return params;
        }
        const part = parts[i];
        if (part === undefined) {
          if (segment.optional) continue;
          return undefined;
        }
        if (segment.literal !== undefined) {
          if (part.toLowerCase() !== segment.literal) return undefined;
        } else {
          const value = decodeURIComponent(part);
          if (segment.constraint && !segment.constraint.test(value)) return undefined;
          params[segment.param!] = value;
        }
        i++;
      }
      return i === parts.length ? params : undefined;
    },
  };
}
