import { benchBare, benchIngest } from './scenarios/ingest';
import { benchBackfill } from './scenarios/backfill';
import { benchBackfillRounds } from './scenarios/backfill-rounds';
import { benchCatalog } from './scenarios/catalog';
import { benchCli } from './scenarios/cli';
import { benchEmbeddedStartup } from './scenarios/embedded-startup';
import { benchEndToEnd } from './scenarios/end-to-end';
import { benchCorrectness } from './scenarios/correctness';
import { benchCredits } from './scenarios/credits';
import { benchEntitlements } from './scenarios/entitlements';
import { benchLongPoll } from './scenarios/longpoll';
import { benchOutbound } from './scenarios/outbound';
import { benchVersusPeer, ensurePeer } from './scenarios/peer';
import { benchScaleOut } from './scenarios/scale-out';
import { benchHistory } from './scenarios/history';
import { failures, log, table } from './lib/report';
import { startBenchSandbox } from './lib/sandbox';

// `npm run bench` runs everything; `-- --quick` a short version; `-- --only=bare,postgres,embedded,startup,peer,backfill-rounds,entitlements,longpoll,outbound,catalog,cli,scale-out,history`
// a subset; `-- --cpu-prof` writes V8 profiles of the Paybridge processes into bench/.profiles.
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const cpuProfDir = args.has('--cpu-prof') ? 'bench/.profiles' : undefined;
// `--history-rows=N`: events stored before the second load of `history` (default 5,000,000; --quick 200,000).
const historyRowsArg = process.argv.find((arg) => arg.startsWith('--history-rows='))?.slice('--history-rows='.length);
const historyRows = historyRowsArg === undefined ? (quick ? 200_000 : 5_000_000) : Number(historyRowsArg);
if (!Number.isInteger(historyRows) || historyRows < 1) {
  process.stderr.write(`--history-rows must be a whole number of events, at least 1, such as 5000000 (got ${historyRowsArg})\n`);
  process.exit(2);
}
const want = (name: string) => !only || only.includes(name);
const seconds = quick ? 3 : 15;
const settings = { seconds, connections: 64, cpuProfDir };

let correctness: string | undefined;
const sandbox = await startBenchSandbox(quick ? 500 : 5_000);
try {
  if (want('bare')) await benchBare(sandbox, settings);
  let checkoutPerSecond: number | undefined;
  if (want('postgres')) checkoutPerSecond = (await benchIngest('postgres', sandbox, settings)).perSecond;
  if (want('embedded')) await benchIngest('embedded', sandbox, settings);
  if (want('startup')) await benchEmbeddedStartup();
  if (want('cli')) await benchCli();
  if (want('peer')) {
    const version = ensurePeer();
    await benchVersusPeer('checkout', sandbox, settings, version, checkoutPerSecond);
    await benchVersusPeer('customers', sandbox, settings, version);
  }
  if (want('e2e')) await benchEndToEnd(sandbox, { seconds: quick ? 6 : 20, samples: quick ? 20 : 100, rate: 1_000, cpuProfDir });
  if (want('entitlements')) await benchEntitlements(sandbox, { seconds, connections: 64, customers: quick ? 1_000 : 10_000, cpuProfDir });
  if (want('backfill')) await benchBackfill(sandbox.template, quick ? 2_000 : 10_000);
  if (want('credits')) await benchCredits(sandbox, settings);
  if (want('backfill-rounds')) await benchBackfillRounds(quick ? 1_000 : 10_000, 300);
  if (want('longpoll')) await benchLongPoll(sandbox, { samples: quick ? 20 : 100, waits: quick ? 1_000 : 5_000 });
  if (want('catalog')) await benchCatalog(2_000, 5_000);
  if (want('outbound')) await benchOutbound(quick ? 250 : 1_000);
  if (want('scale-out')) await benchScaleOut(sandbox, settings);
  if (want('history')) await benchHistory(sandbox, { ...settings, historyRows });
  if (want('correctness')) {
    ensurePeer();
    correctness = await benchCorrectness(sandbox);
  }
} finally {
  await sandbox.child.stop();
}
process.stdout.write(`${table()}\n`);
if (correctness) process.stdout.write(`\nCorrectness on the same feeds:\n\n${correctness}\n`);
if (failures.length > 0) {
  log(`\nFAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exit(1);
}
