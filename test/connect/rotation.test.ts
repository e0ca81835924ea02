import { expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { describeEachStore } from '../support/test-context';
import { createAccount, eventBody, stripeSignature, useSandbox } from './sandbox-support';

const { env, sandbox } = useSandbox();
const OLD = 'whsec_OldSecretOldSecretOldSecret0001';
const NEW = 'whsec_NewSecretNewSecretNewSecret0002';

describeEachStore(
  'signing secret rotation',
  (h) => {
    it('accepts deliveries signed with the old and the new secret during the overlap, and only the new after it', async () => {
      // The route, the overlap and the signature tolerance all read ctx.now(): a clock the test moves.
      let clock = new Date();
      (h().ctx as { now: AppContext['now'] }).now = () => clock;
      const account = await createAccount(sandbox());
      const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Rotating' })).body.id;
      const created = await h().api('POST', `/api/v1/tenants/${tenantId}/connections`, {
        name: 'Main',
        secret_key: account.secret_key,
        webhook_setup: 'manual',
        webhook_secret: OLD,
        features: ['customers'],
      });
      expect(created.status).toBe(201);
      const id = created.body.id;

      let n = 0;
      const deliver = async (secret: string) => {
        n += 1;
        const t = Math.floor(clock.getTime() / 1000);
        const body = eventBody(`evt_rotation${n}`, t);
        const response = await h().app.request(`/webhooks/stripe/${id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, [secret], t) },
          body,
        });
        return { status: response.status, body: (await response.json()) as any };
      };
      expect((await deliver(OLD)).status).toBe(200);

      const rotated = await h().api('PATCH', `/api/v1/tenants/${tenantId}/connections/${id}`, { webhook_secret: NEW });
      expect(rotated.body.signing_secrets.map((s: any) => [s.hint, s.expires_at])).toEqual([
        [`whsec_…${NEW.slice(-4)}`, null],
        [`whsec_…${OLD.slice(-4)}`, new Date(clock.getTime() + 24 * 3_600_000).toISOString()],
      ]);
      clock = new Date(clock.getTime() + 23 * 3_600_000);
      expect((await deliver(OLD)).status).toBe(200);
      expect((await deliver(NEW)).status).toBe(200);

      clock = new Date(clock.getTime() + 2 * 3_600_000);
      const late = await deliver(OLD);
      expect(late.status).toBe(400);
      expect(late.body.error.code).toBe('no_matching_signature');
      expect((await deliver(NEW)).status).toBe(200);
      const view = (await h().api('GET', `/api/v1/tenants/${tenantId}/connections/${id}`)).body;
      expect(view.signing_secrets).toHaveLength(1);
      const stored = await h()
        .ctx.store.db.selectFrom('events')
        .select('stripe_event_id')
        .where('connection_id', '=', id)
        .orderBy('stripe_event_id')
        .execute();
      expect(stored.map((e) => e.stripe_event_id)).toEqual(['evt_rotation1', 'evt_rotation2', 'evt_rotation3', 'evt_rotation5']);
    });
  },
  env,
);
