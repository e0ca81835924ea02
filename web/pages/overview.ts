import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { ConnectionView } from '../../src/connections/connection-view';
import type { DisputeView } from '../../src/modules/disputes/dispute-view';
import type { RevenueLine } from '../../src/services/overview-service';
import type { ActivityBucket, TenantTrouble } from '../../src/store/overview';
import type { Tenant } from '../../src/store/schema';
import { stackedBarChart, type ChartSeries } from '../charts';
import { layout, modeBadge, statusBadge, time, type Html } from '../layout';

const SERIES: ChartSeries[] = [
  { key: 'processed', label: 'Processed', colour: '#2e7d32' },
  { key: 'failed', label: 'Failed or dead', colour: '#c62828' },
  { key: 'waiting', label: 'Waiting or paused', colour: '#8a9aa6' },
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const day = (d: Date) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
const hour = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:00`;

function activityChart(id: string, title: string, buckets: ActivityBucket[], unit: 'hour' | 'day'): Html {
  const received = buckets.reduce((sum, b) => sum + b.received, 0);
  const failed = buckets.reduce((sum, b) => sum + b.failed, 0);
  const processed = buckets.reduce((sum, b) => sum + b.processed, 0);
  return stackedBarChart({
    id,
    title,
    description: `${received} events received, ${processed} processed, ${failed} failed or dead, one bar per ${unit} (UTC).`,
    series: SERIES,
    bars: buckets.map((b) => ({
      label: unit === 'hour' ? `${day(b.start)} ${hour(b.start)} UTC` : `${day(b.start)} ${b.start.getUTCFullYear()}`,
      tick: unit === 'hour' ? hour(b.start) : day(b.start),
      values: { processed: b.processed, failed: b.failed, waiting: Math.max(0, b.received - b.processed - b.failed) },
    })),
  });
}

function healthTable(base: string, connections: ConnectionView[]): Html {
  if (connections.length === 0)
    return html`<p class="empty">No Stripe account is connected yet. <a href="${base}/connections/new">Connect one</a>.</p>`;
  return html`<div class="table-wrap">
    <table class="stack">
      <caption class="sr-only">
        Health of each connection
      </caption>
      <thead>
        <tr>
          <th scope="col">Connection</th>
          <th scope="col">Status</th>
          <th scope="col">Webhooks</th>
          <th scope="col">Last event</th>
        </tr>
      </thead>
      <tbody>
        ${connections.map(
          (c) =>
            html`<tr>
              <td data-label="Connection"><a href="${base}/connections/${c.id}">${c.name}</a> ${modeBadge(c.mode)}</td>
              <td data-label="Status">
                ${statusBadge(c.status)}${c.status_reasons[0] ? html`<br /><span class="small">${c.status_reasons[0]}</span>` : ''}
              </td>
              <td data-label="Webhooks">${c.webhook_status.replaceAll('_', ' ')}</td>
              <td data-label="Last event">${time(c.last_event_at)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function revenueTable(lines: RevenueLine[]): Html {
  if (lines.length === 0) return html`<p class="empty">Nothing paid through Paybridge yet.</p>`;
  return html`<ul class="revenue">
    ${lines.map(
      (line) =>
        html`<li>
          <span class="amount">${line.currency} ${line.display}</span>
          <span class="muted small">${line.payments} payment${line.payments === 1 ? '' : 's'}</span>
        </li>`,
    )}
  </ul>`;
}

function disputesList(base: string, disputes: DisputeView[]): Html {
  if (disputes.length === 0) return html`<p class="empty">No open dispute.</p>`;
  return html`<ol class="plain urgent">
    ${disputes.map(
      (d) =>
        html`<li>
          <strong>Evidence due ${time(d.due_by, 'no due date')}</strong> — ${d.currency.toUpperCase()} ${d.amount_display}
          ${d.reason ? html`<span class="muted">(${d.reason.replaceAll('_', ' ')})</span>` : ''} ${statusBadge(d.status)}
          ${
            d.invoice_id
              ? html`<a href="${base}/invoices/${d.invoice_id}">invoice</a>`
              : d.payment_request_id
                ? html`<a href="${base}/payment-requests/${d.payment_request_id}">payment request</a>`
                : ''
          } <br /><code class="small">${d.id}</code>
        </li>`,
    )}
  </ol>`;
}

export interface FailingEndpoint {
  id: string;
  url: string;
  status: string;
  consecutive_failures: number;
  failing_since: Date | null;
  disabled_reason: string | null;
}

function endpointsList(base: string, endpoints: FailingEndpoint[]): Html {
  if (endpoints.length === 0) return html`<p class="empty">Every outbound webhook endpoint is delivering.</p>`;
  return html`<ul class="plain">
    ${endpoints.map(
      (e) =>
        html`<li>
          <a href="${base}/webhook-endpoints/${e.id}" class="break">${e.url}</a> ${statusBadge(e.status)} <br /><span class="small"
            >${e.consecutive_failures} failure${e.consecutive_failures === 1 ? '' : 's'} in a
            row${
              e.failing_since ? html`, failing since ${time(e.failing_since)}` : ''
            }${e.disabled_reason ? ` — ${e.disabled_reason}` : ''}</span
          >
        </li>`,
    )}
  </ul>`;
}

export function tenantOverviewPage(options: {
  principal: Principal;
  csrf: string;
  tenant: Tenant;
  connections: ConnectionView[];
  hourly: ActivityBucket[];
  daily: ActivityBucket[];
  revenue: RevenueLine[];
  disputes: DisputeView[];
  endpoints: FailingEndpoint[];
}): Html {
  const base = `/dashboard/tenants/${options.tenant.id}`;
  return layout(
    {
      title: `Overview · ${options.tenant.name}`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'overview',
    },
    html`<h1>Overview</h1>
      <div class="overview-grid">
        <section aria-labelledby="health-heading" class="card wide">
          <h2 id="health-heading">Connections</h2>
          ${healthTable(base, options.connections)}
        </section>
        <section aria-labelledby="activity-heading" class="card wide">
          <h2 id="activity-heading">Webhook events</h2>
          <p class="hint">Events received in each period, by what became of them. <a href="${base}/events">Open the event log</a></p>
          <div class="charts">
            ${activityChart('chart-24h', 'Last 24 hours, by hour (UTC)', options.hourly, 'hour')}
            ${activityChart('chart-30d', 'Last 30 days, by day (UTC)', options.daily, 'day')}
          </div>
        </section>
        <section aria-labelledby="revenue-heading" class="card">
          <h2 id="revenue-heading">Paid through Paybridge</h2>
          <p class="hint">Invoice and payment-request payments, by currency, before refunds.</p>
          ${revenueTable(options.revenue)}
        </section>
        <section aria-labelledby="disputes-heading" class="card">
          <h2 id="disputes-heading">Open disputes</h2>
          <p class="hint">Most urgent first: submit evidence in Stripe before the due date.</p>
          ${disputesList(base, options.disputes)}
        </section>
        <section aria-labelledby="endpoints-heading" class="card">
          <h2 id="endpoints-heading">Failing outbound webhooks</h2>
          ${endpointsList(base, options.endpoints)}
        </section>
      </div>`,
  );
}

export function adminOverviewPage(options: { principal: Principal; csrf: string; tenants: TenantTrouble[] }): Html {
  const sum = (key: 'needs_attention' | 'failed' | 'dead' | 'rejected') => options.tenants.reduce((total, t) => total + t[key], 0);
  const cell = (value: number, href: string) => (value > 0 ? html`<a href="${href}">${value}</a>` : html`<span class="muted">0</span>`);
  return layout(
    { title: 'Overview', principal: options.principal, csrf: options.csrf, section: 'admin_overview' },
    html`<h1>Overview</h1>
      <ul class="stat-row">
        <li><span class="stat">${sum('needs_attention')}</span> connections need attention</li>
        <li><span class="stat">${sum('dead')}</span> dead events</li>
        <li><span class="stat">${sum('failed')}</span> failed events (retrying)</li>
        <li><span class="stat">${sum('rejected')}</span> rejected deliveries</li>
      </ul>
      <section aria-labelledby="trouble-heading">
        <h2 id="trouble-heading">Tenants to look at</h2>
        ${
          options.tenants.length === 0
            ? html`<p class="empty">
                Nothing needs attention: no connection with a problem, no failed or dead event, no rejected delivery.
              </p>`
            : html`<div class="table-wrap">
                <table class="stack">
                  <caption class="sr-only">
                    Tenants with something to look at, worst first
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Tenant</th>
                      <th scope="col">Connections needing attention</th>
                      <th scope="col">Dead events</th>
                      <th scope="col">Failed events</th>
                      <th scope="col">Rejected deliveries</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${options.tenants.map((t) => {
                      const base = `/dashboard/tenants/${t.tenant_id}`;
                      return html`<tr>
                        <td data-label="Tenant"><a href="${base}/overview">${t.tenant_name}</a></td>
                        <td data-label="Connections needing attention">${cell(t.needs_attention, base)}</td>
                        <td data-label="Dead events">${cell(t.dead, `${base}/events?status=dead`)}</td>
                        <td data-label="Failed events">${cell(t.failed, `${base}/events?status=failed`)}</td>
                        <td data-label="Rejected deliveries">${cell(t.rejected, `${base}/events/rejected`)}</td>
                      </tr>`;
                    })}
                  </tbody>
                </table>
              </div>`
        }
      </section>
      <p><a href="/dashboard/tenants">All tenants</a></p>`,
  );
}
