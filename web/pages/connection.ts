import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { ConnectionView } from '../../src/connections/connection-view';
import type { Tenant } from '../../src/store/schema';
import { FEATURE_EVENTS, type Feature } from '../../src/stripe/features';
import { actionButton, badge, csrfField, describedBy, fieldError, layout, modeBadge, statusBadge, time, type Html } from '../layout';

/** Which optional actions this build can do; the page shows only buttons that really work. */
export interface ConnectionActions {
  check: boolean;
  repair: boolean;
  backfill: boolean;
}

const WEBHOOK_STATUS_TEXT: Record<ConnectionView['webhook_status'], string> = {
  no_signing_secret: 'No signing secret yet: events cannot be verified',
  waiting_for_first_event: 'Waiting for the first verified event',
  receiving: 'Receiving verified events',
};

function permissionReport(c: ConnectionView): Html {
  const p = c.permissions;
  if (!p.checked) {
    return html`<p class="muted">
      Not checked
      yet.${c.secret_key_hint.startsWith('rk_') ? ' Restricted keys are probed for every permission the enabled features need when the connection is checked.' : ''}
    </p>`;
  }
  return html`<p>
      ${p.ok ? badge('all needed permissions present', 'ok') : badge('permissions missing', 'warn')}
      <span class="muted">checked ${time(p.checked_at)}</span>
    </p>
    ${
      p.missing.length > 0
        ? html`<p>Missing (Stripe's names; add them to the restricted key in Stripe Dashboard → Developers → API keys):</p>
            <ul class="tags">
              ${p.missing.map((name) => html`<li><code>${name}</code></li>`)}
            </ul>`
        : ''
    }
    ${
      p.required_writes.length > 0
        ? html`<p>Write permissions the features need, which cannot be probed without side effects:</p>
            <ul class="tags">
              ${p.required_writes.map((name) => html`<li><code>${name}</code></li>`)}
            </ul>`
        : ''
    }`;
}

function endpointReport(c: ConnectionView): Html {
  const endpoint = c.webhook_endpoint;
  if (!endpoint) {
    return c.webhook_setup === 'manual'
      ? html`<p>
          Manual setup: in Stripe Dashboard → Developers → Webhooks, add an endpoint with the URL above and the events below, then paste its
          signing secret under <a href="#rotate-secret-heading">Signing secret</a>.
        </p>`
      : html`<p class="muted">No endpoint registered in Stripe yet.</p>`;
  }
  const missing = c.enabled_events.filter((type) => !endpoint.enabled_events.includes(type) && !endpoint.enabled_events.includes('*'));
  return html`<dl class="facts">
      <div>
        <dt>Endpoint</dt>
        <dd><code>${endpoint.id}</code></dd>
      </div>
      <div>
        <dt>Status in Stripe</dt>
        <dd>${statusBadge(endpoint.status)}</dd>
      </div>
      <div>
        <dt>API version</dt>
        <dd>${endpoint.api_version ?? html`<span class="muted">account default</span>`}</dd>
      </div>
      <div>
        <dt>Subscribed events</dt>
        <dd>${endpoint.enabled_events.length}${missing.length ? html` — ${badge(`${missing.length} missing`, 'warn')}` : ''}</dd>
      </div>
    </dl>
    ${endpoint.url !== c.webhook_url ? html`<p class="reason">The endpoint in Stripe points at <code>${endpoint.url}</code>, not this connection's URL.</p>` : ''}`;
}

function eventsBySubscription(c: ConnectionView): Html {
  return html`<details>
      <summary>${c.enabled_events.length} events from ${c.features.length} features</summary>
      ${(c.features as Feature[]).map(
        (feature) =>
          html`<h3 class="small">${feature}</h3>
            <ul class="tags">
              ${FEATURE_EVENTS[feature].map((type) => html`<li><code>${type}</code></li>`)}
            </ul>`,
      )}
    </details>
    <label for="events-text" class="hint">All events, one per line, to paste into Stripe</label>
    <div class="copy-row">
      <textarea id="events-text" readonly rows="4" spellcheck="false">${c.enabled_events.join('\n')}</textarea>
      <button type="button" data-copy="events-text">Copy</button>
    </div>`;
}

export function connectionPage(options: {
  principal: Principal;
  csrf: string;
  tenant: Tenant;
  connection: ConnectionView;
  actions: ConnectionActions;
  errors?: Record<string, string>;
  notice?: { kind: 'ok' | 'error'; text: string };
}): Html {
  const c = options.connection;
  const errors = options.errors ?? {};
  const base = `/dashboard/tenants/${options.tenant.id}/connections/${c.id}`;
  const live = !c.disconnected_at;
  return layout(
    {
      title: `${c.name} · Connection`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'integrations',
      notice: options.notice,
    },
    html`<h1>${c.name}</h1>
      <p class="badges">
        ${modeBadge(c.mode)} ${c.environment ? html`<span class="env">${c.environment}</span>` : ''} ${statusBadge(c.status)}
        <code>${c.id}</code>
      </p>
      ${
        c.status_reasons.length > 0
          ? html`<section aria-labelledby="attention-heading" class="card attention">
              <h2 id="attention-heading">Needs attention</h2>
              <ul>
                ${c.status_reasons.map((reason) => html`<li>${reason}</li>`)}
              </ul>
            </section>`
          : ''
      }
      <section aria-labelledby="webhook-heading">
        <h2 id="webhook-heading">Webhook</h2>
        <label for="webhook-url">Webhook URL for this connection</label>
        <div class="copy-row">
          <input id="webhook-url" readonly value="${c.webhook_url}" spellcheck="false" />
          <button type="button" data-copy="webhook-url">Copy</button>
        </div>
        <dl class="facts">
          <div>
            <dt>Setup</dt>
            <dd>${c.webhook_setup === 'auto' ? 'Automatic' : 'Manual'}</dd>
          </div>
          <div>
            <dt>Delivery</dt>
            <dd>${WEBHOOK_STATUS_TEXT[c.webhook_status]}</dd>
          </div>
          <div>
            <dt>Last event</dt>
            <dd>${time(c.last_event_at)}</dd>
          </div>
          <div>
            <dt>Signing secrets</dt>
            <dd>
              ${
                c.signing_secrets.length === 0
                  ? html`<span class="muted">none</span>`
                  : html`<ul class="plain">
                      ${c.signing_secrets.map((s) => html`<li><code>${s.hint}</code> ${s.expires_at ? html`<span class="muted">valid until ${time(s.expires_at)}</span>` : badge('current', 'ok')}</li>`)}
                    </ul>`
              }
            </dd>
          </div>
        </dl>
        <h3>Endpoint in Stripe</h3>
        ${endpointReport(c)}
        <p><a href="/dashboard/tenants/${options.tenant.id}/events?connection_id=${c.id}">Webhook events of this connection</a></p>
        <p><a href="/dashboard/tenants/${options.tenant.id}/connections/${c.id}/catalog">Products and prices (catalog import)</a></p>
      </section>
      <section aria-labelledby="events-heading">
        <h2 id="events-heading">Events to subscribe</h2>
        ${eventsBySubscription(c)}
      </section>
      <section aria-labelledby="permissions-heading">
        <h2 id="permissions-heading">Permissions</h2>
        ${permissionReport(c)}
      </section>
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys and account</h2>
        <dl class="facts">
          <div>
            <dt>Secret key</dt>
            <dd><code>${c.secret_key_hint}</code></dd>
          </div>
          <div>
            <dt>Publishable key</dt>
            <dd>${c.publishable_key ? html`<code class="wrap">${c.publishable_key}</code>` : html`<span class="muted">none</span>`}</dd>
          </div>
          <div>
            <dt>Stripe account</dt>
            <dd>${c.account_id ? html`<code>${c.account_id}</code>` : html`<span class="muted">not known yet</span>`}</dd>
          </div>
          <div>
            <dt>Connected</dt>
            <dd>${time(c.created_at)}</dd>
          </div>
          ${
            c.disconnected_at
              ? html`<div>
                  <dt>Disconnected</dt>
                  <dd>${time(c.disconnected_at)}</dd>
                </div>`
              : ''
          }
        </dl>
      </section>
      ${
        live
          ? html`<section aria-labelledby="actions-heading">
              <h2 id="actions-heading">Actions</h2>
              <div class="button-row">
                ${options.actions.check ? actionButton({ action: `${base}/check`, csrf: options.csrf, label: 'Check now', kind: 'secondary' }) : ''}
                ${options.actions.repair ? actionButton({ action: `${base}/repair`, csrf: options.csrf, label: 'Repair webhook endpoint', kind: 'secondary' }) : ''}
                ${options.actions.backfill ? actionButton({ action: `${base}/backfill`, csrf: options.csrf, label: 'Backfill missed events', kind: 'secondary' }) : ''}
                ${
                  c.is_active
                    ? actionButton({ action: `${base}/disable`, csrf: options.csrf, label: 'Disable temporarily', kind: 'secondary' })
                    : actionButton({ action: `${base}/enable`, csrf: options.csrf, label: 'Enable', kind: 'secondary' })
                }
                <a class="button danger" href="${base}/disconnect">Disconnect…</a>
              </div>
              ${c.is_active ? '' : html`<p class="hint">While disabled, Stripe's events are stored as paused and processed when you enable the connection again.</p>`}

              <h3 id="rotate-key-heading">Rotate API key</h3>
              <form method="post" action="${base}/rotate-key" class="card row-form" aria-labelledby="rotate-key-heading">
                ${csrfField(options.csrf)}
                <div class="field">
                  <label for="rotate-secret_key">New ${c.mode} secret or restricted key</label>
                  <input
                    id="rotate-secret_key"
                    name="secret_key"
                    type="password"
                    required
                    autocomplete="off"
                    spellcheck="false"
                    ${describedBy('rotate-secret_key', !!errors.secret_key)}
                  />
                  <p class="hint" id="rotate-secret_key-hint">
                    Replaces <code>${c.secret_key_hint}</code> once it validates. Roll the key in Stripe first.
                  </p>
                  ${fieldError('rotate-secret_key', errors.secret_key)}
                </div>
                <button type="submit">Save new key</button>
              </form>

              <h3 id="rotate-secret-heading">Signing secret</h3>
              <form method="post" action="${base}/rotate-signing-secret" class="card row-form" aria-labelledby="rotate-secret-heading">
                ${csrfField(options.csrf)}
                <div class="field">
                  <label for="rotate-webhook_secret">New signing secret</label>
                  <input
                    id="rotate-webhook_secret"
                    name="webhook_secret"
                    type="password"
                    required
                    autocomplete="off"
                    spellcheck="false"
                    ${describedBy('rotate-webhook_secret', !!errors.webhook_secret)}
                  />
                  <p class="hint" id="rotate-webhook_secret-hint">
                    Starts with <code>whsec_</code>. The previous secret keeps verifying deliveries for the overlap period, as with Stripe's
                    own "roll secret".
                  </p>
                  ${fieldError('rotate-webhook_secret', errors.webhook_secret)}
                </div>
                <button type="submit">Save signing secret</button>
              </form>
            </section>`
          : html`<p class="notice">
              This connection is disconnected. Its history stays readable; it cannot change. Connect the account again to resume.
            </p>`
      }`,
  );
}

export function disconnectConfirmPage(options: { principal: Principal; csrf: string; tenant: Tenant; connection: ConnectionView }): Html {
  const c = options.connection;
  const base = `/dashboard/tenants/${options.tenant.id}/connections/${c.id}`;
  return layout(
    { title: `Disconnect ${c.name}?`, principal: options.principal, csrf: options.csrf, tenant: options.tenant, section: 'integrations' },
    html`<h1>Disconnect ${c.name}?</h1>
      <div class="card">
        <p>${modeBadge(c.mode)} <code>${c.id}</code></p>
        <ul>
          <li>Deliveries from Stripe to this connection's webhook URL are refused from now on.</li>
          ${c.webhook_endpoint ? html`<li>The webhook endpoint Paybridge created in Stripe (<code>${c.webhook_endpoint.id}</code>) is removed.</li>` : ''}
          <li>Received events, invoices and payments stay readable.</li>
          <li>This cannot be undone; to resume, connect the account again.</li>
        </ul>
        <div class="button-row">
          ${actionButton({ action: `${base}/disconnect`, csrf: options.csrf, label: 'Disconnect', kind: 'danger' })}
          <a class="button secondary" href="${base}">Cancel</a>
        </div>
      </div>`,
  );
}
