import { describe, expect, it } from 'vitest';
import { read, type Resource } from '../core/resource';
import { RESOURCES } from '../resources/index';
import { buildRouteTable, matchRoute } from './route-table';

const stub = (name: string, path: string): Resource => ({
  name,
  routes: [{ method: 'GET', path, permission: read('x'), params: [], handle: () => ({}) }],
});

describe('resource registry', () => {
  it('refuses a second resource with the same name or a second route on the same endpoint', () => {
    expect(() => buildRouteTable([stub('a', '/v1/a'), stub('a', '/v1/b')])).toThrow('Resource "a" is already registered');
    expect(() => buildRouteTable([stub('a', '/v1/a/:id'), stub('b', '/v1/a/:other')])).toThrow(
      'Route GET /v1/a/:other is already registered',
    );
  });

  it('registers every shipped resource without conflicts and prefers literal paths', () => {
    const table = buildRouteTable(RESOURCES);
    const match = matchRoute(table, 'GET', '/v1/checkout/sessions/cs_test_1/line_items');
    expect(match).toMatchObject({ route: { path: '/v1/checkout/sessions/:session/line_items' }, path: { session: 'cs_test_1' } });
    expect(matchRoute(table, 'PUT', '/v1/customers')).toBe('method_mismatch');
    expect(matchRoute(table, 'GET', '/v1/nope')).toBeUndefined();
  });
});
