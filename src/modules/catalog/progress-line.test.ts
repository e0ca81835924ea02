import { describe, expect, it } from 'vitest';
import type { CatalogImportView } from './catalog-import-service';
import { progressLine } from './progress-line';

const view = (changes: Partial<CatalogImportView>): CatalogImportView => ({
  id: 'cimp_1',
  connection_id: 'conn_1',
  status: 'running',
  phase: 'prices',
  products: 2_000,
  prices: 1_500,
  done: 3_500,
  total: 7_000,
  changed: 3_500,
  error: null,
  created_at: '2026-01-01T00:00:00.000Z',
  finished_at: null,
  ...changes,
});

describe('catalog import progress line', () => {
  it('draws a bar of done over total with the counts', () => {
    expect(progressLine(view({}))).toBe(`[${'#'.repeat(15)}${'-'.repeat(15)}]  50% 3,500/7,000 (2,000 products, 1,500 prices)`);
    expect(progressLine(view({ done: 7_000, prices: 5_000 }))).toContain(`[${'#'.repeat(30)}] 100% 7,000/7,000`);
  });

  it('shows counts only when Stripe gave no total', () => {
    expect(progressLine(view({ total: null }))).toBe('running 3,500 imported (2,000 products, 1,500 prices)');
  });
});
