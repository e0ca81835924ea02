import { html } from 'hono/html';
import type { Html } from './layout';
import { readDateRange, readPosition } from './list-query';

/**
 * The filters the dashboard's lists share (invoices, payment requests, subscriptions, disputes,
 * customers): one search term, a status, a date range in UTC days, and the keyset position. Read
 * from the query string with one function and drawn with one form, so every list reads and behaves
 * the same.
 */
export interface ListFilters<S extends string> {
  q?: string;
  status?: S;
  from?: string;
  to?: string;
  start?: Date;
  end?: Date;
  position: ReturnType<typeof readPosition>;
  /** What the page says about a filter it had to ignore. */
  error?: string;
  /** The filters as query parameters, for the pager and the form. */
  params: { q?: string; status?: string; from?: string; to?: string };
  filtered: boolean;
}

const MAX_SEARCH = 254;

export function readListFilters<S extends string>(
  query: (name: string) => string | undefined,
  statuses: readonly S[],
  searchTakes: string,
): ListFilters<S> {
  const rawQ = query('q')?.trim();
  const q = rawQ && rawQ.length <= MAX_SEARCH ? rawQ : undefined;
  const requested = query('status');
  const status = statuses.includes(requested as S) ? (requested as S) : undefined;
  const range = readDateRange(query('from'), query('to'));
  const params = { q, status, from: range.from, to: range.to };
  return {
    q,
    status,
    from: range.from,
    to: range.to,
    start: range.start,
    end: range.end,
    position: readPosition(query),
    error: rawQ && !q ? `Search takes ${searchTakes} of up to ${MAX_SEARCH} characters. The list below ignores it.` : range.error,
    params,
    filtered: Object.values(params).some(Boolean),
  };
}

/** The filter form above a list; "Clear filters" shows once a filter is on. */
export function listFilterForm(options: {
  action: string;
  /** Names the form for screen readers, e.g. "Filter invoices". */
  label: string;
  /** Keeps the field ids of two lists apart, e.g. "i" → i-q, i-status. */
  idPrefix: string;
  search: { placeholder: string; hint: string };
  /** Empty for a list without statuses (customers): the form then has no status field. */
  statuses: readonly string[];
  /** Which date the range filters on, e.g. "Created" or "Opened". */
  dateLabel: string;
  filters: ListFilters<string>;
}): Html {
  const { idPrefix: p, filters } = options;
  return html`<form method="get" action="${options.action}" class="card filters search" role="search" aria-label="${options.label}">
    <div class="field">
      <label for="${p}-q">Search</label>
      <input
        id="${p}-q"
        name="q"
        value="${filters.q ?? ''}"
        placeholder="${options.search.placeholder}"
        spellcheck="false"
        aria-describedby="${p}-q-hint"
      />
      <p class="hint" id="${p}-q-hint">${options.search.hint}</p>
    </div>
    ${
      options.statuses.length === 0
        ? ''
        : html`<div class="field">
            <label for="${p}-status">Status</label>
            <select id="${p}-status" name="status">
              <option value="">Any status</option>
              ${options.statuses.map(
                (status) =>
                  html`<option value="${status}" ${filters.status === status ? html` selected` : ''}>
                    ${status.replaceAll('_', ' ')}
                  </option>`,
              )}
            </select>
          </div>`
    }
    <div class="field">
      <label for="${p}-from">${options.dateLabel} from (UTC day)</label>
      <input id="${p}-from" name="from" type="date" value="${filters.from ?? ''}" />
    </div>
    <div class="field">
      <label for="${p}-to">${options.dateLabel} to (UTC day, included)</label>
      <input id="${p}-to" name="to" type="date" value="${filters.to ?? ''}" />
    </div>
    <div class="button-row">
      <button type="submit">Filter</button>
      ${filters.filtered ? html`<a href="${options.action}">Clear filters</a>` : ''}
    </div>
  </form>`;
}
