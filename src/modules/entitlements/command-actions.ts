import { printJson, withContext } from '../../cli/with-context';
import { checkEntitlement } from './entitlements-service';

export const check = (options: { tenant: string; customer: string; key: string; json?: boolean }) =>
  withContext(async (ctx) => {
    const answer = await checkEntitlement(ctx.store.db, options.tenant, options.customer, options.key, ctx.now());
    if (options.json) printJson(answer);
    else
      process.stdout.write(
        `${answer.key}: ${answer.granted ? `granted (value ${String(answer.value)}${answer.until ? `, until ${answer.until}` : ''})` : 'not granted'}\n` +
          `reason: ${answer.reason}\nas of: ${answer.as_of ?? 'no Stripe event yet'}\n`,
      );
    if (!answer.granted) process.exitCode = 3;
  });
