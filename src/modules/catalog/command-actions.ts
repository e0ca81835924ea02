import { withContext } from '../../cli/with-context';
import { JobRunner } from '../../jobs/runner';
import { connectionTenant, requireCatalogImport, startCatalogImport, type CatalogImportView } from './catalog-import-service';
import { progressLine } from './progress-line';

const POLL_MS = 200;

export const importCatalog = (options: { connection: string }) =>
  withContext(async (ctx) => {
    const connection = { id: options.connection, tenant_id: await connectionTenant(ctx, options.connection) };
    const { view, created } = await startCatalogImport(ctx, connection.tenant_id, connection.id);
    process.stderr.write(`${created ? 'started' : 'joined running'} import ${view.id}\n`);
    const runner = new JobRunner(ctx).start();
    const tty = process.stderr.isTTY === true;
    let current: CatalogImportView = view;
    let lastDecile = -1;
    try {
      while (current.status === 'queued' || current.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        current = await requireCatalogImport(ctx, connection.tenant_id, connection.id, view.id);
        if (tty) process.stderr.write(`\r${progressLine(current)}\u001b[K`);
        else {
          // Not a terminal (a log, a pipe): one line per tenth instead of a redrawn bar.
          const decile = current.total ? Math.floor((current.done / current.total) * 10) : Math.floor(current.done / 1000);
          if (decile !== lastDecile) process.stderr.write(`${progressLine(current)}\n`);
          lastDecile = decile;
        }
      }
    } finally {
      await runner.stop();
    }
    if (tty) process.stderr.write('\n');
    if (current.status === 'failed') throw new Error(`import ${current.id} failed: ${current.error ?? 'unknown error'}`);
    process.stdout.write(
      `imported ${current.products} products and ${current.prices} prices; ${current.changed} changed (0 means the catalog was already current)\n`,
    );
  });
