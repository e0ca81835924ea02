import { ProgressReporter } from '../../cli/progress-reporter';
import { withContext } from '../../cli/with-context';
import { JobRunner } from '../../jobs/runner';
import { connectionTenant, requireCatalogImport, startCatalogImport, type CatalogImportView } from './catalog-import-service';

const POLL_MS = 200;

/** The import as the shared progress display shows it: items of the Stripe-reported total, products and prices apart. */
function importProgress(view: CatalogImportView) {
  return {
    done: view.done,
    total: view.total,
    unit: 'items',
    detail: `${view.products.toLocaleString('en-US')} products, ${view.prices.toLocaleString('en-US')} prices${view.total ? '' : `, ${view.status}`}`,
  };
}

export const importCatalog = (options: { connection: string }) =>
  withContext(async (ctx) => {
    const connection = { id: options.connection, tenant_id: await connectionTenant(ctx, options.connection) };
    const { view, created } = await startCatalogImport(ctx, connection.tenant_id, connection.id);
    process.stderr.write(`${created ? 'started' : 'joined running'} import ${view.id}\n`);
    const runner = new JobRunner(ctx).start();
    const progress = new ProgressReporter();
    let current: CatalogImportView = view;
    try {
      while (current.status === 'queued' || current.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        current = await requireCatalogImport(ctx, connection.tenant_id, connection.id, view.id);
        progress.update(importProgress(current));
      }
    } finally {
      await runner.stop();
    }
    progress.finish();
    if (current.status === 'failed') throw new Error(`import ${current.id} failed: ${current.error ?? 'unknown error'}`);
    process.stdout.write(
      `imported ${current.products} products and ${current.prices} prices; ${current.changed} changed (0 means the catalog was already current)\n`,
    );
  });
