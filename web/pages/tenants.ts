import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { Tenant } from '../../src/store/schema';
import { csrfField, fieldError, layout, pager, time, type Html } from '../layout';

export function tenantsPage(options: {
  principal: Principal;
  csrf: string;
  tenants: Tenant[];
  nextCursor: string | null;
  firstPage: boolean;
  nameError?: string;
  notice?: { kind: 'ok' | 'error'; text: string };
}): Html {
  return layout(
    { title: 'Tenants', principal: options.principal, csrf: options.csrf, section: 'tenants', notice: options.notice },
    html`<h1>Tenants</h1>
      <section aria-labelledby="new-tenant">
        <h2 id="new-tenant">New tenant</h2>
        <form method="post" action="/dashboard/tenants" class="card row-form">
          ${csrfField(options.csrf)}
          <div class="field">
            <label for="tenant-name">Name</label>
            <input
              id="tenant-name"
              name="name"
              required
              maxlength="200"
              autocomplete="organization"
              aria-describedby="tenant-name-hint${options.nameError ? ' tenant-name-error' : ''}"
            />
            <p class="hint" id="tenant-name-hint">Your customer's company or organisation name.</p>
            ${fieldError('tenant-name', options.nameError)}
          </div>
          <button type="submit">Create tenant</button>
        </form>
      </section>
      <section aria-labelledby="all-tenants">
        <h2 id="all-tenants">All tenants</h2>
        ${
          options.tenants.length === 0
            ? html`<p class="empty">No tenants yet. Create the first one above.</p>`
            : html`<div class="table-wrap">
                <table>
                  <caption class="sr-only">
                    Tenants, newest first
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Id</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${options.tenants.map(
                      (tenant) =>
                        html`<tr>
                          <td><a href="/dashboard/tenants/${tenant.id}">${tenant.name}</a></td>
                          <td><code>${tenant.id}</code></td>
                          <td>${time(tenant.created_at)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
        ${pager('/dashboard/tenants', {}, options.nextCursor, options.firstPage)}
      </section>`,
  );
}
