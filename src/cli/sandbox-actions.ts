import { startSandbox } from '../../sandbox/index';
import { reportCliError } from './with-context';

export const sandbox = async (options: { port: string; host: string }) => {
  try {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a whole number from 0 to 65535');
    const sandbox = await startSandbox({ port, host: options.host });
    process.stdout.write(
      [
        `Stripe sandbox listening at ${sandbox.url}`,
        `  point Paybridge at it:  PAYBRIDGE_STRIPE_API_BASE=${sandbox.url}`,
        `  create an account:      curl -X POST ${sandbox.url}/_sandbox/accounts`,
        '',
      ].join('\n'),
    );
    const stop = async () => {
      await sandbox.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    reportCliError(error);
  }
};
