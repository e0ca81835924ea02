import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { Tenant } from '../../src/store/schema';
import { ALL_FEATURES, FEATURE_EVENTS, type Feature } from '../../src/stripe/features';
import { csrfField, describedBy, fieldError, layout, type Html } from '../layout';

/** What the form shows again after a refused submit: never the secret key or the signing secret. */
export interface ConnectFormValues {
  name: string;
  environment: string;
  publishable_key: string;
  webhook_setup: 'auto' | 'manual';
  features: Feature[];
}

export const emptyConnectForm: ConnectFormValues = {
  name: '',
  environment: '',
  publishable_key: '',
  webhook_setup: 'auto',
  features: [...ALL_FEATURES],
};

const FEATURE_LABELS: Record<Feature, string> = {
  payments: 'Payments — payment intents, charges, refunds',
  invoicing: 'Invoicing — payment links on invoices (paid by Checkout)',
  subscriptions: 'Subscriptions — renewals, failures, cancellations',
  checkout: 'Checkout — top-ups and one-time licenses',
  catalog: 'Catalog — products and prices kept in sync',
  customers: 'Customers',
  disputes: 'Disputes',
  account: 'Account — account status, issuing cards and cardholders',
  payment_requests: 'Payment requests — one payment a flow waits on (3-D Secure, long-poll)',
};

export function connectFormPage(options: {
  principal: Principal;
  csrf: string;
  tenant: Tenant;
  values: ConnectFormValues;
  errors: Record<string, string>;
  formError?: string;
}): Html {
  const { values, errors } = options;
  const action = `/dashboard/tenants/${options.tenant.id}/connections`;
  const errorCount = Object.keys(errors).length + (options.formError ? 1 : 0);
  return layout(
    {
      title: `${errorCount ? 'Fix the form · ' : ''}Connect Stripe · ${options.tenant.name}`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'integrations',
    },
    html`<h1>Connect a Stripe account</h1>
      <p>
        Paste the keys from Stripe Dashboard → Developers → API keys. The key decides the mode: <code>sk_test_</code> makes a test
        connection, <code>sk_live_</code> a live one; connect each mode separately.
      </p>
      ${
        errorCount
          ? html`<div class="notice error" role="alert" id="form-errors">
              <p>
                ${errorCount === 1 ? 'One thing to fix' : `${errorCount} things to fix`} before connecting. Secrets you pasted were not
                kept; paste them again.
              </p>
              ${options.formError ? html`<p>${options.formError}</p>` : ''}
            </div>`
          : ''
      }
      <form method="post" action="${action}" class="card form" novalidate>
        ${csrfField(options.csrf)}
        <div class="field">
          <label for="name">Name</label>
          <input id="name" name="name" required maxlength="200" value="${values.name}" ${describedBy('name', !!errors.name)} />
          <p class="hint" id="name-hint">For you to recognise it, such as "Main account".</p>
          ${fieldError('name', errors.name)}
        </div>
        <div class="field">
          <label for="environment">Environment label <span class="optional">(optional)</span></label>
          <input
            id="environment"
            name="environment"
            maxlength="100"
            value="${values.environment}"
            ${describedBy('environment', !!errors.environment)}
          />
          <p class="hint" id="environment-hint">Free text such as "stage" or "production".</p>
          ${fieldError('environment', errors.environment)}
        </div>
        <div class="field">
          <label for="secret_key">Secret key or restricted key</label>
          <input
            id="secret_key"
            name="secret_key"
            type="password"
            required
            autocomplete="off"
            spellcheck="false"
            ${describedBy('secret_key', !!errors.secret_key)}
          />
          <p class="hint" id="secret_key-hint">
            Starts with <code>sk_test_</code>, <code>sk_live_</code>, <code>rk_test_</code> or <code>rk_live_</code>. Stored encrypted;
            afterwards only its last four characters are shown.
          </p>
          ${fieldError('secret_key', errors.secret_key)}
        </div>
        <div class="field">
          <label for="publishable_key">Publishable key <span class="optional">(optional)</span></label>
          <input
            id="publishable_key"
            name="publishable_key"
            autocomplete="off"
            spellcheck="false"
            value="${values.publishable_key}"
            ${describedBy('publishable_key', !!errors.publishable_key)}
          />
          <p class="hint" id="publishable_key-hint">
            Starts with <code>pk_test_</code> or <code>pk_live_</code>, same mode as the secret key.
          </p>
          ${fieldError('publishable_key', errors.publishable_key)}
        </div>
        <fieldset class="field" ${describedBy('webhook_setup', !!errors.webhook_setup, false)}>
          <legend>Webhook setup</legend>
          <label class="choice"
            ><input type="radio" name="webhook_setup" value="auto" ${values.webhook_setup === 'auto' ? html` checked` : ''} /> Automatic —
            Paybridge creates the webhook endpoint in your Stripe account with the events below</label
          >
          <label class="choice"
            ><input type="radio" name="webhook_setup" value="manual" ${values.webhook_setup === 'manual' ? html` checked` : ''} /> Manual —
            you add the endpoint in Stripe yourself and paste its signing secret</label
          >
          ${fieldError('webhook_setup', errors.webhook_setup)}
        </fieldset>
        <div class="field">
          <label for="webhook_secret">Webhook signing secret <span class="optional">(optional; manual setup)</span></label>
          <input
            id="webhook_secret"
            name="webhook_secret"
            type="password"
            autocomplete="off"
            spellcheck="false"
            ${describedBy('webhook_secret', !!errors.webhook_secret)}
          />
          <p class="hint" id="webhook_secret-hint">
            Starts with <code>whsec_</code>: Stripe Dashboard → Developers → Webhooks → your endpoint → Signing secret → Reveal. You can add
            it after connecting.
          </p>
          ${fieldError('webhook_secret', errors.webhook_secret)}
        </div>
        <fieldset class="field features" ${describedBy('features', !!errors.features, false)}>
          <legend>Features</legend>
          <p class="hint">The webhook endpoint subscribes to exactly the events the checked features need.</p>
          ${ALL_FEATURES.map(
            (feature) =>
              html`<label class="choice"
                ><input type="checkbox" name="features" value="${feature}" ${values.features.includes(feature) ? html` checked` : ''} />
                ${FEATURE_LABELS[feature]} <span class="muted">(${FEATURE_EVENTS[feature].length} events)</span></label
              >`,
          )}
          ${fieldError('features', errors.features)}
        </fieldset>
        <button type="submit">Connect</button>
      </form>`,
  );
}
