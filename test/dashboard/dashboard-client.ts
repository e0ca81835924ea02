import type { AppContext } from '../../src/context';
import { bindingFor } from '../../src/crypto/sealed-columns';
import { newId } from '../../src/ids';
import { insertConnection } from '../../src/store/connections';
import type { ConnectionRow } from '../../src/store/schema';
import type { TestHarness } from '../support/test-context';
import { manualConnectionRow } from '../support/test-connections';
import { keys } from '../api/fixtures';

export const ORIGIN = 'http://localhost';

export interface PageResponse {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

/**
 * A browser-like client over `app.request()`: keeps cookies, sends the Origin a browser would, and
 * reads the CSRF token from the last page, so tests can break exactly one of those at a time.
 */
export class DashboardClient {
  readonly cookies = new Map<string, string>();
  lastPage = '';

  constructor(private readonly h: TestHarness) {}

  async request(
    method: string,
    path: string,
    options: { form?: Record<string, string | string[]>; origin?: string | null } = {},
  ): Promise<PageResponse> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(options.form))
        for (const item of Array.isArray(value) ? value : [value]) form.append(name, item);
      body = form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const origin = options.origin === undefined ? (method === 'GET' ? null : ORIGIN) : options.origin;
    if (origin) headers.origin = origin;
    const response = await this.h.app.request(`${ORIGIN}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    const text = await response.text();
    if (method === 'GET') this.lastPage = text;
    return { status: response.status, location: response.headers.get('location'), text, headers: response.headers };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  /** The CSRF token of the last page fetched with GET. */
  csrf(): string {
    return /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1] ?? '';
  }

  post(path: string, form: Record<string, string | string[]> = {}, options: { csrf?: string; origin?: string | null } = {}) {
    return this.request('POST', path, { form: { _csrf: options.csrf ?? this.csrf(), ...form }, origin: options.origin });
  }

  async signIn(token: string): Promise<PageResponse> {
    const page = await this.get('/dashboard/sign-in');
    const formToken = /name="_signin" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    return this.request('POST', '/dashboard/sign-in', { form: { _signin: formToken, next: '/dashboard', token } });
  }
}

/**
 * A connection row written straight to the store: isolation tests need another tenant's connection,
 * not a Stripe account behind it (creating one through the service calls Stripe).
 */
export async function insertTestConnection(ctx: AppContext, tenantId: string, name: string): Promise<ConnectionRow> {
  const id = newId('connection');
  return insertConnection(
    ctx.store.db,
    manualConnectionRow({
      id,
      tenantId,
      name,
      secretKeySealed: ctx.secrets.seal(keys.testSecret, bindingFor('connections', id)),
      secretKeyHint: 'sk_test_…4f2a',
    }),
  );
}
