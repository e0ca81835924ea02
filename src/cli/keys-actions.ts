import { writeMasterKeyFile } from '../crypto/master-key';
import { rotateMasterKey } from '../crypto/rotate-master-key';
import { createSecretBox, generateMasterKey } from '../crypto/secret-box';
import { buildContext } from '../bootstrap';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { reportCliError } from './with-context';

export const rotateMaster = async (options: { newKey?: string }) => {
  try {
    const config = loadConfig();
    const ctx = await buildContext(config, { logger: createLogger({ level: 'warn', destination: process.stderr as never }) });
    try {
      const newKey = options.newKey ?? generateMasterKey();
      const next = createSecretBox(newKey);
      const result = await rotateMasterKey(ctx.store.db, ctx.secrets, next, (done) => process.stderr.write(`\rre-encrypted ${done}`));
      process.stderr.write('\n');
      process.stdout.write(`re-encrypted ${result.total} secret(s): ${JSON.stringify(result.reencrypted)}\n`);
      if (ctx.masterKeySource === 'file') {
        writeMasterKeyFile(config.dataDir, newKey);
        process.stdout.write(`the new master key replaced the key file in ${config.dataDir}\n`);
      } else if (!options.newKey) {
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
