import { cpSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';

const OUT_DIR = 'bench/.build';
const bundles = new Map<string, Promise<string>>();

/**
 * A bench server as plain JavaScript, bundled with the settings `npm run build` uses for dist/, so
 * it runs as `npm start` runs Paybridge. Under `--import tsx` every server also carried tsx's
 * module loader, a second V8 isolate on its own thread, in its RSS. Built once per bench run.
 */
export function bundled(script: string): Promise<string> {
  let bundle = bundles.get(script);
  if (!bundle) {
    const outfile = `${OUT_DIR}/${basename(script).replace(/\.ts$/, '.mjs')}`;
    bundle = build({
      entryPoints: [script],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    }).then(() => {
      // The dashboard reads its assets next to the code, as dist/ has them.
      cpSync('web/assets', `${OUT_DIR}/assets`, { recursive: true });
      return outfile;
    });
    bundles.set(script, bundle);
  }
  return bundle;
}
