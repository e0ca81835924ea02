import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { Tenant } from '../../src/store/schema';
import { csrfField, layout, type Html } from '../layout';

/**
 * "Replay N matching events?" — N counted with the same filters the replay will use. The form
 * carries the filters again plus `confirm=yes`; without JavaScript it is one more page, nothing else.
 */
export function replayConfirmPage(options: {
  principal: Principal;
  csrf: string;
  tenant: Tenant;
  count: number;
  /** The filters as form fields and as labels for people (name → value). */
  params: Record<string, string>;
  labels: string[];
}): Html {
  const base = `/dashboard/tenants/${options.tenant.id}/events`;
  const back = `${base}?${new URLSearchParams(options.params).toString()}`;
  const { count } = options;
  const noun = `event${count === 1 ? '' : 's'}`;
  return layout(
    { title: `Replay ${count} ${noun}?`, principal: options.principal, csrf: options.csrf, tenant: options.tenant, section: 'events' },
    html`<h1>Replay ${count} matching ${noun}?</h1>
      <div class="card">
        <p>Filters: ${options.labels.join(', ')}.</p>
        ${
          count === 0
            ? html`<p>No event matches these filters now (paused events are left for their connection), so there is nothing to replay.</p>
                <div class="button-row"><a class="button secondary" href="${back}">Back to the events</a></div>`
            : html`<ul>
                  <li>${count} ${noun} go back in the queue and are processed again, oldest first per object.</li>
                  <li>Processing is idempotent: an effect already applied (an invoice paid, a mail queued) is not applied twice.</li>
                  <li>Paused events are not included; they run when their connection is enabled again.</li>
                  <li>Events that arrive before you confirm are included if they match.</li>
                </ul>
                <form method="post" action="${base}/replay" class="button-row">
                  ${csrfField(options.csrf)}
                  ${Object.entries(options.params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
                  <input type="hidden" name="confirm" value="yes" />
                  <button type="submit" class="danger">Replay ${count} ${noun}</button>
                  <a class="button secondary" href="${back}">Cancel</a>
                </form>`
        }
      </div>`,
  );
}
