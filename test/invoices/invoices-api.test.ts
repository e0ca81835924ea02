import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { AccountCredentials } from '../../sandbox/index';
import { JobRunner } from '../../src/jobs/runner';
import { enqueueJob, findJobByKey } from '../../src/store/jobs';
import { describeEachStore } from '../support/test-context';
import { createAccount, createTenant, invoiceBody, useSandbox } from './support';

const sandbox = useSandbox();
// Filled before describeEachStore builds its harnesses: Stripe is the sandbox, and no SMTP server
// is configured, so mail is captured in the database.
const env: Record<string, string> = { PAYBRIDGE_LOG_LEVEL: 'warn' };
beforeAll(() => {
  env.PAYBRIDGE_STRIPE_API_BASE = sandbox().url;
});

describeEachStore(
  'invoices API',
  (h) => {
    let account: AccountCredentials;
    let tenantId: string;
    let connectionId: string;
    const api = (method: string, path: string, body?: unknown, token?: string | null) =>
      h().api(method, `/api/v1/tenants/${tenantId}${path}`, body, token);

    beforeAll(async () => {
      account = await createAccount(sandbox());
      tenantId = await createTenant(h());
      // Manual webhook setup: these tests need no deliveries, only the Stripe key.
      const connection = await h().api('POST', `/api/v1/tenants/${tenantId}/connections`, {
        name: 'Sandbox',
        secret_key: account.secret_key,
        webhook_setup: 'manual',
        webhook_secret: 'whsec_abcdefghijklmnopqrstuvwxyz012345',
      });
      expect(connection.status, JSON.stringify(connection.body)).toBe(201);
      connectionId = connection.body.id;
    });

    it('refuses a currency Stripe does not support (XYZ) with 422 naming the field, and creates nothing', async () => {
      const before = (await api('GET', '/invoices?limit=100')).body.data.length;
      const response = await api(
        'POST',
        '/invoices',
        invoiceBody(connectionId, { currency: 'XYZ', lines: [{ description: 'Item', quantity: 1, unit_amount: 1000 }] }),
      );
      expect(response.status).toBe(422);
      expect(response.body.error.field).toBe('currency');
      expect(response.body.error.message).toMatch(/not a currency Stripe can charge in/);
      expect((await api('GET', '/invoices?limit=100')).body.data.length).toBe(before);
    });

    it('shows amounts by the currency exponent: USD 2000 → "20.00", JPY 500 → "500", KWD 5120 → "5.120"', async () => {
      const cases = [
        { currency: 'usd', unit_amount: 2000, display: '20.00', code: 'USD' },
        { currency: 'JPY', unit_amount: 500, display: '500', code: 'JPY' },
        { currency: 'kwd', unit_amount: 5120, display: '5.120', code: 'KWD' },
      ];
      for (const c of cases) {
        const created = await api(
          'POST',
          '/invoices',
          invoiceBody(connectionId, { currency: c.currency, lines: [{ description: 'Item', quantity: 1, unit_amount: c.unit_amount }] }),
        );
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const fetched = await api('GET', `/invoices/${created.body.id}`);
        expect(fetched.body).toMatchObject({
          status: 'draft',
          currency: c.code,
          amount_due: c.unit_amount,
          amount_due_display: c.display,
          payments: [],
        });
      }
    });

    it('refuses invalid invoices with the field and what to do', async () => {
      const bad: [Record<string, unknown>, string, string][] = [
        [{ currency: 'US' }, 'currency', 'validation_failed'],
        [{ currency: 'U$D' }, 'currency', 'validation_failed'],
        [{ lines: [] }, 'lines', 'validation_failed'],
        [{ lines: [{ description: 'x', quantity: 0, unit_amount: 100 }] }, 'lines.0.quantity', 'validation_failed'],
        [{ lines: [{ description: 'x', quantity: 1, unit_amount: 10.5 }] }, 'lines.0.unit_amount', 'validation_failed'],
        [{ lines: [{ description: '', quantity: 1, unit_amount: 100 }] }, 'lines.0.description', 'validation_failed'],
        [{ customer: { email: 'not-an-email', name: 'A' } }, 'customer.email', 'validation_failed'],
        [{ surprise: true }, '', 'validation_failed'],
        [{ currency: 'KWD', lines: [{ description: 'x', quantity: 1, unit_amount: 5125 }] }, 'lines.0.unit_amount', 'invalid_amount'],
        [{ currency: 'USD', lines: [{ description: 'x', quantity: 1, unit_amount: 10 }] }, 'lines', 'invalid_amount'],
        [
          { currency: 'USD', lines: [{ description: 'x', quantity: 1, unit_amount: 100_000_000 }] },
          'lines.0.unit_amount',
          'invalid_amount',
        ],
        [{ currency: 'USD', lines: [{ description: 'x', quantity: 100_000, unit_amount: 99_999_999 }] }, 'lines', 'invalid_amount'],
        [{ connection_id: 'conn_doesnotexist' }, 'connection_id', 'unknown_connection'],
      ];
      for (const [overrides, field, code] of bad) {
        const response = await api('POST', '/invoices', invoiceBody(connectionId, overrides));
        expect(response.status, JSON.stringify(overrides)).toBe(422);
        expect(response.body.error.code, JSON.stringify(response.body)).toBe(code);
        if (field) expect(response.body.error.field).toBe(field);
        expect(response.body.error.message.length).toBeGreaterThan(10);
      }
      const below = await api(
        'POST',
        '/invoices',
        invoiceBody(connectionId, { lines: [{ description: 'x', quantity: 1, unit_amount: 10 }] }),
      );
      expect(below.body.error.message).toContain('minimum charge of 0.50 USD');
    });

    it('lists invoices newest first with a cursor, filters, and refuses a duplicate external_id', async () => {
      const ids: string[] = [];
      // Two of them in the same millisecond: the cursor's id tie-break must neither skip nor repeat.
      h().setNow(new Date('2030-01-01T00:00:00.000Z'));
      try {
        for (const ref of ['L-1', 'L-2'])
          ids.push((await api('POST', '/invoices', invoiceBody(connectionId, { external_id: ref }))).body.id);
      } finally {
        h().setNow(null);
      }
      ids.push((await api('POST', '/invoices', invoiceBody(connectionId, { external_id: 'L-3' }))).body.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: any } = await api('GET', `/invoices?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((invoice: any) => invoice.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      // Newest first: the two 2030 invoices (larger id first within the millisecond), then the rest.
      expect(seen.slice(0, 2)).toEqual([ids[0]!, ids[1]!].sort().reverse());
      expect(seen).toContain(ids[2]);
      const byRef = await api('GET', '/invoices?external_id=L-2');
      expect(byRef.body.data.map((invoice: any) => invoice.id)).toEqual([ids[1]]);
      expect((await api('GET', '/invoices?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
      const duplicate = await api('POST', '/invoices', invoiceBody(connectionId, { external_id: 'L-2' }));
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.code).toBe('external_id_taken');
      expect(duplicate.body.error.message).toContain(ids[1]);
    });

    it('finalize creates the link, answers before mail is sent, and captures the mail when no SMTP server is configured', async () => {
      const created = await api(
        'POST',
        '/invoices',
        invoiceBody(connectionId, { currency: 'KWD', lines: [{ description: 'Subscription', quantity: 1, unit_amount: 5120 }] }),
      );
      const finalized = await api('POST', `/invoices/${created.body.id}/finalize`);
      expect(finalized.status).toBe(200);
      expect(finalized.body).toMatchObject({ status: 'open', payment_link_active: true, amount_due_display: '5.120' });
      expect(finalized.body.payment_link_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\/plink_/);
      const queued = await api('GET', `/mail?invoice_id=${created.body.id}`);
      expect(queued.body.data).toEqual([expect.objectContaining({ status: 'pending', attempts: 0 })]);

      expect((await new JobRunner(h().ctx).drain()).done).toBeGreaterThanOrEqual(1);
      const mail = await api('GET', `/mail?invoice_id=${created.body.id}`);
      expect(mail.body.data).toEqual([
        expect.objectContaining({ to: 'ada@example.com', status: 'captured', transport: 'capture', attempts: 1 }),
      ]);
      expect(mail.body.data[0].text).toContain(finalized.body.payment_link_url);
      expect(mail.body.data[0].text).toContain('5.120 KWD');
      expect(mail.body.data[0].subject).toContain('5.120 KWD');

      // Finalizing again is a no-op that returns the same link.
      const again = await api('POST', `/invoices/${created.body.id}/finalize`);
      expect(again.body.payment_link_id).toBe(finalized.body.payment_link_id);
      expect((await api('GET', `/mail?invoice_id=${created.body.id}`)).body.data).toHaveLength(1);
    });

    it('an invoice with more lines than a payment link takes becomes one summary line; the routes are in the OpenAPI document', async () => {
      const lines = Array.from({ length: 21 }, (_, i) => ({ description: `Item ${i + 1}`, quantity: 1, unit_amount: 100 }));
      const created = await api('POST', '/invoices', invoiceBody(connectionId, { lines }));
      expect(created.body).toMatchObject({ amount_due: 2100, amount_due_display: '21.00' });
      const finalized = await api('POST', `/invoices/${created.body.id}/finalize`);
      const items = await sandbox().stripe(account.secret_key).paymentLinks.listLineItems(finalized.body.payment_link_id);
      expect(items.data.map((item) => [item.quantity, item.amount_total])).toEqual([[1, 2100]]);

      const doc = (await h().api('GET', '/api/openapi.json', undefined, null)).body;
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/tenants/{tenant_id}/invoices',
          '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}',
          '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/finalize',
          '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/void',
          '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/diagnosis',
          '/api/v1/tenants/{tenant_id}/mail',
        ]),
      );
    });

    it('a finalize retried after a crash between the Stripe call and the database write creates no second link', async () => {
      const created = await api('POST', '/invoices', invoiceBody(connectionId));
      const db = h().ctx.store.db;
      // The "crash": the write that opens the invoice fails after Stripe has created the link.
      await sql`create function pb_test_fail_open() returns trigger language plpgsql as $$
        begin if new.status = 'open' then raise exception 'simulated crash after the Stripe call'; end if; return new; end $$`.execute(db);
      await sql`create trigger pb_test_fail_open before update on invoices for each row execute function pb_test_fail_open()`.execute(db);
      let crashed;
      try {
        crashed = await api('POST', `/invoices/${created.body.id}/finalize`);
      } finally {
        await sql`drop trigger pb_test_fail_open on invoices`.execute(db);
        await sql`drop function pb_test_fail_open()`.execute(db);
      }
      expect(crashed.status).toBe(500);
      expect((await api('GET', `/invoices/${created.body.id}`)).body).toMatchObject({ status: 'draft', payment_link_url: null });
      const stripe = sandbox().stripe(account.secret_key);
      const linksFor = async () =>
        (await stripe.paymentLinks.list({ limit: 100 })).data.filter((link) => link.metadata?.paybridge_invoice_id === created.body.id);
      expect(await linksFor()).toHaveLength(1);

      const retried = await api('POST', `/invoices/${created.body.id}/finalize`);
      expect(retried.status).toBe(200);
      expect(retried.body.status).toBe('open');
      const links = await linksFor();
      expect(links).toHaveLength(1);
      expect(retried.body.payment_link_id).toBe(links[0]!.id);
      expect((await api('GET', `/mail?invoice_id=${created.body.id}`)).body.data).toHaveLength(1);
    });

    it('void deactivates the link; a void invoice cannot be finalized', async () => {
      const created = await api('POST', '/invoices', invoiceBody(connectionId));
      const finalized = await api('POST', `/invoices/${created.body.id}/finalize`);
      const voided = await api('POST', `/invoices/${created.body.id}/void`);
      expect(voided.status).toBe(200);
      expect(voided.body.status).toBe('void');
      await new JobRunner(h().ctx).drain();
      expect((await sandbox().stripe(account.secret_key).paymentLinks.retrieve(finalized.body.payment_link_id)).active).toBe(false);
      const after = await api('GET', `/invoices/${created.body.id}`);
      expect(after.body.payment_link_active).toBe(false);
      expect(after.body.timeline.map((t: any) => t.kind)).toEqual(['created', 'finalized', 'voided', 'link_deactivated']);
      // The job is gone once done (graphile-worker deletes it); the diagnosis still says it ran.
      expect((await api('GET', `/invoices/${created.body.id}/diagnosis`)).body.payment_link).toMatchObject({
        active: false,
        deactivation: 'done',
      });
      expect((await api('POST', `/invoices/${created.body.id}/void`)).status).toBe(200);
      const refinalize = await api('POST', `/invoices/${created.body.id}/finalize`);
      expect(refinalize.status).toBe(409);
      expect(refinalize.body.error.code).toBe('invoice_void');

      const draft = await api('POST', '/invoices', invoiceBody(connectionId));
      expect((await api('POST', `/invoices/${draft.body.id}/void`)).body).toMatchObject({ status: 'void', payment_link_id: null });
    });

    it('diagnosis says what exists, what arrived and what to check next', async () => {
      const draft = await api('POST', '/invoices', invoiceBody(connectionId));
      const draftDiagnosis = await api('GET', `/invoices/${draft.body.id}/diagnosis`);
      expect(draftDiagnosis.body).toMatchObject({ status: 'draft', payment_link: { exists: false } });
      expect(draftDiagnosis.body.next_steps.join(' ')).toContain('finalize');

      const created = await api('POST', '/invoices', invoiceBody(connectionId));
      await api('POST', `/invoices/${created.body.id}/finalize`);
      // What the webhook receiver records after refusing deliveries with a bad signature.
      await h()
        .ctx.store.db.insertInto('webhook_rejection_counts')
        .values({ connection_id: connectionId, reason: 'no_matching_signature', count: 3, last_at: new Date() })
        .execute();
      const diagnosis = await api('GET', `/invoices/${created.body.id}/diagnosis`);
      expect(diagnosis.status).toBe(200);
      expect(diagnosis.body).toMatchObject({
        status: 'open',
        payment_link: { exists: true, active: true },
        events: [],
        signature_failures: { count: 3, by_reason: [expect.objectContaining({ reason: 'no_matching_signature', count: 3 })] },
        connection: { id: connectionId, invoicing_enabled: true },
      });
      const steps = diagnosis.body.next_steps.join('\n');
      expect(steps).toContain('whsec_');
      expect(steps).toContain('No event at all has reached this connection');
    });

    it("is tenant-scoped: another tenant's key and path see nothing", async () => {
      const created = await api('POST', '/invoices', invoiceBody(connectionId));
      const other = await createTenant(h(), 'Someone Else');
      const key = (await h().api('POST', `/api/v1/tenants/${other}/api-keys`, {})).body.key as string;
      expect((await api('GET', `/invoices/${created.body.id}`, undefined, key)).status).toBe(404);
      expect((await h().api('GET', `/api/v1/tenants/${other}/invoices/${created.body.id}`, undefined, key)).status).toBe(404);
      expect((await h().api('GET', `/api/v1/tenants/${other}/invoices/${created.body.id}/diagnosis`)).status).toBe(404);
      expect((await h().api('POST', `/api/v1/tenants/${other}/invoices`, invoiceBody(connectionId), key)).body.error.code).toBe(
        'unknown_connection',
      );
      expect((await h().api('GET', `/api/v1/tenants/${other}/mail`, undefined, key)).body.data).toEqual([]);
    });

    it('the job runner finishes a job whose invoice is gone and leaves a kind it has no handler for queued, for a version that has one', async () => {
      const db = h().ctx.store.db;
      await new JobRunner(h().ctx).drain(); // whatever earlier tests left
      await enqueueJob(db, 'payment_link.deactivate', { invoice_id: 'inv_missing' }, { dedupeKey: 'test:missing-invoice' });
      // What a newer Paybridge, during a rolling upgrade, may queue.
      await sql`select graphile_worker.add_job('no.such.kind', '{}'::json, job_key => 'test:unknown-kind')`.execute(db);
      const result = await new JobRunner(h().ctx).drain();
      expect(result).toEqual({ done: 1, retried: 0, dead: 0 });
      expect(await findJobByKey(db, 'test:missing-invoice')).toBeUndefined();
      expect(await findJobByKey(db, 'test:unknown-kind')).toMatchObject({ kind: 'no.such.kind', attempts: 0, locked: false });
    });
  },
  env,
);
