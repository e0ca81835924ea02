import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { TenantDeletionPlan } from '../../src/services/tenant-service';
import type { Tenant } from '../../src/store/schema';
import { actionButton, csrfField, describedBy, fieldError, layout, type Html } from '../layout';

type Common = { principal: Principal; csrf: string; tenant: Tenant };

/** Rename, and the way to delete (through its confirmation page). */
export function tenantSettingsPage(
  options: Common & { name: string; nameError?: string; notice?: { kind: 'ok' | 'error'; text: string } },
): Html {
  const base = `/dashboard/tenants/${options.tenant.id}`;
  return layout(
    { title: `Settings · ${options.tenant.name}`, ...options, section: 'integrations' },
    html`<h1>Tenant settings</h1>
      <section aria-labelledby="rename-heading">
        <h2 id="rename-heading">Rename</h2>
        <form method="post" action="${base}/rename" class="card row-form" novalidate>
          ${csrfField(options.csrf)}
          <div class="field">
            <label for="name">Name</label>
            <input
              id="name"
              name="name"
              required
              maxlength="200"
              value="${options.name}"
              autocomplete="organization"
              ${describedBy('name', !!options.nameError)}
            />
            <p class="hint" id="name-hint">Shown on every page of this tenant; ids and API keys stay the same.</p>
            ${fieldError('name', options.nameError)}
          </div>
          <button type="submit">Rename</button>
        </form>
      </section>
      <section aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete</h2>
        <p>Deleting asks you to confirm first, and says what will happen.</p>
        <a class="button danger" href="${base}/delete">Delete this tenant…</a>
      </section>`,
  );
}

/** Says what deleting does, or what to do first; the button only shows when deleting is allowed. */
export function tenantDeleteConfirmPage(options: Common & { plan: TenantDeletionPlan }): Html {
  const base = `/dashboard/tenants/${options.tenant.id}`;
  const { plan } = options;
  return layout(
    {
      title: `Delete ${options.tenant.name}?`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'integrations',
    },
    html`<h1>Delete ${options.tenant.name}?</h1>
      <div class="card">
        ${
          plan.blocker
            ? html`<p class="notice error" role="alert">${plan.blocker}</p>
                <p>Nothing was changed. Come back here once that is done.</p>
                <div class="button-row"><a class="button secondary" href="${base}/settings">Back to settings</a></div>`
            : html`<ul>
                  <li>Every API key of this tenant is revoked at once, and their dashboard sessions end.</li>
                  <li>The tenant disappears from the dashboard, the API and the CLI (its pages answer “not found”).</li>
                  <li>Its invoices, payments, events and mail are kept in the database as history; nothing about money is removed.</li>
                  <li>This cannot be undone from the dashboard.</li>
                </ul>
                <div class="button-row">
                  ${actionButton({ action: `${base}/delete`, csrf: options.csrf, label: 'Delete the tenant', kind: 'danger' })}
                  <a class="button secondary" href="${base}/settings">Cancel</a>
                </div>`
        }
      </div>`,
  );
}
