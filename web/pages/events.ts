import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { EventSummary } from '../../src/store/events';
import type { ConnectionRow, EventRow, EventStatus, Tenant } from '../../src/store/schema';
import { ALL_FEATURES, eventsForFeatures } from '../../src/stripe/features';
import { actionButton, csrfField, layout, modeBadge, statusBadge, time, type Html } from '../layout';
import { resultSummary, twoWayPager, type DateRange } from '../list-query';
import { EVENT_STATUSES } from './integrations';

export interface EventFilterValues {
  status?: EventStatus;
  /** A type prefix: `payment_intent` finds every `payment_intent.*`. */
  type?: string;
  connectionId?: string;
  /** One id: event, Stripe event, object, or a Paybridge invoice/subscription/payment request/customer. */
  q?: string;
  from?: string;
  to?: string;
  range: DateRange;
  /** Why part of the query was ignored (shown as the page's notice). */
  error?: string;
}

const ALL_EVENT_TYPES = eventsForFeatures(ALL_FEATURES);
const FAMILIES = [...new Set(ALL_EVENT_TYPES.map((type) => type.split('.')[0]!))];

export function filterParams(filter: EventFilterValues): Record<string, string | undefined> {
  return { q: filter.q, status: filter.status, type: filter.type, connection_id: filter.connectionId, from: filter.from, to: filter.to };
}

export function isFiltered(filter: EventFilterValues): boolean {
  return Object.values(filterParams(filter)).some(Boolean);
}

const OBJECT_PAGES: Record<string, [string, string]> = {
  invoice: ['invoices', 'Invoice'],
  subscription: ['subscriptions', 'Subscription'],
  payment_request: ['payment-requests', 'Payment request'],
  customer: ['customers', 'Customer'],
};

/** Links to the Paybridge objects an event changed; objects without a page are named, not linked. */
export function changedLinks(tenantId: string, changed: readonly { type: string; id: string }[]): Html {
  const shown = changed.filter((object) => OBJECT_PAGES[object.type]);
  if (shown.length === 0) return html``;
  return html`<span class="small changed"
    >Changed
    ${shown.map((object, index) => {
      const [path, label] = OBJECT_PAGES[object.type]!;
      return html`${index > 0 ? ', ' : ''}<a href="/dashboard/tenants/${tenantId}/${path}/${object.id}"
          >${label} <code>${object.id}</code></a
        >`;
    })}</span
  >`;
}

function filterForm(tenantId: string, filter: EventFilterValues, connections: ConnectionRow[]): Html {
  const base = `/dashboard/tenants/${tenantId}/events`;
  return html`<form method="get" action="${base}" class="card filters search" role="search" aria-label="Filter events">
    <div class="field">
      <label for="f-q">Search by id</label>
      <input id="f-q" name="q" value="${filter.q ?? ''}" placeholder="evt_…, pi_…, inv_…" spellcheck="false" aria-describedby="f-q-hint" />
      <p class="hint" id="f-q-hint">Event, Stripe event or object id; or an invoice, subscription, payment request or customer id.</p>
    </div>
    <div class="field">
      <label for="f-status">Status</label>
      <select id="f-status" name="status">
        <option value="">Any status</option>
        ${EVENT_STATUSES.map((status) => html`<option value="${status}" ${filter.status === status ? html` selected` : ''}>${status}</option>`)}
      </select>
    </div>
    <div class="field">
      <label for="f-type">Type starts with</label>
      <input id="f-type" name="type" list="event-types" value="${filter.type ?? ''}" placeholder="payment_intent" spellcheck="false" />
      <datalist id="event-types">${[...FAMILIES, ...ALL_EVENT_TYPES].map((type) => html`<option value="${type}"></option>`)}</datalist>
    </div>
    <div class="field">
      <label for="f-connection">Connection</label>
      <select id="f-connection" name="connection_id">
        <option value="">All connections</option>
        ${connections.map((c) => html`<option value="${c.id}" ${filter.connectionId === c.id ? html` selected` : ''}>${c.name} (${c.mode})</option>`)}
      </select>
    </div>
    <div class="field">
      <label for="f-from">Received from (UTC day)</label>
      <input id="f-from" name="from" type="date" value="${filter.from ?? ''}" />
    </div>
    <div class="field">
      <label for="f-to">Received to (UTC day, included)</label>
      <input id="f-to" name="to" type="date" value="${filter.to ?? ''}" />
    </div>
    <div class="button-row">
      <button type="submit">Filter</button>
      ${isFiltered(filter) ? html`<a href="${base}">Clear filters</a>` : ''}
    </div>
  </form>`;
}

/** The count, the table and the pager: the whole page on load, and the fragment the live log swaps in. */
export function eventResults(options: {
  tenant: Tenant;
  filter: EventFilterValues;
  connections: ConnectionRow[];
  page: { rows: EventSummary[]; olderCursor: string | null; newerCursor: string | null };
  total: { count: number; capped: boolean };
  changed: Map<string, { type: string; id: string }[]>;
}): Html {
  const { filter, tenant, page } = options;
  const base = `/dashboard/tenants/${tenant.id}/events`;
  const names = new Map(options.connections.map((c) => [c.id, c.name]));
  const filtered = isFiltered(filter);
  return html`${resultSummary({ ...options.total, noun: ['event', 'events'], filtered, clearHref: base })}
  ${
    page.rows.length === 0
      ? html`<p class="empty">
          ${filtered ? 'No event matches these filters.' : "No events received yet. Once Stripe sends one to a connection's webhook URL it appears here."}
        </p>`
      : html`<div class="table-wrap">
          <table class="events stack">
            <caption class="sr-only">
              Events, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Connection</th>
                <th scope="col">Attempts</th>
                <th scope="col">Received</th>
              </tr>
            </thead>
            <tbody>
              ${page.rows.map(
                (event) =>
                  html`<tr data-event-id="${event.id}">
                    <td data-label="Type">
                      <a href="${base}/${event.id}"><code>${event.type}</code></a
                      ><br /><span class="muted small">${event.stripe_event_id}</span>
                      ${(options.changed.get(`${event.connection_id}/${event.stripe_event_id}`) ?? []).length ? html`<br />` : ''}
                      ${changedLinks(tenant.id, options.changed.get(`${event.connection_id}/${event.stripe_event_id}`) ?? [])}
                    </td>
                    <td data-label="Status">
                      ${statusBadge(event.status)}${
                        event.last_error
                          ? html`<br /><span class="small error-text">${event.last_error.slice(0, 140)}</span>`
                          : event.status_reason
                            ? html`<br /><span class="small muted">${event.status_reason.slice(0, 140)}</span>`
                            : ''
                      }
                    </td>
                    <td data-label="Connection">${names.get(event.connection_id) ?? event.connection_id}</td>
                    <td data-label="Attempts">${event.attempts}</td>
                    <td data-label="Received">${time(event.received_at)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`
  }
  ${twoWayPager(base, filterParams(filter), page)}`;
}

export function eventsPage(options: {
  principal: Principal;
  csrf: string;
  tenant: Tenant;
  filter: EventFilterValues;
  connections: ConnectionRow[];
  page: { rows: EventSummary[]; olderCursor: string | null; newerCursor: string | null };
  total: { count: number; capped: boolean };
  changed: Map<string, { type: string; id: string }[]>;
  paged: boolean;
  notice?: { kind: 'ok' | 'error'; text: string };
}): Html {
  const { filter, tenant } = options;
  const base = `/dashboard/tenants/${tenant.id}/events`;
  const filtered = isFiltered(filter);
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filterParams(filter))) if (value) query.set(name, value);
  // Only the newest page refreshes itself: an older page keeps what the reader is looking at.
  const live = options.paged ? '' : `${base}/live${query.size ? `?${query.toString()}` : ''}`;
  return layout(
    {
      title: `Webhook events · ${tenant.name}`,
      principal: options.principal,
      csrf: options.csrf,
      tenant,
      section: 'events',
      notice: options.notice,
    },
    html`<h1>Webhook events</h1>
      <p>Every event Stripe delivered and Paybridge verified, newest first. <a href="${base}/rejected">Rejected deliveries</a></p>
      ${filterForm(tenant.id, filter, options.connections)}
      <section aria-labelledby="events-heading">
        <h2 id="events-heading">${filtered ? 'Matching events' : 'All events'}</h2>
        ${live ? html`<p class="hint live-note" data-live-note hidden>New events appear here as they arrive.</p>` : ''}
        <div id="event-results" ${live ? html`data-live-src="${live}"` : ''}>${eventResults(options)}</div>
      </section>
      ${
        filtered
          ? html`<section aria-labelledby="replay-heading">
              <h2 id="replay-heading">Replay</h2>
              <form method="post" action="${base}/replay" class="inline">
                ${csrfField(options.csrf)}
                ${Object.entries(filterParams(filter)).map(([name, value]) => (value ? html`<input type="hidden" name="${name}" value="${value}" />` : ''))}
                <p class="hint">
                  Puts every event matching the filters above back in the queue, not only this page (paused events wait for their connection
                  to be enabled). Processing is idempotent: an effect already applied is not applied twice.
                </p>
                <button type="submit" class="secondary">Replay all matching events</button>
              </form>
            </section>`
          : html`<p class="hint">To replay several events at once, filter the log first; then replay everything that matches.</p>`
      }`,
  );
}

function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

export function eventDetailPage(options: {
  principal: Principal;
  csrf: string;
  tenant: Tenant;
  event: EventRow;
  attempts: { attempt: number; outcome: string; detail: string | null; started_at: Date; finished_at: Date }[];
  changed: { type: string; id: string }[];
  connection: ConnectionRow | undefined;
  notice?: { kind: 'ok' | 'error'; text: string };
}): Html {
  const { event, tenant } = options;
  const base = `/dashboard/tenants/${tenant.id}`;
  return layout(
    { title: `${event.type} · Event`, principal: options.principal, csrf: options.csrf, tenant, section: 'events', notice: options.notice },
    html`<h1><code>${event.type}</code></h1>
      <p class="badges">
        ${statusBadge(event.status)} ${modeBadge(event.livemode ? 'live' : 'test')} <code>${event.stripe_event_id}</code>
      </p>
      <dl class="facts">
        <div>
          <dt>Connection</dt>
          <dd>
            ${options.connection ? html`<a href="${base}/connections/${options.connection.id}">${options.connection.name}</a>` : event.connection_id}
          </dd>
        </div>
        <div>
          <dt>Object</dt>
          <dd>
            ${event.object_id ? html`<code>${event.object_id}</code> ${event.object_type ?? ''}` : html`<span class="muted">none</span>`}
          </dd>
        </div>
        ${
          options.changed.length > 0
            ? html`<div>
                <dt>Changed</dt>
                <dd>${changedLinks(tenant.id, options.changed)}</dd>
              </div>`
            : ''
        }
        <div>
          <dt>Source</dt>
          <dd>${event.source}</dd>
        </div>
        <div>
          <dt>Created in Stripe</dt>
          <dd>${time(new Date(Number(event.stripe_created) * 1000))}</dd>
        </div>
        <div>
          <dt>Received</dt>
          <dd>${time(event.received_at)}</dd>
        </div>
        <div>
          <dt>Processed</dt>
          <dd>${time(event.processed_at, 'not yet')}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>${event.attempts}</dd>
        </div>
        ${
          event.status === 'failed'
            ? html`<div>
                <dt>Next attempt</dt>
                <dd>${time(event.next_attempt_at)}</dd>
              </div>`
            : ''
        }
        ${
          event.status_reason
            ? html`<div>
                <dt>Reason</dt>
                <dd>${event.status_reason}</dd>
              </div>`
            : ''
        }
        ${
          event.last_error
            ? html`<div>
                <dt>Last error</dt>
                <dd class="error-text">${event.last_error}</dd>
              </div>`
            : ''
        }
        <div>
          <dt>API version</dt>
          <dd>${event.api_version ?? html`<span class="muted">unknown</span>`}</dd>
        </div>
      </dl>
      ${
        event.status === 'paused'
          ? html`<p class="hint">Paused because the connection is disabled; it is processed when the connection is enabled again.</p>`
          : actionButton({ action: `${base}/events/${event.id}/replay`, csrf: options.csrf, label: 'Replay this event', kind: 'secondary' })
      }
      <section aria-labelledby="attempts-heading">
        <h2 id="attempts-heading">Processing attempts</h2>
        ${
          options.attempts.length === 0
            ? html`<p class="empty">No processing attempt yet.</p>`
            : html`<div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Detail</th>
                      <th scope="col">Started</th>
                      <th scope="col">Took</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${options.attempts.map(
                      (attempt) =>
                        html`<tr>
                          <td>${attempt.attempt}</td>
                          <td>${statusBadge(attempt.outcome)}</td>
                          <td>${attempt.detail ?? ''}</td>
                          <td>${time(attempt.started_at)}</td>
                          <td>${Math.max(0, attempt.finished_at.getTime() - attempt.started_at.getTime())} ms</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
      </section>
      <section aria-labelledby="payload-heading">
        <h2 id="payload-heading">Payload</h2>
        <p class="hint">Exactly as Stripe sent it.</p>
        <pre class="payload" tabindex="0"><code>${prettyPayload(event.payload)}</code></pre>
      </section>
      <p><a href="${base}/events">All events</a></p>`,
  );
}

export function rejectionsPage(options: {
  principal: Principal;
  csrf: string;
  tenant: Tenant;
  connections: ConnectionRow[];
  counts: { connection_id: string; reason: string; count: number; last_at: Date }[];
  samples: { connection_id: string | null; reason: string; detail: string | null; received_at: Date }[];
}): Html {
  const names = new Map(options.connections.map((c) => [c.id, c.name]));
  const name = (id: string | null) => (id ? (names.get(id) ?? id) : 'unknown');
  return layout(
    {
      title: `Rejected deliveries · ${options.tenant.name}`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'events',
    },
    html`<h1>Rejected deliveries</h1>
      <p>
        Deliveries to this tenant's webhook URLs that Paybridge refused, by reason. They are counted, not stored as events. A
        <code>no_matching_signature</code> usually means the signing secret is wrong: paste the <code>whsec_…</code> from the endpoint's
        page in Stripe, not the endpoint id <code>we_…</code>.
      </p>
      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading">By reason</h2>
        ${
          options.counts.length === 0
            ? html`<p class="empty">No delivery was rejected.</p>`
            : html`<div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Connection</th>
                      <th scope="col">Reason</th>
                      <th scope="col">Count</th>
                      <th scope="col">Last</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${options.counts.map(
                      (row) =>
                        html`<tr>
                          <td>${name(row.connection_id)}</td>
                          <td><code>${row.reason}</code></td>
                          <td>${Number(row.count)}</td>
                          <td>${time(row.last_at)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
      </section>
      <section aria-labelledby="samples-heading">
        <h2 id="samples-heading">Recent samples</h2>
        ${
          options.samples.length === 0
            ? html`<p class="empty">No samples.</p>`
            : html`<ul class="plain samples">
                ${options.samples.map(
                  (sample) =>
                    html`<li>
                      ${time(sample.received_at)} · ${name(sample.connection_id)} ·
                      <code>${sample.reason}</code>${sample.detail ? html` — ${sample.detail}` : ''}
                    </li>`,
                )}
              </ul>`
        }
      </section>`,
  );
}
