import type { Resource, Route } from '../core/resource';

export interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  keys: string[];
}

/**
 * Compiles every resource's routes into one table, refusing a second resource with the same name
 * or a second route on the same method and path: two files claiming one endpoint is a bug.
 */
export function buildRouteTable(resources: readonly Resource[]): CompiledRoute[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  const table: CompiledRoute[] = [];
  for (const resource of resources) {
    if (names.has(resource.name)) throw new Error(`Resource "${resource.name}" is already registered`);
    names.add(resource.name);
    for (const route of resource.routes) {
      const signature = `${route.method} ${route.path.replace(/:\w+/g, ':')}`;
      if (seen.has(signature)) throw new Error(`Route ${route.method} ${route.path} is already registered`);
      seen.add(signature);
      const keys: string[] = [];
      const source = route.path.replace(/\//g, '\\/').replace(/:(\w+)/g, (_m, key: string) => {
        keys.push(key);
        return '([^/]+)';
      });
      table.push({ route, pattern: new RegExp(`^${source}$`), keys });
    }
  }
  // Literal segments win over parameters (`/v1/checkout/sessions/:id` vs a fixed path).
  table.sort((a, b) => a.keys.length - b.keys.length);
  return table;
}

export function matchRoute(
  table: readonly CompiledRoute[],
  method: string,
  path: string,
): { route: Route; path: Record<string, string> } | 'method_mismatch' | undefined {
  let pathMatched = false;
  for (const entry of table) {
    const match = entry.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (entry.route.method !== method) continue;
    const params: Record<string, string> = {};
    entry.keys.forEach((key, i) => {
      params[key] = decodeURIComponent(match[i + 1]!);
    });
    return { route: entry.route, path: params };
  }
  return pathMatched ? 'method_mismatch' : undefined;
}
