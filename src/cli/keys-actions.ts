import { writeMasterKeyFile } from '../crypto/master-key';
import { rotateMasterKey } from '../crypto/rotate-master-key';
import { createSecretBox, generateMasterKey } from '../crypto/secret-box';
import { buildContext } from '../bootstrap';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { reportCliError } from './with-context';

/** Why the new key may not be an argument, and the two ways it may come. */
const ARGUMENT_REFUSED =
  'do not pass the new master key as an argument (it would stay in shell history and be visible in ps): ' +
  'set PAYBRIDGE_NEW_MASTER_KEY, or pipe it in with --new-key-stdin (e.g. openssl rand -base64 32 | paybridge keys rotate-master --new-key-stdin), ' +
  'or give neither and a new key is generated';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('paste the new master key (base64), then Ctrl-D:\n');
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.trim();
}

/** A piped key gets the same check as PAYBRIDGE_NEW_MASTER_KEY, and the same words when refused. */
function checkPipedKey(key: string | undefined): void {
  if (!key)
    throw new Error(
      'nothing arrived on stdin: pipe the new master key in, e.g. openssl rand -base64 32 | paybridge keys rotate-master --new-key-stdin',
    );
  try {
    loadConfig({ PAYBRIDGE_NEW_MASTER_KEY: key });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new Error(
      `the new master key from stdin ${error.problems.map((problem) => problem.replace(/^PAYBRIDGE_NEW_MASTER_KEY: /, '')).join('; ')}`,
    );
  }
}

export const rotateMaster = async (options: { newKey?: string; newKeyStdin?: boolean }) => {
  try {
    if (options.newKey !== undefined) throw new Error(ARGUMENT_REFUSED);
    const config = loadConfig();
    const given = options.newKeyStdin ? await readStdin() : config.newMasterKey;
    if (options.newKeyStdin) checkPipedKey(given);
    const ctx = await buildContext(config, { logger: createLogger({ level: 'warn', destination: process.stderr as never }) });
    try {
      const newKey = given ?? generateMasterKey();
      const next = createSecretBox(newKey);
      const result = await rotateMasterKey(ctx.store.db, ctx.secrets, next, (done) => process.stderr.write(`\rre-encrypted ${done}`));
      process.stderr.write('\n');
      process.stdout.write(`re-encrypted ${result.total} secret(s): ${JSON.stringify(result.reencrypted)}\n`);
      if (ctx.masterKeySource === 'file') {
        writeMasterKeyFile(config.dataDir, newKey);
        process.stdout.write(`the new master key replaced the key file in ${config.dataDir}\n`);
      } else if (!given) {
        process.stdout.write(`set PAYBRIDGE_MASTER_KEY to this new key before the next start (shown once):\n${newKey}\n`);
      } else {
        process.stdout.write('set PAYBRIDGE_MASTER_KEY to the new key before the next start\n');
      }
    } finally {
      await ctx.store.close();
    }
  } catch (error) {
    reportCliError(error);
  }
};
