import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountCredentials } from '../../sandbox/index';
import { EventWorker } from '../../src/webhooks/worker';
import { STORE_KINDS } from '../support/test-store';
import {
  connectAuto,
  createAccount,
  createTenant,
  invoiceBody,
  payLink,
  sandboxControl,
  settle,
  startBillingWorld,
  startSmtp,
  useSandbox,
  type BillingWorld,
  type RunningSmtp,
} from './support';

const sandbox = useSandbox();

// Same structure as describeEachStore (both stores, a fresh store each), but each world also needs
// its own listening server whose URL is the connection's webhook URL, so the harness is built here.
for (const kind of STORE_KINDS) {
  describe(`invoices paid through payment links, end to end [${kind}]`, () => {
    let world: BillingWorld;
    let smtp: RunningSmtp;
    let account: AccountCredentials;
    let tenantId: string;
    let connectionId: string;

    beforeAll(async () => {
      smtp = await startSmtp();
      world = await startBillingWorld(kind, sandbox(), { PAYBRIDGE_SMTP_URL: smtp.url });
      account = await createAccount(sandbox());
      tenantId = await createTenant(world.h);
      connectionId = (await connectAuto(world.h, tenantId, account)).id;
    });
    afterAll(async () => {
      await sandboxControl(sandbox(), '/chaos', { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0 });
      await world?.close();
      await smtp?.close();
    });

    const api = (method: string, path: string, body?: unknown) => world.h.api(method, `/api/v1/tenants/${tenantId}${path}`, body);

    async function openInvoice(overrides: Record<string, unknown> = {}) {
      const created = await api('POST', '/invoices', invoiceBody(connectionId, overrides));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const finalized = await api('POST', `/invoices/${created.body.id}/finalize`);
      expect(finalized.status, JSON.stringify(finalized.body)).toBe(200);
      return finalized.body;
    }

    it('create → finalize → the email carries the link → the customer pays → paid once → link inactive', async () => {
      const created = await api('POST', '/invoices', invoiceBody(connectionId, { external_id: 'INV-1001' }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'draft',
        currency: 'USD',
        amount_due: 2000,
        amount_due_display: '20.00',
        payment_link_url: null,
      });

      const finalized = await api('POST', `/invoices/${created.body.id}/finalize`);
      expect(finalized.status).toBe(200);
      expect(finalized.body.status).toBe('open');
      expect(finalized.body.payment_link_url).toMatch(/\/pay\/plink_/);
      const linkId: string = finalized.body.payment_link_id;

      // The link and the payment intent it starts both carry the invoice's metadata.
      const link = await sandbox().stripe(account.secret_key).paymentLinks.retrieve(linkId);
      expect(link.metadata).toMatchObject({
        paybridge_invoice_id: created.body.id,
        invoice_id: created.body.id,
        customer_id: created.body.customer.id,
        tenant_id: tenantId,
        paybridge_tenant_id: tenantId,
      });
      expect(link.payment_intent_data?.metadata).toMatchObject({ paybridge_invoice_id: created.body.id, tenant_id: tenantId });

      // Finalize answered before any mail was sent; the job runner sends it over SMTP.
      expect(smtp.messages.filter((m) => m.to.includes('ada@example.com'))).toHaveLength(0);
      await world.jobs.drain();
      const mail = smtp.messages.find((m) => m.raw.replace(/=\r?\n/g, '').includes(linkId));
      expect(mail, 'the invoice email with the link').toBeDefined();
      expect(mail!.to).toEqual(['ada@example.com']);
      const text = mail!.raw.replace(/=\r?\n/g, '');
      expect(text).toContain(finalized.body.payment_link_url);
      expect(text).toContain('20.00 USD');
      const listed = await api('GET', `/mail?invoice_id=${created.body.id}`);
      expect(listed.body.data).toEqual([
        expect.objectContaining({ to: 'ada@example.com', status: 'sent', transport: 'smtp', attempts: 1 }),
      ]);

      const session = await payLink(sandbox(), linkId);
      expect(session.payment_status).toBe('paid');
      await settle(world, sandbox());

      const paid = await api('GET', `/invoices/${created.body.id}`);
      expect(paid.body.status).toBe('paid');
      expect(paid.body.payments).toEqual([
        expect.objectContaining({ amount: 2000, amount_display: '20.00', currency: 'USD', provider_payment_id: session.payment_intent }),
      ]);
      expect(paid.body.paid_at).not.toBeNull();
      expect(paid.body.needs_refund_review).toBe(false);
      expect(paid.body.payment_link_active).toBe(false);
      expect((await sandbox().stripe(account.secret_key).paymentLinks.retrieve(linkId)).active).toBe(false);
      // Both the session and the intent event were processed; only one payment came of them.
      const events = await api('GET', '/events?limit=100');
      const forInvoice = events.body.data.filter(
        (e: any) => ['checkout.session.completed', 'payment_intent.succeeded'].includes(e.type) && e.status === 'processed',
      );
      expect(forInvoice.length).toBeGreaterThanOrEqual(2);

      const diagnosis = await api('GET', `/invoices/${created.body.id}/diagnosis`);
      expect(diagnosis.status).toBe(200);
      expect(diagnosis.body).toMatchObject({
        status: 'paid',
        payment_link: { exists: true, active: false },
        payments: 1,
        signature_failures: { count: 0 },
      });
      expect(diagnosis.body.events.map((e: any) => e.type)).toEqual(
        expect.arrayContaining(['checkout.session.completed', 'payment_intent.succeeded']),
      );
    });

    it('an SMTP refusal is retried with backoff; finalize never waits for it', async () => {
      smtp.failNext(1);
      const invoice = await openInvoice();
      expect(invoice.status).toBe('open');
      expect((await world.jobs.drain()).retried).toBe(1);
      const failed = (await api('GET', `/mail?invoice_id=${invoice.id}`)).body.data[0];
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('451') });
      // Nothing is due until the backoff has passed.
      expect(await world.jobs.drain()).toEqual({ done: 0, retried: 0, dead: 0 });
      // The backoff passes. graphile-worker compares run_at with the database's clock, so the job's
      // due time moves back instead of the clock moving forward (reschedule_jobs is its API for that).
      await sql`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where run_at > now()), run_at => now())`.execute(
        world.h.ctx.store.db,
      );
      expect((await world.jobs.drain()).done).toBe(1);
      expect((await api('GET', `/mail?invoice_id=${invoice.id}`)).body.data[0]).toMatchObject({
        status: 'sent',
        attempts: 2,
        last_error: null,
      });
      expect(smtp.messages.filter((m) => m.raw.replace(/=\r?\n/g, '').includes(invoice.payment_link_id))).toHaveLength(1);
    });

    it('a bank debit completes checkout unpaid: the invoice stays open until async_payment_succeeded', async () => {
      const invoice = await openInvoice();
      const session = await payLink(sandbox(), invoice.payment_link_id, { card: '4242424242424242', async: true });
      expect(session.payment_status).toBe('unpaid');
      await settle(world, sandbox());
      const waiting = await api('GET', `/invoices/${invoice.id}`);
      expect(waiting.body.status).toBe('open');
      expect(waiting.body.payments).toEqual([]);
      expect(waiting.body.timeline.map((t: any) => t.kind)).toContain('awaiting_payment');

      await sandboxControl(sandbox(), `/payment_intents/${session.payment_intent}/settle`, { outcome: 'succeeded' });
      await settle(world, sandbox());
      const paid = await api('GET', `/invoices/${invoice.id}`);
      expect(paid.body.status).toBe('paid');
      expect(paid.body.payments).toEqual([expect.objectContaining({ provider_payment_id: session.payment_intent, amount: 2000 })]);
    });

    it('a declined card and an expired session go on the timeline and leave the invoice open', async () => {
      const invoice = await openInvoice();
      await expect(payLink(sandbox(), invoice.payment_link_id, { card: '4000000000000002' })).rejects.toThrow(/402/);
      // The declined attempt leaves its checkout session open; the customer walks away and it expires.
      const stripe = sandbox().stripe(account.secret_key);
      const [session] = (await stripe.checkout.sessions.list({ payment_link: invoice.payment_link_id, limit: 1 })).data;
      await sandboxControl(sandbox(), `/checkout/sessions/${session!.id}/expire`, {});
      await settle(world, sandbox());
      const open = await api('GET', `/invoices/${invoice.id}`);
      expect(open.body.status).toBe('open');
      expect(open.body.timeline.map((t: any) => t.kind)).toEqual(expect.arrayContaining(['payment_failed', 'session_expired']));
      expect(open.body.timeline.find((t: any) => t.kind === 'payment_failed').message).toContain('card_declined');
      expect(open.body.payments).toEqual([]);
      expect(open.body.payment_link_active).toBe(true);
    });

    it('Stripe itself refuses a second payment of the link, before Paybridge has seen the first (completed_sessions limit 1)', async () => {
      const invoice = await openInvoice();
      await payLink(sandbox(), invoice.payment_link_id);
      // No delivery processed yet: the link is switched off by Stripe's own restriction, not by Paybridge.
      await expect(payLink(sandbox(), invoice.payment_link_id)).rejects.toThrow(/no longer active|payment_link_inactive/);
      await settle(world, sandbox());
      const paid = await api('GET', `/invoices/${invoice.id}`);
      expect(paid.body.status).toBe('paid');
      expect(paid.body.payments).toHaveLength(1);
      expect(paid.body.needs_refund_review).toBe(false);
    });

    for (const wrong of [
      { name: 'a payment of 1500 on a 2000 USD invoice', amount: 1500, currency: 'usd', reason: /less than the 20\.00 USD due/ },
      { name: 'a EUR payment on a USD invoice', amount: 2000, currency: 'eur', reason: /is in EUR but the invoice is in USD/ },
    ]) {
      it(`${wrong.name} leaves the invoice open, records the payment and flags it with the reason`, async () => {
        const invoice = await openInvoice({ lines: [{ description: 'Consulting', quantity: 1, unit_amount: 2000 }] });
        expect(invoice.amount_due).toBe(2000);
        const metadata = { paybridge_invoice_id: invoice.id, invoice_id: invoice.id, tenant_id: tenantId, paybridge_tenant_id: tenantId };
        const paymentId = `pi_Wrong${wrong.currency}${wrong.amount}${invoice.id.slice(-6)}`;
        await sandboxControl(sandbox(), '/events', {
          account: account.id,
          type: 'payment_intent.succeeded',
          object: {
            id: paymentId,
            object: 'payment_intent',
            status: 'succeeded',
            amount: wrong.amount,
            amount_received: wrong.amount,
            currency: wrong.currency,
            metadata,
          },
        });
        await settle(world, sandbox());
        const after = await api('GET', `/invoices/${invoice.id}`);
        expect(after.body.status).toBe('open');
        expect(after.body.paid_at).toBeNull();
        expect(after.body.payments.map((p: any) => [p.provider_payment_id, p.amount, p.currency])).toEqual([
          [paymentId, wrong.amount, wrong.currency.toUpperCase()],
        ]);
        expect(after.body.needs_refund_review).toBe(true);
        expect(after.body.review_reason).toMatch(wrong.reason);
      });
    }

    it('a second distinct payment for a paid invoice is recorded and flagged for refund review', async () => {
      const invoice = await openInvoice();
      const session = await payLink(sandbox(), invoice.payment_link_id);
      await settle(world, sandbox());
      // A second payment that got through before the link was switched off (e.g. a second tab).
      const metadata = { paybridge_invoice_id: invoice.id, invoice_id: invoice.id, tenant_id: tenantId, paybridge_tenant_id: tenantId };
      await sandboxControl(sandbox(), '/events', {
        account: account.id,
        type: 'payment_intent.succeeded',
        object: {
          id: 'pi_SecondPaymentForInvoice01',
          object: 'payment_intent',
          status: 'succeeded',
          amount: 2000,
          amount_received: 2000,
          currency: 'usd',
          metadata,
        },
      });
      await settle(world, sandbox());
      const flagged = await api('GET', `/invoices/${invoice.id}`);
      expect(flagged.body.status).toBe('paid');
      expect(flagged.body.payments.map((p: any) => p.provider_payment_id).sort()).toEqual(
        [session.payment_intent, 'pi_SecondPaymentForInvoice01'].sort(),
      );
      expect(flagged.body.needs_refund_review).toBe(true);
      expect(flagged.body.review_reason).toContain('pi_SecondPaymentForInvoice01');
    });

    it('with shuffled, duplicated and delayed deliveries and two workers, N invoices end paid with exactly one payment each', async () => {
      const invoices = await Promise.all(Array.from({ length: 5 }, () => openInvoice()));
      await sandboxControl(sandbox(), '/chaos', { shuffle: true, duplicate_rate: 0.5, delay_ms: 30 });
      try {
        const sessions = await Promise.all(invoices.map((invoice) => payLink(sandbox(), invoice.payment_link_id)));
        expect(await sandbox().waitForDeliveries(20_000)).toBe(true);
        // Two workers at once: the session and intent events of one payment race each other.
        const second = new EventWorker(world.h.ctx, { retry: { baseMs: 10, maxMs: 50, maxAttempts: 5 } });
        await Promise.all([world.worker.drain(), second.drain()]);
        await world.jobs.drain();
        // The chaos really happened: some events of these payments were delivered more than once.
        const paymentIntents = new Set(sessions.map((session) => session.payment_intent as string));
        const stored = (await api('GET', '/events?limit=100&type=payment_intent.succeeded')).body.data.filter((e: any) =>
          paymentIntents.has(e.object_id),
        );
        expect(stored).toHaveLength(invoices.length);
        const duplicated = sandbox()
          .deliveries()
          .filter((record) => record.account === account.id && record.attempts.some((attempt) => attempt.duplicate));
        expect(duplicated.length).toBeGreaterThan(0);
        for (const [i, invoice] of invoices.entries()) {
          const view = await api('GET', `/invoices/${invoice.id}`);
          expect(view.body.status).toBe('paid');
          expect(view.body.payments).toHaveLength(1);
          expect(view.body.payments[0].provider_payment_id).toBe(sessions[i].payment_intent);
          expect(view.body.needs_refund_review).toBe(false);
        }
      } finally {
        await sandboxControl(sandbox(), '/chaos', { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0 });
      }
    });

    it('without the checkout event (endpoint not subscribed to it), payment_intent.succeeded alone marks the invoice paid', async () => {
      const other = await createAccount(sandbox());
      const tenant = await createTenant(world.h, 'Intent Only Ltd');
      const { id: connection, endpointId } = await connectAuto(world.h, tenant, other);
      const stripe = sandbox().stripe(other.secret_key);
      await stripe.webhookEndpoints.update(endpointId, { enabled_events: ['payment_intent.succeeded', 'payment_intent.payment_failed'] });
      const created = await world.h.api(
        'POST',
        `/api/v1/tenants/${tenant}/invoices`,
        invoiceBody(connection, { currency: 'JPY', lines: [{ description: 'Book', quantity: 1, unit_amount: 500 }] }),
      );
      const invoice = (await world.h.api('POST', `/api/v1/tenants/${tenant}/invoices/${created.body.id}/finalize`)).body;
      const session = await payLink(sandbox(), invoice.payment_link_id);
      await settle(world, sandbox());
      const paid = (await world.h.api('GET', `/api/v1/tenants/${tenant}/invoices/${invoice.id}`)).body;
      expect(paid.status).toBe('paid');
      expect(paid.payments).toEqual([
        expect.objectContaining({ amount: 500, amount_display: '500', currency: 'JPY', provider_payment_id: session.payment_intent }),
      ]);
      const types = (await world.h.api('GET', `/api/v1/tenants/${tenant}/events?limit=100`)).body.data.map((e: any) => e.type);
      expect(types).not.toContain('checkout.session.completed');
    });

    it("an event carrying another tenant's invoice (one Stripe account shared by two tenants) never touches it", async () => {
      const invoice = await openInvoice();
      // Tenant B connects the very same Stripe account: every event now reaches both connections.
      const tenantB = await createTenant(world.h, 'Other Tenant');
      await connectAuto(world.h, tenantB, account);
      // Tenant B's own object names tenant A's invoice; it is B's (tenant B stamp), so A must not care.
      const forged = { paybridge_invoice_id: invoice.id, invoice_id: invoice.id, tenant_id: tenantB, paybridge_tenant_id: tenantB };
      await sandboxControl(sandbox(), '/events', {
        account: account.id,
        type: 'checkout.session.completed',
        object: {
          id: 'cs_test_ForgedOtherTenant01',
          object: 'checkout.session',
          status: 'complete',
          payment_status: 'paid',
          amount_total: 2000,
          currency: 'usd',
          payment_intent: 'pi_ForgedOtherTenant01',
          metadata: forged,
        },
      });
      await sandboxControl(sandbox(), '/events', {
        account: account.id,
        type: 'payment_intent.succeeded',
        object: {
          id: 'pi_ForgedOtherTenant01',
          object: 'payment_intent',
          status: 'succeeded',
          amount: 2000,
          amount_received: 2000,
          currency: 'usd',
          metadata: forged,
        },
      });
      await settle(world, sandbox());
      const untouched = await api('GET', `/invoices/${invoice.id}`);
      expect(untouched.body.status).toBe('open');
      expect(untouched.body.payments).toEqual([]);
      expect(untouched.body.timeline.map((t: any) => t.kind)).toEqual(['created', 'finalized']);
      const seenByA = (await api('GET', '/events?limit=100')).body.data.filter((e: any) => e.object_id === 'pi_ForgedOtherTenant01');
      expect(seenByA).toEqual([expect.objectContaining({ status: 'ignored', status_reason: expect.stringContaining('another tenant') })]);
      const seenByB = (await world.h.api('GET', `/api/v1/tenants/${tenantB}/events?limit=100`)).body.data.filter(
        (e: any) => e.object_id === 'pi_ForgedOtherTenant01',
      );
      expect(seenByB).toEqual([expect.objectContaining({ status: 'ignored', status_reason: expect.stringContaining('does not have') })]);

      // A real payment of A's invoice pays it once; B's connection ignores the same events.
      await payLink(sandbox(), invoice.payment_link_id);
      await settle(world, sandbox());
      const paid = await api('GET', `/invoices/${invoice.id}`);
      expect(paid.body.status).toBe('paid');
      expect(paid.body.payments).toHaveLength(1);
      const bInvoices = await world.h.api('GET', `/api/v1/tenants/${tenantB}/invoices`);
      expect(bInvoices.body.data).toEqual([]);
    });
  });
}
