/**
 * `--since` as people write it: an ISO 8601 date or date-time (2026-11-30, 2026-11-30T08:00:00Z), or
 * Unix seconds as scripts do. Returns Unix seconds; anything else is refused with the accepted forms.
 */
export function parseSince(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed);
  const at = iso ? Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed) : NaN;
  if (Number.isNaN(at))
    throw new Error(
      `--since "${text}" is not a date: use an ISO date such as 2026-11-30 or 2026-11-30T08:00:00Z (UTC unless an offset is given), or Unix seconds`,
    );
  return Math.floor(at / 1000);
}
