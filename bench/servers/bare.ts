import { createServer } from 'node:http';
import { verifyStripeSignature } from '../../src/webhooks/signature';

// The bound: a node:http server that only verifies Stripe's signature on the raw body, stores
// nothing and answers. Whatever Paybridge does on top costs throughput relative to this.
const secret = process.env.BENCH_SIGNING_SECRET ?? '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const result = verifyStripeSignature({
      rawBody: Buffer.concat(chunks),
      header: req.headers['stripe-signature'] as string | undefined,
      secrets: [secret],
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    res.writeHead(result.ok ? 200 : 400, { 'content-type': 'application/json' });
    res.end(result.ok ? '{"received":true}' : JSON.stringify({ error: { code: result.reason } }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`BENCH_READY ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
