import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { pageOf, readCursor } from '../../http/cursor';
import type { Tenant } from '../../store/schema';
import type { WebhookDeliveryStatus } from '../../store/outbound-webhooks-schema';
import { actionButton, csrfField, layout, pager, statusBadge, time, type Html } from '../../../web/layout';
import type { DashContext, DashboardEnv } from '../../../web/session';
import { countDeliveries, listDeliveries, redeliver, viewDeliveries } from './deliveries-service';
import type { DeliveryView, EndpointView } from './endpoint-input';
import { changeEndpoint, createEndpoint, endpointView, listEndpoints, requireEndpoint, rotateSecret, sendPing } from './endpoints-service';
import { checkReceiver } from './receiver-check-service';

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}
type Common = ReturnType<Helpers['shared']>;
type Notice = { kind: 'ok' | 'error'; text: string };

const PAGE_SIZE = 50;
const STATUSES: WebhookDeliveryStatus[] = ['pending', 'delivering', 'succeeded', 'failed'];
const NOTICES: Record<string, string> = {
  ping: 'A ping is queued; it shows in the log below once sent.',
  redelivered: 'Queued again, with the same webhook-id.',
  enabled: 'Enabled. Events from now on are sent; deliveries already queued resume.',
  disabled: 'Disabled. Nothing is sent to it until you enable it again.',
};

function shell(common: Common, title: string, notice?: Notice) {
  return { title: `${title} · ${common.tenant.name}`, ...common, section: 'webhooks' as const, notice };
}

function formText(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** One-time secret box: the only place a secret is ever shown. */
function secretShown(label: string, secret: string): Html {
  return html`<div class="card">
    <h2>${label}</h2>
    <p>Copy it now into your receiver's configuration: it is not shown again.</p>
    <p><code class="secret">${secret}</code></p>
  </div>`;
}

function endpointsPage(
  common: Common,
  endpoints: EndpointView[],
  notice?: Notice,
  created?: { secret: string; id: string },
  error?: string,
): Html {
  const base = `/dashboard/tenants/${common.tenant.id}/webhook-endpoints`;
  const disabled = endpoints.filter((endpoint) => endpoint.status === 'disabled' && endpoint.disabled_reason !== 'Disabled by a user.');
  return layout(
    shell(common, 'Outbound webhooks', notice),
    html`<h1>Outbound webhooks</h1>
      ${disabled.map(
        (endpoint) =>
          html`<p class="notice error" role="alert">
            webhook_endpoint.disabled: <a href="${base}/${endpoint.id}">${endpoint.url}</a> was disabled at ${time(endpoint.disabled_at)}.
            ${endpoint.disabled_reason} Fix the receiver, then enable it again.
          </p>`,
      )}
      ${created ? secretShown('Signing secret of the new endpoint', created.secret) : ''}
      <section aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        ${
          endpoints.length === 0
            ? html`<p class="empty">No endpoints yet. Add your app's receiver below to hear about payments, invoices and more.</p>`
            : html`<div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th scope="col">URL</th>
                      <th scope="col">Events</th>
                      <th scope="col">Status</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${endpoints.map(
                      (endpoint) =>
                        html`<tr>
                          <td data-label="URL"><a href="${base}/${endpoint.id}">${endpoint.url}</a></td>
                          <td data-label="Events">${endpoint.event_types.join(', ')}</td>
                          <td data-label="Status">
                            ${statusBadge(endpoint.status)}${endpoint.circuit_open_until ? html` ${statusBadge('paused')}` : ''}
                          </td>
                          <td data-label="Created">${time(endpoint.created_at)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
      </section>
      <form method="post" action="${base}" class="card">
        ${csrfField(common.csrf)}
        <h2>Add an endpoint</h2>
        ${error ? html`<p class="field-error" id="we-url-error">${error}</p>` : ''}
        <div class="field">
          <label for="we-url">URL</label>
          <input id="we-url" name="url" type="url" required placeholder="https://app.example.com/paybridge-webhooks" />
        </div>
        <div class="field">
          <label for="we-types">Event types</label>
          <input id="we-types" name="event_types" placeholder="invoice.paid, payment_request.succeeded (empty: all)" />
        </div>
        <div class="field">
          <label for="we-description">Description</label>
          <input id="we-description" name="description" maxlength="500" />
        </div>
        <button type="submit">Add endpoint</button>
      </form>`,
  );
}

function deliveryRow(common: Common, delivery: DeliveryView): Html {
  const redeliverable = delivery.status === 'succeeded' || delivery.status === 'failed';
  return html`<tr>
    <td data-label="Event"><code>${delivery.event_type}</code> <code>${delivery.object.id}</code></td>
    <td data-label="webhook-id"><code>${delivery.webhook_id}</code></td>
    <td data-label="Status">${statusBadge(delivery.status)}</td>
    <td data-label="Attempts">
      ${delivery.attempts}
      ${
        delivery.attempt_log.length > 0
          ? html`<details>
              <summary>Attempts</summary>
              <ol>
                ${delivery.attempt_log.map(
                  (attempt) =>
                    html`<li>
                      ${time(attempt.started_at)}: ${attempt.status_code ?? attempt.error} in ${attempt.response_ms} ms
                      ${attempt.response_body ? html`<pre>${attempt.response_body}</pre>` : ''}
                    </li>`,
                )}
              </ol>
            </details>`
          : ''
      }
    </td>
    <td data-label="Last answer">
      ${delivery.last_response ? html`${delivery.last_response.status_code ?? delivery.last_response.error} (${delivery.last_response.response_ms} ms)` : '—'}
    </td>
    <td data-label="Next retry">${time(delivery.next_retry_at, '—')}</td>
    <td data-label="">
      ${
        redeliverable
          ? actionButton({
              action: `/dashboard/tenants/${common.tenant.id}/webhook-deliveries/${delivery.id}/redeliver`,
              csrf: common.csrf,
              label: 'Redeliver',
              kind: 'secondary',
            })
          : ''
      }
    </td>
  </tr>`;
}

function endpointPage(
  common: Common,
  options: {
    endpoint: EndpointView;
    counts: Record<string, number>;
    deliveries: DeliveryView[];
    status?: WebhookDeliveryStatus;
    nextCursor: string | null;
    firstPage: boolean;
    notice?: Notice;
    secret?: string;
    check?: Awaited<ReturnType<typeof checkReceiver>>;
  },
): Html {
  const { endpoint } = options;
  const base = `/dashboard/tenants/${common.tenant.id}/webhook-endpoints/${endpoint.id}`;
  return layout(
    shell(common, 'Webhook endpoint', options.notice),
    html`<h1>Webhook endpoint</h1>
      ${
        endpoint.status === 'disabled'
          ? html`<p class="notice error" role="alert">Disabled ${time(endpoint.disabled_at)}: ${endpoint.disabled_reason}</p>`
          : ''
      }
      ${options.secret ? secretShown('New signing secret (the previous one signs alongside it for 24 hours)', options.secret) : ''}
      <dl class="card">
        <dt>URL</dt>
        <dd><code>${endpoint.url}</code></dd>
        <dt>Events</dt>
        <dd>${endpoint.event_types.join(', ')}</dd>
        <dt>Status</dt>
        <dd>${statusBadge(endpoint.status)}</dd>
        <dt>Failing since</dt>
        <dd>${time(endpoint.failing_since, '—')}</dd>
        <dt>Circuit open until</dt>
        <dd>${time(endpoint.circuit_open_until, '—')}</dd>
        <dt>Deliveries</dt>
        <dd>${STATUSES.map((status) => `${status} ${options.counts[status] ?? 0}`).join(' · ')}</dd>
      </dl>
      <p>
        ${actionButton({ action: `${base}/test`, csrf: common.csrf, label: 'Send a ping' })}
        ${actionButton({ action: `${base}/check`, csrf: common.csrf, label: 'Check the receiver', kind: 'secondary' })}
        ${actionButton({ action: `${base}/rotate-secret`, csrf: common.csrf, label: 'Rotate secret', kind: 'secondary' })}
        ${
          endpoint.status === 'enabled'
            ? actionButton({ action: `${base}/disable`, csrf: common.csrf, label: 'Disable', kind: 'danger' })
            : actionButton({ action: `${base}/enable`, csrf: common.csrf, label: 'Enable' })
        }
      </p>
      ${
        options.check
          ? html`<section class="card" aria-labelledby="check-heading">
              <h2 id="check-heading">Receiver check: ${statusBadge(options.check.verdict)}</h2>
              <ul>
                ${options.check.checks.map((check) => html`<li>${statusBadge(check.result)} <strong>${check.name}</strong>: ${check.detail}</li>`)}
              </ul>
            </section>`
          : ''
      }
      <section aria-labelledby="log-heading">
        <h2 id="log-heading">Delivery log</h2>
        <form method="get" action="${base}" class="filters" role="search" aria-label="Filter deliveries">
          <label for="d-status">Status</label>
          <select id="d-status" name="status">
            <option value="">Any status</option>
            ${STATUSES.map((status) => html`<option value="${status}" ${options.status === status ? html` selected` : ''}>${status}</option>`)}
          </select>
          <button type="submit">Filter</button>
        </form>
        ${
          options.deliveries.length === 0
            ? html`<p class="empty">No deliveries${options.status ? ' with this status' : ' yet'}.</p>`
            : html`<div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th scope="col">Event</th>
                      <th scope="col">webhook-id</th>
                      <th scope="col">Status</th>
                      <th scope="col">Attempts</th>
                      <th scope="col">Last answer</th>
                      <th scope="col">Next retry</th>
                      <th scope="col"><span class="sr-only">Actions</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${options.deliveries.map((delivery) => deliveryRow(common, delivery))}
                  </tbody>
                </table>
              </div>`
        }
        ${pager(base, { status: options.status }, options.nextCursor, options.firstPage)}
      </section>`,
  );
}

/** The dashboard's outbound webhooks: endpoints (add, enable/disable, rotate, ping, check) and each one's delivery log with redeliver. */
export function outboundWebhookPages(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const base = '/dashboard/tenants/:tid/webhook-endpoints';

  const showList = async (c: DashContext, extra: { created?: { secret: string; id: string }; error?: string } = {}) => {
    const common = helpers.shared(c);
    const rows = await listEndpoints(ctx, common.tenant.id, { limit: 100 });
    return helpers.render(c, endpointsPage(common, rows.map(endpointView), undefined, extra.created, extra.error), extra.error ? 422 : 200);
  };
  app.get(base, (c) => showList(c));
  app.post(base, async (c) => {
    const body = await c.req.parseBody();
    const types = formText(body, 'event_types')
      .split(/[\s,]+/)
      .filter(Boolean);
    try {
      const created = await createEndpoint(ctx, c.get('tenant').id, {
        url: formText(body, 'url'),
        event_types: types.length > 0 ? types : undefined,
        description: formText(body, 'description') || undefined,
      });
      return showList(c, { created });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      return showList(c, { error: error.message });
    }
  });

  const showEndpoint = async (
    c: DashContext,
    extra: { notice?: Notice; secret?: string; check?: Awaited<ReturnType<typeof checkReceiver>>; status?: 200 | 409 } = {},
  ) => {
    const common = helpers.shared(c);
    const endpoint = await requireEndpoint(ctx, common.tenant.id, c.req.param('eid') ?? '');
    const requested = c.req.query('status');
    const status = STATUSES.includes(requested as WebhookDeliveryStatus) ? (requested as WebhookDeliveryStatus) : undefined;
    const cursor = c.req.query('cursor');
    const before = readCursor(cursor);
    const rows = await listDeliveries(
      ctx,
      common.tenant.id,
      endpoint.id,
      { status },
      {
        limit: PAGE_SIZE + 1,
        before: before && { createdAt: before.at, id: before.id },
      },
    );
    const page = pageOf(rows, PAGE_SIZE, (row) => ({ at: new Date(row.created_at), id: row.id }));
    const done = c.req.query('done');
    return helpers.render(
      c,
      endpointPage(common, {
        endpoint: endpointView(endpoint),
        counts: await countDeliveries(ctx, endpoint.id),
        deliveries: await viewDeliveries(ctx, page.rows),
        status,
        nextCursor: page.nextCursor,
        firstPage: !cursor,
        notice: extra.notice ?? (done && NOTICES[done] ? { kind: 'ok', text: NOTICES[done] } : undefined),
        secret: extra.secret,
        check: extra.check,
      }),
      extra.status ?? 200,
    );
  };
  const back = (c: DashContext, done: string) =>
    c.redirect(`/dashboard/tenants/${c.get('tenant').id}/webhook-endpoints/${c.req.param('eid')}?done=${done}`, 303);
  const refusedOr = async (c: DashContext, run: () => Promise<Response>) => {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      return showEndpoint(c, { notice: { kind: 'error', text: error.message }, status: 409 });
    }
  };

  app.get(`${base}/:eid`, (c) => showEndpoint(c));
  app.post(`${base}/:eid/test`, (c) =>
    refusedOr(c, async () => {
      await sendPing(ctx, c.get('tenant').id, c.req.param('eid'));
      return back(c, 'ping');
    }),
  );
  app.post(`${base}/:eid/check`, (c) =>
    refusedOr(c, async () => showEndpoint(c, { check: await checkReceiver(ctx, c.get('tenant').id, c.req.param('eid')) })),
  );
  app.post(`${base}/:eid/rotate-secret`, async (c) => {
    const rotated = await rotateSecret(ctx, c.get('tenant').id, c.req.param('eid'));
    return showEndpoint(c, { secret: rotated.secret });
  });
  for (const status of ['enabled', 'disabled'] as const) {
    app.post(`${base}/:eid/${status === 'enabled' ? 'enable' : 'disable'}`, async (c) => {
      await changeEndpoint(ctx, c.get('tenant').id, c.req.param('eid'), { status });
      return back(c, status);
    });
  }
  app.post('/dashboard/tenants/:tid/webhook-deliveries/:did/redeliver', async (c) => {
    const tenantId = c.get('tenant').id;
    const delivery = await redeliver(ctx, tenantId, c.req.param('did'));
    return c.redirect(`/dashboard/tenants/${tenantId}/webhook-endpoints/${delivery.endpoint_id}?done=redelivered`, 303);
  });
  return app;
}
