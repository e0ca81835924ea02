// `npm run build` (run by `npm install` and `npm start`): bundles src/ into dist/ as ES modules that
// Node runs as is. Packages stay external (loaded from node_modules as usual). Code splitting turns
// each command's lazy `import()` into its own chunk, so `paybridge --help` loads only the command
// definitions. The dashboard reads its static assets next to the code, so they are copied along.
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
cpSync('web/assets', 'dist/assets', { recursive: true });
