import { customerObject, envelope, freshEventId, signed } from '../lib/events';
import { adminQuery } from '../lib/postgres';
import { startPaybridge } from '../lib/paybridge';
import { log } from '../lib/report';
import type { SandboxInfo } from '../lib/sandbox';
import { startPeer } from './peer';

interface Step {
  id: string;
  body: string;
}

interface Case {
  name: string;
  customer: string | null;
  steps: Step[];
  expected: string;
}

const describeRow = (row: { name: string | null; deleted: boolean } | undefined) =>
  row ? (row.deleted ? 'deleted' : `name "${row.name}"`) : 'no row';

/**
 * The same feeds to both sides, in the same order, one delivery at a time: what each answers and
 * what each ends up storing. Paybridge's workers run in its process so its state is final.
 */
export async function benchCorrectness(sandbox: SandboxInfo): Promise<string> {
  const secret = 'whsec_benchcorrectness0123456789abc';
  const now = Math.floor(Date.now() / 1000);
  const run = freshEventId().slice(-8);
  const event = (
    type: string,
    object: Record<string, unknown>,
    created: number,
    previous?: Record<string, unknown>,
    id = freshEventId(),
  ): Step => ({ id, body: envelope(id, type, object, created, previous) });
  const cus = (suffix: string) => `cus_C${run}${suffix}`;
  const duplicate = event('customer.updated', customerObject(cus('dup'), now - 60, 'Dup v1'), now - 5, { name: 'Dup v0' });
  const cases: Case[] = [
    {
      name: 'Same-second updates (v1 then v2, both at second T, in order)',
      customer: cus('same'),
      steps: [
        event('customer.created', customerObject(cus('same'), now - 60, 'Ada v0'), now - 60),
        event('customer.updated', customerObject(cus('same'), now - 60, 'Ada v1'), now - 10, { name: 'Ada v0' }),
        event('customer.updated', customerObject(cus('same'), now - 60, 'Ada v2'), now - 10, { name: 'Ada v1' }),
      ],
      expected: 'name "Ada v2"',
    },
    {
      name: 'Same-second updates delivered out of order (v2 before v1)',
      customer: cus('swap'),
      steps: [
        event('customer.created', customerObject(cus('swap'), now - 60, 'Bo v0'), now - 60),
        event('customer.updated', customerObject(cus('swap'), now - 60, 'Bo v2'), now - 10, { name: 'Bo v1' }),
        event('customer.updated', customerObject(cus('swap'), now - 60, 'Bo v1'), now - 10, { name: 'Bo v0' }),
      ],
      expected: 'name "Bo v2"',
    },
    {
      name: 'Delete, then a late update from before the delete',
      customer: cus('del'),
      steps: [
        event('customer.created', customerObject(cus('del'), now - 60, 'Cy v0'), now - 60),
        event('customer.deleted', customerObject(cus('del'), now - 60, 'Cy v0', { deleted: true }), now - 10),
        event('customer.updated', customerObject(cus('del'), now - 60, 'Cy v1'), now - 20, { name: 'Cy v0' }),
      ],
      expected: 'deleted',
    },
    {
      name: 'Delete, then a late update from the same second',
      customer: cus('del2'),
      steps: [
        event('customer.created', customerObject(cus('del2'), now - 60, 'Di v0'), now - 60),
        event('customer.deleted', customerObject(cus('del2'), now - 60, 'Di v0', { deleted: true }), now - 10),
        event('customer.updated', customerObject(cus('del2'), now - 60, 'Di v1'), now - 10, { name: 'Di v0' }),
      ],
      expected: 'deleted',
    },
    {
      name: 'Unhandled event type (balance.available)',
      customer: null,
      steps: [
        event(
          'balance.available',
          { object: 'balance', available: [{ amount: 1000, currency: 'usd' }], livemode: false, pending: [] },
          now - 5,
        ),
      ],
      expected: '2xx, stored, not acted on',
    },
    {
      name: 'Duplicate delivery (same event id twice)',
      customer: cus('dup'),
      steps: [event('customer.created', customerObject(cus('dup'), now - 60, 'Dup v0'), now - 60), duplicate, duplicate],
      expected: 'name "Dup v1"; the repeat stored once',
    },
  ];

  const paybridge = await startPaybridge({ store: 'postgres', sandboxUrl: sandbox.url, role: 'all' });
  const peer = await startPeer(sandbox, secret);
  try {
    const { connectionId } = await paybridge.connect(sandbox.account.secret_key, secret);
    const answers: { ours: string[]; theirs: string[] }[] = [];
    for (const testCase of cases) {
      const ours: string[] = [];
      const theirs: string[] = [];
      for (const step of testCase.steps) {
        const delivery = signed(step.id, step.body, secret);
        const a = await fetch(`${paybridge.child.url}/webhooks/stripe/${connectionId}`, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        });
        const aBody = (await a.json()) as { duplicate?: boolean };
        ours.push(`${a.status}${aBody.duplicate ? ' dup' : ''}`);
        const b = await fetch(`${peer.child.url}/webhooks`, { method: 'POST', headers: delivery.headers, body: delivery.body });
        await b.text();
        theirs.push(String(b.status));
        // Paybridge applies events asynchronously; let each one settle so order is the feed's order.
        await waitProcessed(paybridge.databaseUrl!, connectionId);
      }
      answers.push({ ours, theirs });
    }

    const lines = [
      '| case | expected | Paybridge answers | Paybridge stores | Stripe Sync Engine answers | Stripe Sync Engine stores |',
      '|---|---|---|---|---|---|',
    ];
    for (const [index, testCase] of cases.entries()) {
      const { ours, theirs } = answers[index]!;
      let ourState: string;
      let theirState: string;
      if (testCase.customer) {
        const [object] = await adminQuery<{ name: string | null; deleted: boolean }>(
          `select data->>'name' as name, deleted from stripe_objects where connection_id = '${connectionId}' and stripe_id = '${testCase.customer}'`,
          paybridge.databaseUrl,
        );
        const [events] = await adminQuery<{ n: string }>(
          `select count(*) as n from events where connection_id = '${connectionId}' and object_id = '${testCase.customer}'`,
          paybridge.databaseUrl,
        );
        ourState = `${describeRow(object)}; ${events?.n} events`;
        const [row] = await adminQuery<{ name: string | null; deleted: boolean }>(
          `select name, coalesce(deleted, false) as deleted from stripe.customers where id = '${testCase.customer}'`,
          peer.database.url,
        );
        theirState = describeRow(row);
      } else {
        const [stored] = await adminQuery<{ status: string; status_reason: string | null }>(
          `select status, status_reason from events where connection_id = '${connectionId}' and type = 'balance.available'`,
          paybridge.databaseUrl,
        );
        ourState = stored ? `event stored, status ${stored.status}` : 'nothing stored';
        theirState = 'nothing (throws "Unhandled webhook event")';
      }
      const mark = (state: string) => (state.startsWith(testCase.expected.split(/[,;]/)[0]!) ? '' : ' ✗');
      lines.push(
        `| ${testCase.name} | ${testCase.expected} | ${ours.join(', ')} | ${ourState}${testCase.customer ? mark(ourState) : ''} | ${theirs.join(', ')} | ${theirState}${testCase.customer ? mark(theirState) : ''} |`,
      );
    }
    const table = lines.join('\n');
    log(table);
    return table;
  } finally {
    await Promise.all([paybridge.dispose(), peer.dispose()]);
  }
}

async function waitProcessed(databaseUrl: string, connectionId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [row] = await adminQuery<{ n: string }>(
      `select count(*) as n from events where connection_id = '${connectionId}' and status in ('received', 'failed')`,
      databaseUrl,
    );
    if (Number(row?.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
