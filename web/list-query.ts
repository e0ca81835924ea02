import { html } from 'hono/html';
import { encodeCursor, readCursor } from '../src/http/cursor';
import type { Html } from './layout';

/**
 * What the dashboard's list pages share: a date range typed as days (UTC), "older" and "newer"
 * keyset links, a total count, and a way back to the unfiltered list.
 */

const DAY = 86_400_000;

export interface DateRange {
  /** As typed (YYYY-MM-DD), echoed back into the form only when valid. */
  from?: string;
  to?: string;
  /** Inclusive start of `from`, exclusive end of `to` (the whole last day counts). */
  start?: Date;
  end?: Date;
  error?: string;
}

function day(value: string | undefined): Date | undefined | null {
  if (!value) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
}

export function readDateRange(from: string | undefined, to: string | undefined): DateRange {
  const start = day(from?.trim());
  const last = day(to?.trim());
  const bad = [start === null ? 'from' : '', last === null ? 'to' : ''].filter(Boolean);
  if (bad.length > 0)
    return {
      error: `The ${bad.join(' and ')} date is not a date: use the date picker or type it as 2026-12-01. The list below ignores it.`,
    };
  if (start && last && last < start) return { error: 'The "to" date is before the "from" date: swap them. The list below ignores both.' };
  return {
    from: start ? from!.trim() : undefined,
    to: last ? to!.trim() : undefined,
    start: start ?? undefined,
    end: last ? new Date(last.getTime() + DAY) : undefined,
  };
}

/** Keyset position from `?cursor=` (older than) or `?newer=` (newer than). */
export function readPosition(query: (name: string) => string | undefined) {
  const older = readCursor(query('cursor'));
  const newer = older ? undefined : readCursor(query('newer'));
  return { older, newer, paged: !!(older || newer) };
}

/**
 * Cuts a page from rows fetched with `limit + 1` in either direction (newest first in both) and makes
 * both links: older from the last row, newer from the first one.
 */
export function twoWayPage<T>(
  rows: T[],
  limit: number,
  direction: 'older' | 'newer',
  paged: boolean,
  at: (row: T) => { at: Date; id: string },
) {
  const more = rows.length > limit;
  const kept = direction === 'newer' ? rows.slice(rows.length > limit ? 1 : 0) : rows.slice(0, limit);
  const first = kept[0];
  const last = kept.at(-1);
  const hasOlder = direction === 'older' ? more : true;
  const hasNewer = direction === 'newer' ? more : paged;
  return {
    rows: kept,
    olderCursor: hasOlder && last ? encodeCursor(at(last)) : null,
    newerCursor: hasNewer && first ? encodeCursor(at(first)) : null,
  };
}

export function withQuery(path: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

export function twoWayPager(
  path: string,
  params: Record<string, string | undefined>,
  page: { olderCursor: string | null; newerCursor: string | null },
): Html {
  if (!page.olderCursor && !page.newerCursor) return html``;
  return html`<nav class="pager" aria-label="Pages">
    ${page.newerCursor ? html`<a href="${withQuery(path, { ...params, newer: page.newerCursor })}" rel="prev">Newer</a>` : ''}
    ${page.newerCursor ? html`<a href="${withQuery(path, params)}">Newest</a>` : ''}
    ${page.olderCursor ? html`<a href="${withQuery(path, { ...params, cursor: page.olderCursor })}" rel="next">Older</a>` : ''}
  </nav>`;
}

/** "1,234 events match" / "1 invoice matches" / "More than 10,000 events match", with the link that clears the filters. */
export function resultSummary(options: {
  count: number;
  capped: boolean;
  noun: [string, string];
  filtered: boolean;
  clearHref: string;
}): Html {
  const { count, capped, noun } = options;
  const number = count.toLocaleString('en');
  const text = capped ? `More than ${number} ${noun[1]}` : `${number} ${count === 1 ? noun[0] : noun[1]}`;
  const verb = count === 1 && !capped ? 'matches' : 'match';
  const rest = options.filtered ? html` ${verb} the filters. <a href="${options.clearHref}">Clear filters</a>` : ' in all.';
  return html`<p class="result-count" data-result-count><strong>${text}</strong>${rest}</p>`;
}
