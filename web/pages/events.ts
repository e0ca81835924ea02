import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { EventSummary } from '../../src/store/events';
import type { ConnectionRow, EventRow, EventStatus, Tenant } from '../../src/store/schema';
import { ALL_FEATURES, eventsForFeatures } from '../../src/stripe/features';
import { actionButton, csrfField, layout, modeBadge, pager, statusBadge, time, type Html } from '../layout';
import { EVENT_STATUSES } from './integrations';

export interface EventFilterValues {
  status?: EventStatus;
  type?: string;
  connectionId?: string;
}

const ALL_EVENT_TYPES = eventsForFeatures(ALL_FEATURES);

function filterForm(tenantId: string, filter: EventFilterValues, connections: ConnectionRow[]): Html {
  return html`<form
    method="get"
    action="/dashboard/tenants/${tenantId}/events"
    class="card filters"
    role="search"
    aria-label="Filter events"
  >
    <div class="field">
      <label for="f-status">Status</label>
      <select id="f-status" name="status">
        <option value="">Any status</option>
        ${EVENT_STATUSES.map((status) => html`<option value="${status}" ${filter.status === status ? html` selected` : ''}>${status}</option>`)}
      </select>
    </div>
    <div class="field">
      <label for="f-type">Type</label>
      <input
        id="f-type"
        name="type"
        list="event-types"
        value="${filter.type ?? ''}"
        placeholder="e.g. checkout.session.completed"
        spellcheck="false"
      />
      <datalist id="event-types">${ALL_EVENT_TYPES.map((type) => html`<option value="${type}"></option>`)}</datalist>
    </div>
    <div class="field">
      <label for="f-connection">Connection</label>
      <select id="f-connection" name="connection_id">
        <option value="">All connections</option>
        ${connections.map((c) => html`<option value="${c.id}" ${filter.connectionId === c.id ? html` selected` : ''}>${c.name} (${c.mode})</option>`)}
      </select>
    </div>
    <button type="submit">Filter</button>
  </form>`;
}

export function eventsPage(options: {
  principal: Principal;
  csrf: string;
  tenant: Tenant;
  filter: EventFilterValues;
  events: EventSummary[];
  connections: ConnectionRow[];
  nextCursor: string | null;
  firstPage: boolean;
  notice?: { kind: 'ok' | 'error'; text: string };
}): Html {
  const { filter, tenant } = options;
  const base = `/dashboard/tenants/${tenant.id}/events`;
  const names = new Map(options.connections.map((c) => [c.id, c.name]));
  const filtered = !!(filter.status || filter.type || filter.connectionId);
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
        ${
          options.events.length === 0
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
                    ${options.events.map(
                      (event) =>
                        html`<tr>
                          <td data-label="Type">
                            <a href="${base}/${event.id}"><code>${event.type}</code></a
                            ><br /><span class="muted small">${event.stripe_event_id}</span>
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
        ${pager(base, { status: filter.status, type: filter.type, connection_id: filter.connectionId }, options.nextCursor, options.firstPage)}
      </section>
      ${
        filtered
          ? html`<section aria-labelledby="replay-heading">
              <h2 id="replay-heading">Replay</h2>
              <form method="post" action="${base}/replay" class="inline">
                ${csrfField(options.csrf)} ${filter.status ? html`<input type="hidden" name="status" value="${filter.status}" />` : ''}
                ${filter.type ? html`<input type="hidden" name="type" value="${filter.type}" />` : ''}
                ${filter.connectionId ? html`<input type="hidden" name="connection_id" value="${filter.connectionId}" />` : ''}
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
