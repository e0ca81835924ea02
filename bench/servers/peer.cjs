// Stripe Sync Engine (@supabase/stripe-sync-engine) behind a minimal node:http server: the peer.
// Loaded with require from bench/.peer (its ESM build skips migrations); its stripe client is
// pointed at the sandbox for the calls it makes on checkout.session.* events.
'use strict';
const http = require('node:http');
const path = require('node:path');

const peerModules = path.resolve(__dirname, '../.peer/node_modules');
const { StripeSync, runMigrations } = require(path.join(peerModules, '@supabase/stripe-sync-engine'));
const Stripe = require(path.join(peerModules, 'stripe'));

const databaseUrl = process.env.BENCH_PEER_DATABASE_URL;
const sandbox = new URL(process.env.BENCH_SANDBOX_URL);

async function main() {
  await runMigrations({ databaseUrl, schema: 'stripe' });
  const sync = new StripeSync({
    poolConfig: { connectionString: databaseUrl, max: Number(process.env.BENCH_PEER_POOL ?? 10) },
    stripeSecretKey: process.env.BENCH_STRIPE_KEY,
    stripeWebhookSecret: process.env.BENCH_SIGNING_SECRET,
    backfillRelatedEntities: false,
  });
  sync.stripe = new Stripe(process.env.BENCH_STRIPE_KEY, {
    host: sandbox.hostname,
    port: Number(sandbox.port),
    protocol: 'http',
    telemetry: false,
  });

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      sync.processWebhook(Buffer.concat(chunks), req.headers['stripe-signature']).then(
        () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"received":true}');
        },
        (error) => {
          const signature = error && error.type === 'StripeSignatureVerificationError';
          res.writeHead(signature ? 400 : 500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: String((error && error.message) || error).slice(0, 300) }));
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`BENCH_READY ${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
  });
  process.once('SIGTERM', () => {
    server.close(() => void sync.postgresClient.pool.end().finally(() => process.exit(0)));
    server.closeAllConnections();
  });
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
