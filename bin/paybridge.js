#!/usr/bin/env node
// `npx paybridge …`: runs the JavaScript `npm install` built into dist/ (`npm run build`), so a command
// starts without compiling TypeScript. A checkout without dist/ (installed with --ignore-scripts) still
// works, slower, through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
