import type { CatalogImportView } from './catalog-import-service';

const WIDTH = 30;

/**
 * One line of import progress: a bar when the total is known, counts otherwise. Drawn by hand on
 * one terminal line (carriage return, no library): it is the only progress display Paybridge has.
 */
export function progressLine(view: CatalogImportView): string {
  const counts = `${view.products.toLocaleString('en-US')} products, ${view.prices.toLocaleString('en-US')} prices`;
  if (!view.total) return `${view.status} ${view.done.toLocaleString('en-US')} imported (${counts})`;
  const ratio = Math.min(1, view.done / view.total);
  const filled = Math.round(ratio * WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
  return `[${bar}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${view.done.toLocaleString('en-US')}/${view.total.toLocaleString('en-US')} (${counts})`;
}
