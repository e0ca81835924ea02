import { buildCli } from './cli/program';

// Entry point for `npm start` (serve) and `npx paybridge …`.
await buildCli().parseAsync(process.argv);
