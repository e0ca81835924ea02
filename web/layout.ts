import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Principal } from '../src/auth/principal';
import type { Tenant } from '../src/store/schema';

/** What every template returns: escaped HTML (interpolations are escaped unless they are `html` themselves). */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export type Section =
  | 'admin_overview'
  | 'overview'
  | 'tenants'
  | 'integrations'
  | 'events'
  | 'invoices'
  | 'mail'
  | 'customers'
  | 'plans'
  | 'payment_requests'
  | 'subscriptions'
  | 'disputes'
  | 'webhooks';

/** Extra per-tenant sections, listed in the navigation only once their pages exist. */
const TENANT_SECTIONS: [Section, string, string][] = [
  ['invoices', 'invoices', 'Invoices'],
  ['mail', 'mail', 'Mail'],
  ['customers', 'customers', 'Customers'],
  ['plans', 'plans', 'Plans'],
  ['payment_requests', 'payment-requests', 'Payment requests'],
  ['subscriptions', 'subscriptions', 'Subscriptions'],
  ['disputes', 'disputes', 'Disputes'],
  ['webhooks', 'webhook-endpoints', 'Outbound webhooks'],
];

export interface Shell {
  title: string;
  principal?: Principal;
  csrf?: string;
  tenant?: Tenant;
  section?: Section;
  /** Optional one-line status shown under the heading (a fixed message, never request text). */
  notice?: { kind: 'ok' | 'error'; text: string };
}

/** The page shell: skip link, header with navigation and sign-out, one <main> with the page's <h1>. */
export function layout(shell: Shell, body: Html): Html {
  const tenantBase = shell.tenant ? `/dashboard/tenants/${shell.tenant.id}` : undefined;
  const navLink = (section: Section, href: string, label: string) =>
    html`<li><a href="${href}" ${shell.section === section ? raw(' aria-current="page"') : ''}>${label}</a></li>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${shell.title} · Paybridge</title>
        <link rel="stylesheet" href="/dashboard/assets/style.css" />
        <script src="/dashboard/assets/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/dashboard">Paybridge</a>
          ${
            shell.principal
              ? html`<nav aria-label="Main">
                    <ul>
                      ${shell.principal.kind === 'admin' ? html`${navLink('admin_overview', '/dashboard/overview', 'Overview')}${navLink('tenants', '/dashboard/tenants', 'Tenants')}` : ''}
                      ${
                        tenantBase
                          ? html`${navLink('overview', `${tenantBase}/overview`, 'Tenant overview')}${navLink('integrations', tenantBase, 'Integrations')}${navLink('events', `${tenantBase}/events`, 'Webhook events')}${TENANT_SECTIONS.map(([section, path, label]) => navLink(section, `${tenantBase}/${path}`, label))}`
                          : ''
                      }
                    </ul>
                  </nav>
                  <form class="signout" method="post" action="/dashboard/sign-out">
                    ${csrfField(shell.csrf)}
                    <span class="who">${shell.principal.kind === 'admin' ? 'Admin' : shell.tenant ? shell.tenant.name : 'Tenant'}</span>
                    <button type="submit" class="link">Sign out</button>
                  </form>`
              : ''
          }
        </header>
        <main id="main">
          ${shell.tenant ? html`<p class="crumb">Tenant <a href="${tenantBase}">${shell.tenant.name}</a> <code>${shell.tenant.id}</code>${shell.principal?.kind === 'admin' ? html` · <a href="${tenantBase}/settings">Settings</a>` : ''}</p>` : ''}
          ${shell.notice ? html`<p class="notice ${shell.notice.kind}" role="${shell.notice.kind === 'error' ? 'alert' : 'status'}">${shell.notice.text}</p>` : ''}
          ${body}
        </main>
      </body>
    </html>`;
}

export function csrfField(csrf: string | undefined): Html {
  return csrf ? html`<input type="hidden" name="_csrf" value="${csrf}" />` : html``;
}

/** A POST button that is its own little form (actions on a connection, replay, sign-out). */
export function actionButton(options: {
  action: string;
  csrf: string;
  label: string;
  kind?: 'danger' | 'secondary';
  fields?: Record<string, string>;
}): Html {
  return html`<form method="post" action="${options.action}" class="inline">
    ${csrfField(options.csrf)}
    ${Object.entries(options.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
    <button type="submit" class="${options.kind ?? ''}">${options.label}</button>
  </form>`;
}

export type BadgeTone = 'ok' | 'warn' | 'bad' | 'muted' | 'info' | 'test' | 'live';

export function badge(text: string, tone: BadgeTone): Html {
  return html`<span class="badge ${tone}">${text}</span>`;
}

const STATUS_TONES: Record<string, BadgeTone> = {
  active: 'ok',
  processed: 'ok',
  paid: 'ok',
  succeeded: 'ok',
  enabled: 'ok',
  receiving: 'ok',
  needs_attention: 'warn',
  received: 'info',
  open: 'info',
  paused: 'warn',
  failed: 'bad',
  dead: 'bad',
  disabled: 'muted',
  disconnected: 'muted',
  ignored: 'muted',
  void: 'muted',
  draft: 'muted',
};

/** A status word as a badge; the word itself carries the meaning, colour only repeats it. */
export function statusBadge(status: string): Html {
  return badge(status.replaceAll('_', ' '), STATUS_TONES[status] ?? 'muted');
}

export function modeBadge(mode: 'test' | 'live'): Html {
  return badge(mode === 'live' ? 'Live' : 'Test', mode);
}

/**
 * Times are rendered in UTC with a machine-readable datetime, so the page reads the same without
 * script; app.js rewrites the text into the viewer's time zone with a relative time, and the title
 * keeps the exact UTC for hover.
 */
export function time(value: Date | string | null | undefined, empty = 'never'): Html {
  if (value === null || value === undefined) return html`<span class="muted">${empty}</span>`;
  const date = typeof value === 'string' ? new Date(value) : value;
  const iso = date.toISOString();
  const utc = `${iso.slice(0, 19).replace('T', ' ')} UTC`;
  return html`<time datetime="${iso}" title="${utc}">${utc}</time>`;
}

/** Next-page link that keeps the current filters; pages never load more than one page of rows. */
export function pager(path: string, params: Record<string, string | undefined>, nextCursor: string | null, firstPage: boolean): Html {
  const query = (extra: Record<string, string | undefined>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...params, ...extra })) if (value) search.set(key, value);
    const text = search.toString();
    return text ? `${path}?${text}` : path;
  };
  if (!nextCursor && firstPage) return html``;
  return html`<nav class="pager" aria-label="Pages">
    ${firstPage ? '' : html`<a href="${query({ cursor: undefined })}">First page</a>`}
    ${nextCursor ? html`<a href="${query({ cursor: nextCursor })}" rel="next">Next page</a>` : ''}
  </nav>`;
}

/** Field-level message tied to its input with aria-describedby (the input sets the same id). */
export function fieldError(id: string, message: string | undefined): Html {
  return message ? html`<p class="field-error" id="${id}-error">${message}</p>` : html``;
}

export function describedBy(id: string, hasError: boolean, hint = true): Html {
  const ids = [hint ? `${id}-hint` : '', hasError ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"${hasError ? raw(' aria-invalid="true"') : ''}` : html``;
}
