import { html } from 'hono/html';
import type { ApiKeyView } from '../../src/services/api-key-service';
import type { Principal } from '../../src/auth/principal';
import type { ConnectionView } from '../../src/connections/connection-view';
import type { Tenant } from '../../src/store/schema';
import { actionButton, csrfField, layout, modeBadge, statusBadge, time, type Html } from '../layout';

export const EVENT_STATUSES = ['received', 'processed', 'ignored', 'failed', 'dead', 'paused'] as const;

export interface IntegrationRow {
  connection: ConnectionView;
  /** Event counts by status, or undefined when this build has no event store yet. */
  counts: Record<string, number> | undefined;
}

function counts(row: IntegrationRow, tenantId: string): Html {
  if (!row.counts) return html`<span class="muted">—</span>`;
  const present = EVENT_STATUSES.filter((status) => (row.counts?.[status] ?? 0) > 0);
  if (present.length === 0) return html`<span class="muted">no events yet</span>`;
  return html`<ul class="counts">
    ${present.map(
      (status) =>
        html`<li>
          <a href="/dashboard/tenants/${tenantId}/events?connection_id=${row.connection.id}&status=${status}"
            >${statusBadge(status)} ${row.counts?.[status] ?? 0}</a
          >
        </li>`,
    )}
  </ul>`;
}

function connectionCard(row: IntegrationRow, tenantId: string): Html {
  const c = row.connection;
  return html`<li class="card conn">
    <h3><a href="/dashboard/tenants/${tenantId}/connections/${c.id}">${c.name}</a></h3>
    <p class="badges">
      ${modeBadge(c.mode)} ${c.environment ? html`<span class="env">${c.environment}</span>` : ''} ${statusBadge(c.status)}
    </p>
    <dl class="facts">
      <div>
        <dt>Account</dt>
        <dd>${c.account_id ? html`<code>${c.account_id}</code>` : html`<span class="muted">not known yet</span>`}</dd>
      </div>
      <div>
        <dt>Last event</dt>
        <dd>${time(c.last_event_at)}</dd>
      </div>
      <div>
        <dt>Events</dt>
        <dd>${counts(row, tenantId)}</dd>
      </div>
    </dl>
    ${c.status === 'needs_attention' && c.status_reasons[0] ? html`<p class="reason">${c.status_reasons[0]}</p>` : ''}
  </li>`;
}

export function integrationsPage(options: {
  principal: Principal;
  csrf: string;
  tenant: Tenant;
  rows: IntegrationRow[];
  disconnected: ConnectionView[];
  apiKeys: ApiKeyView[];
  notice?: { kind: 'ok' | 'error'; text: string };
  /** Sections other modules put on the overview (open disputes…), shown under the heading. */
  sections?: Html[];
}): Html {
  const base = `/dashboard/tenants/${options.tenant.id}`;
  return layout(
    {
      title: `Integrations · ${options.tenant.name}`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'integrations',
      notice: options.notice,
    },
    html`<h1>Integrations</h1>
      <p class="actions"><a class="button" href="${base}/connections/new">Connect a Stripe account</a></p>
      ${options.sections ?? ''}
      <section aria-labelledby="connections-heading">
        <h2 id="connections-heading">Stripe connections</h2>
        ${
          options.rows.length === 0
            ? html`<p class="empty">
                No Stripe account is connected yet. Connect one with its secret or restricted key; test and live are separate connections.
              </p>`
            : html`<ul class="cards">
                ${options.rows.map((row) => connectionCard(row, options.tenant.id))}
              </ul>`
        }
      </section>
      ${
        options.disconnected.length > 0
          ? html`<section aria-labelledby="disconnected-heading">
              <h2 id="disconnected-heading">Disconnected</h2>
              <p class="hint">Their history stays readable; Stripe's deliveries to them are refused.</p>
              <ul class="plain">
                ${options.disconnected.map((c) => html`<li><a href="${base}/connections/${c.id}">${c.name}</a> ${modeBadge(c.mode)} <span class="muted">disconnected ${time(c.disconnected_at)}</span></li>`)}
              </ul>
            </section>`
          : ''
      }
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">API keys</h2>
        <p>An API key lets your platform call Paybridge's API for this tenant only, and signs a person in to this tenant's dashboard.</p>
        ${apiKeyTable(base, options.csrf, options.apiKeys)}
        ${
          options.principal.kind === 'admin'
            ? html`<form method="post" action="${base}/api-keys" class="inline">
                ${csrfField(options.csrf)}
                <label for="key-name">Name (optional)</label>
                <input id="key-name" name="name" maxlength="100" placeholder="billing backend" />
                <button type="submit" class="secondary">Create an API key</button>
              </form>`
            : html`<p class="hint">Only the admin creates keys, so a leaked key cannot mint its own replacements.</p>`
        }
      </section>`,
  );
}

function apiKeyTable(base: string, csrf: string, keys: ApiKeyView[]): Html | string {
  if (keys.length === 0) return html`<p class="muted">No API keys yet.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>Name</th>
        <th>Key</th>
        <th>Created</th>
        <th>Last used</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${keys.map(
        (key) =>
          html`<tr>
            <td>${key.name ?? html`<span class="muted">unnamed</span>`}</td>
            <td><code>${key.hint}</code></td>
            <td>${time(key.created_at)}</td>
            <td>${key.last_used_at ? time(key.last_used_at) : html`<span class="muted">never</span>`}</td>
            <td>
              ${
                key.revoked_at
                  ? html`<span class="muted">revoked ${time(key.revoked_at)}</span>`
                  : actionButton({ action: `${base}/api-keys/${key.id}/revoke`, csrf, label: 'Revoke', kind: 'danger' })
              }
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function apiKeyCreatedPage(options: { principal: Principal; csrf: string; tenant: Tenant; key: string; hint: string }): Html {
  return layout(
    {
      title: `New API key · ${options.tenant.name}`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'integrations',
    },
    html`<h1>New API key</h1>
      <p class="notice ok" role="status">Copy this key now: it is shown only once, and Paybridge keeps only its hash.</p>
      <div class="copy-row">
        <label for="new-key" class="sr-only">API key</label>
        <input id="new-key" readonly value="${options.key}" spellcheck="false" />
        <button type="button" data-copy="new-key">Copy</button>
      </div>
      <p>Later it appears as <code>${options.hint}</code>.</p>
      <p><a href="/dashboard/tenants/${options.tenant.id}">Back to integrations</a></p>`,
  );
}
