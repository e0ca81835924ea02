import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

// The platform's side of the outbound benchmark: one process answering every endpoint's path,
// verifying each delivery with the standardwebhooks package and counting distinct webhook-ids.
// GET /stats answers the counts. BENCH_SECRETS is a JSON map from path to whsec_ secret.
const verifiers = new Map(
  Object.entries(JSON.parse(process.env.BENCH_SECRETS ?? '{}') as Record<string, string>).map(([path, secret]) => [
    path,
    new Webhook(secret),
  ]),
);
const ids = new Set<string>();
let received = 0;
let failed = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ received, failed, distinct: ids.size }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    received += 1;
    try {
      verifiers.get(req.url ?? '')!.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
      ids.add(`${req.url} ${String(req.headers['webhook-id'])}`);
      res.writeHead(204);
    } catch {
      failed += 1;
      res.writeHead(400);
    }
    res.end();
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
