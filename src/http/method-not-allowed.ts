import type { Context } from 'hono';
import { errorBody } from '../errors';

interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
}

interface PathMethods {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

/** Hono's route syntax (`/a/:id/b`, `*`) as an anchored regular expression over a request path. */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * Knows which methods each API path answers, so a wrong method gets 405 with `Allow` instead of 404.
 * The table is built from the app's routes on first use: by then every router is mounted.
 */
export function methodNotAllowed(routes: () => readonly RegisteredRoute[], prefix: string) {
  let table: PathMethods[] | undefined;
  const build = (): PathMethods[] => {
    const byPath = new Map<string, Set<string>>();
    // Middleware is registered as ALL; only real handlers say which methods a path has.
    for (const route of routes()) {
      if (route.method === 'ALL' || !route.path.startsWith(prefix)) continue;
      const methods = byPath.get(route.path) ?? new Set<string>();
      methods.add(route.method.toUpperCase());
      byPath.set(route.path, methods);
    }
    return [...byPath].map(([path, methods]) => ({ pattern: patternOf(path), methods }));
  };

  /** The methods `path` answers to (HEAD with GET, as Hono serves it), or none when no route matches it. */
  const allowed = (path: string): string[] => {
    table ??= build();
    const methods = new Set<string>();
    for (const entry of table) if (entry.pattern.test(path)) for (const method of entry.methods) methods.add(method);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };

  /** A 405 answer in the common envelope when the path exists under another method, else undefined. */
  return (c: Context): Response | undefined => {
    if (!c.req.path.startsWith(prefix)) return undefined;
    const methods = allowed(c.req.path);
    if (methods.length === 0 || methods.includes(c.req.method)) return undefined;
    c.header('Allow', methods.join(', '));
    return c.json(
      errorBody(
        'method_not_allowed',
        `${c.req.method} is not accepted on ${c.req.path}; it accepts ${methods.join(', ')}. See /api/docs for what each method does.`,
      ),
      405,
    );
  };
}
