import { readFileSync } from 'node:fs';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import { resolvePrincipal, canAccessTenant } from '../src/auth/principal';
import { createConnectionInput } from '../src/connections/connection-input';
import {
  changeConnection,
  connectAccount,
  disconnectConnection,
  listConnections,
  requireConnection,
  viewConnection,
} from '../src/connections/connection-service';
import type { AppContext } from '../src/context';
import { AppError, notFound } from '../src/errors';
import { isStoreUnavailable } from '../src/store/store-unavailable';
import { pageOf, readCursor } from '../src/http/cursor';
import { createApiKey, listApiKeys, revokeTenantApiKey } from '../src/services/api-key-service';
import { isFeature } from '../src/stripe/features';
import { checkSigningSecret, parsePublishableKey, parseSecretKey } from '../src/stripe/key-rules';
import { layout, type Html } from './layout';
import { connectFormPage, emptyConnectForm, type ConnectFormValues } from './pages/connect-form';
import { connectionPage, disconnectConfirmPage } from './pages/connection';
import { apiKeyCreatedPage, integrationsPage } from './pages/integrations';
import { signInPage } from './pages/sign-in';
import { tenantsPage } from './pages/tenants';
import {
  cookieSettings,
  fromOwnOrigin,
  randomToken,
  requireSession,
  sameSecret,
  startSession,
  endSession,
  type DashContext,
  type DashboardEnv,
} from './session';
import { clientAddressResolver, signInThrottle } from './sign-in-throttle';
import { connectionActions } from './connection-actions';
import { eventRoutes, eventCountsFor } from './events';
import { invoiceRoutes } from './invoices';
import { MAIL_HTML_PATH, mailFrameHeaders } from './mail-frame';
import { overviewRoutes } from './overview';
import { creditPages } from '../src/modules/credits/page';
import { customerPages } from '../src/modules/customers/page';
import { planPages } from '../src/modules/plans/page';
import { subscriptionPages } from '../src/modules/subscriptions/page';
import { paymentRequestPages } from '../src/modules/payment-requests/page';
import { outboundWebhookPages } from '../src/modules/outbound-webhooks/page';
import { createTenant, findTenantById, listTenantPage } from '../src/services/tenant-service';
import { catalogPages } from '../src/modules/catalog/page';
import { disputePages, openDisputesSection } from '../src/modules/disputes/page';
import { tenantSettingsRoutes } from './tenant-settings';
import { invoiceActionRoutes } from './invoice-actions';

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
const STYLE = asset('style.css');
const SCRIPT = asset('app.js');

/** Fixed notices picked by `?done=`; request text is never reflected into a notice. */
const NOTICES: Record<string, string> = {
  connected: 'Connected.',
  disabled: 'Disabled. Events from Stripe are kept as paused until you enable the connection again.',
  enabled: 'Enabled.',
  disconnected: 'Disconnected. Its history stays readable below.',
  key_rotated: 'The new API key is saved; the old one is no longer used.',
  secret_rotated: 'The new signing secret is saved; the previous one keeps verifying during the overlap.',
  checked: 'Checked with Stripe.',
  repaired: 'Webhook endpoint repaired.',
  backfilled: 'Backfill finished.',
  reconnected: 'This account was already connected in this mode and environment: that connection was updated (same webhook URL).',
  replayed: 'Queued for processing again.',
  tenant_created: 'Tenant created.',
  tenant_deleted: 'Tenant deleted: its API keys are revoked; its invoices, payments and events are kept as history.',
  key_revoked: 'API key revoked: it stopped working at once, and its dashboard sessions ended.',
};

export function noticeFrom(c: DashContext): { kind: 'ok'; text: string } | undefined {
  const key = c.req.query('done');
  if (key === 'backfilled') {
    const fetched = Number.parseInt(c.req.query('fetched') ?? '', 10);
    const stored = Number.parseInt(c.req.query('stored') ?? '', 10);
    if (Number.isSafeInteger(fetched) && Number.isSafeInteger(stored)) {
      return { kind: 'ok', text: `Backfill finished: ${fetched} events fetched from Stripe, ${stored} new ones queued for processing.` };
    }
  }
  const text = key ? NOTICES[key] : undefined;
  return text ? { kind: 'ok', text } : undefined;
}

/** Only same-dashboard paths are followed after sign-in (no open redirect). */
function safeNext(value: string | undefined): string {
  return value && /^\/dashboard(\/[A-Za-z0-9_\-/]*)?$/.test(value) ? value : '/dashboard';
}

export function formString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

function formList(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === 'string');
}

/** Runs a format rule and returns its message instead of throwing, so the form can show every field's problem at once. */
function ruleMessage(rule: () => unknown): string | undefined {
  try {
    rule();
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
}

export function dashboardRoutes(ctx: AppContext): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const cookies = cookieSettings(ctx);
  const throttle = signInThrottle();
  const clientAddress = clientAddressResolver(ctx.config.trustedProxies);

  const render = (c: DashContext, page: Html, status: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503 = 200) => {
    c.header('Cache-Control', 'no-store');
    return c.html(page, status);
  };
  const problemPage = (c: DashContext, status: 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503, title: string, message: string) => {
    const principal = c.get('principal');
    return render(
      c,
      layout(
        { title, principal, csrf: c.get('csrf') },
        html`<h1>${title}</h1>
          <p>${message}</p>
          <p><a href="${principal ? '/dashboard' : '/dashboard/sign-in'}">${principal ? 'Go to the dashboard' : 'Sign in'}</a></p>`,
      ),
      status,
    );
  };

  // Scripts and styles come only from this server; no inline code, frames only of this server, forms post only here.
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      // Frames from this server only: the mail page shows a mail's HTML part in a sandboxed one.
      frameSrc: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    strictTransportSecurity: cookies.secure ? 'max-age=31536000; includeSubDomains' : false,
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    crossOriginResourcePolicy: 'same-origin',
  });
  app.use('/dashboard', headers);
  // A stored mail's HTML part has headers of its own (web/mail-frame.ts); every other page these.
  app.use('/dashboard/*', (c, next) => (MAIL_HTML_PATH.test(c.req.path) ? mailFrameHeaders(c, next) : headers(c, next)));
  app.use('/dashboard/*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('The form is too large.', 413) }));

  app.get('/', (c) => c.redirect('/dashboard', 302));

  app.get('/dashboard/assets/style.css', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(STYLE, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
  app.get('/dashboard/assets/app.js', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });

  // Sign-in is the one form without a session: a double-submit token in a short-lived cookie plus
  // the origin check keep another site from signing a browser in to an account of its choosing.
  const showSignIn = (c: DashContext, next: string, error?: string, status: 200 | 401 | 403 | 429 = 200) => {
    const formToken = randomToken();
    setCookie(c, cookies.signInName, formToken, {
      httpOnly: true,
      secure: cookies.secure,
      sameSite: 'Strict',
      path: '/dashboard',
      maxAge: 3600,
    });
    return render(c, signInPage({ formToken, next, error }), status);
  };
  app.get('/dashboard/sign-in', (c) => showSignIn(c, safeNext(c.req.query('next'))));
  app.post('/dashboard/sign-in', async (c) => {
    const body = await c.req.parseBody();
    const next = safeNext(formString(body, 'next'));
    const cookieToken = getCookie(c, cookies.signInName) ?? '';
    if (!fromOwnOrigin(c, ctx.config.publicUrl) || !cookieToken || !sameSecret(formString(body, '_signin'), cookieToken)) {
      return showSignIn(c, next, 'The sign-in form had expired or came from another site. Paste the token again.', 403);
    }
    const address = clientAddress(c);
    const token = formString(body, 'token');
    const principal = token ? await resolvePrincipal(ctx, token) : undefined;
    if (!principal) {
      const { delayMs, failures } = await throttle.fail(address);
      // Held, not refused: guessing gets slow while the right token still works at once.
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const slowed = delayMs > 0 ? ` After ${failures} failed attempts from your address, each new failure waits a little longer.` : '';
      return showSignIn(c, next, `This is not a valid admin token or API key. Check for a typo or a revoked key.${slowed}`, 401);
    }
    await throttle.succeed(address);
    await startSession(ctx, c, principal);
    const landing = principal.kind === 'tenant' && next === '/dashboard' ? `/dashboard/tenants/${principal.tenantId}` : next;
    return c.redirect(landing, 303);
  });

  // Everything else under /dashboard needs a session; every POST also needs its CSRF token.
  const session = requireSession(ctx, (c, status, message) =>
    problemPage(c, status, status === 401 ? 'Sign in again' : 'Request refused', message),
  );
  app.use('/dashboard', session);
  app.use('/dashboard/*', async (c, next) => {
    if (c.req.path.startsWith('/dashboard/assets/') || c.req.path === '/dashboard/sign-in') return next();
    return session(c, next);
  });

  app.post('/dashboard/sign-out', async (c) => {
    await endSession(ctx, c);
    return c.redirect('/dashboard/sign-in', 303);
  });

  app.get('/dashboard', (c) => {
    const principal = c.get('principal');
    return c.redirect(principal.kind === 'admin' ? '/dashboard/tenants' : `/dashboard/tenants/${principal.tenantId}`, 303);
  });

  const adminOnly: MiddlewareHandler<DashboardEnv> = async (c, next) => {
    // A tenant session cannot tell an admin page from a missing one.
    if (c.get('principal').kind !== 'admin') throw new AppError({ code: 'not_found', status: 404, message: 'No such page.' });
    await next();
  };

  const showTenants = async (c: DashContext, extra: { nameError?: string; status?: 200 | 422 } = {}) => {
    const cursor = c.req.query('cursor');
    const after = readCursor(cursor);
    const limit = 25;
    const rows = await listTenantPage(ctx, { limit: limit + 1, after: after && { createdAt: after.at, id: after.id } });
    const { rows: page, nextCursor } = pageOf(rows, limit, (row) => ({ at: row.created_at, id: row.id }));
    return render(
      c,
      tenantsPage({
        principal: c.get('principal'),
        csrf: c.get('csrf'),
        tenants: page,
        nextCursor,
        firstPage: !cursor,
        nameError: extra.nameError,
        notice: noticeFrom(c),
      }),
      extra.status ?? 200,
    );
  };
  app.get('/dashboard/tenants', adminOnly, (c) => showTenants(c));
  app.post('/dashboard/tenants', adminOnly, async (c) => {
    const name = formString(await c.req.parseBody(), 'name');
    if (!name || name.length > 200)
      return showTenants(c, { nameError: "Name the tenant (up to 200 characters), such as the customer's company name.", status: 422 });
    const tenant = await createTenant(ctx, name);
    return c.redirect(`/dashboard/tenants/${tenant.id}?done=tenant_created`, 303);
  });

  // Every page under a tenant: another tenant's pages look exactly like missing ones (404).
  const loadTenant: MiddlewareHandler<DashboardEnv> = async (c, next) => {
    const tenantId = c.req.param('tid') ?? '';
    const tenant = canAccessTenant(c.get('principal'), tenantId) ? await findTenantById(ctx, tenantId) : undefined;
    if (!tenant) throw notFound('tenant', tenantId);
    c.set('tenant', tenant);
    await next();
  };
  app.use('/dashboard/tenants/:tid', loadTenant);
  app.use('/dashboard/tenants/:tid/*', loadTenant);

  const shared = (c: DashContext) => ({ principal: c.get('principal'), csrf: c.get('csrf'), tenant: c.get('tenant') });

  app.get('/dashboard/tenants/:tid', async (c) => {
    const tenant = c.get('tenant');
    const all = await listConnections(ctx, tenant.id, { includeDisconnected: true });
    const views = await Promise.all(all.map((row) => viewConnection(ctx, row)));
    const live = views.filter((view) => !view.disconnected_at);
    const rows = await Promise.all(live.map(async (connection) => ({ connection, counts: await eventCountsFor(ctx, connection.id) })));
    return render(
      c,
      integrationsPage({
        ...shared(c),
        rows,
        disconnected: views.filter((view) => view.disconnected_at),
        apiKeys: await listApiKeys(ctx, tenant.id),
        notice: noticeFrom(c),
        sections: [await openDisputesSection(ctx, tenant.id)],
      }),
    );
  });

  app.post('/dashboard/tenants/:tid/api-keys', adminOnly, async (c) => {
    const name = formString(await c.req.parseBody(), 'name').slice(0, 100);
    const { key, view } = await createApiKey(ctx, c.get('tenant').id, name || null);
    return render(c, apiKeyCreatedPage({ ...shared(c), key, hint: view.hint }));
  });
  app.post('/dashboard/tenants/:tid/api-keys/:kid/revoke', async (c) => {
    const revoked = await revokeTenantApiKey(ctx, c.get('tenant').id, c.req.param('kid'));
    // Revoking the key this session signed in with ends the session too: back to sign-in.
    const own = c.get('principal');
    if (own.kind === 'tenant' && own.apiKeyId === revoked.id) return c.redirect('/dashboard/sign-in', 303);
    return c.redirect(`/dashboard/tenants/${c.get('tenant').id}?done=key_revoked`, 303);
  });

  app.get('/dashboard/tenants/:tid/connections/new', (c) =>
    render(c, connectFormPage({ ...shared(c), values: emptyConnectForm, errors: {} })),
  );

  app.post('/dashboard/tenants/:tid/connections', async (c) => {
    const tenant = c.get('tenant');
    const body = await c.req.parseBody({ all: true });
    const secretKey = formString(body, 'secret_key');
    const publishableKey = formString(body, 'publishable_key');
    const webhookSecret = formString(body, 'webhook_secret');
    const features = formList(body, 'features').filter(isFeature);
    const setup = formString(body, 'webhook_setup') === 'manual' ? 'manual' : 'auto';
    // Only a publishable key may be shown again: anything else in that box may be a pasted secret.
    const values: ConnectFormValues = {
      name: formString(body, 'name'),
      environment: formString(body, 'environment'),
      publishable_key: publishableKey.startsWith('pk_') ? publishableKey : '',
      webhook_setup: setup,
      features,
    };
    const errors: Record<string, string> = {};
    if (!values.name) errors.name = 'Give the connection a name, such as "Main account".';
    if (!secretKey) errors.secret_key = 'Paste the secret key (sk_…) or a restricted key (rk_…).';
    else {
      const message = ruleMessage(() => parseSecretKey(secretKey));
      if (message) errors.secret_key = message;
    }
    if (publishableKey) {
      const message = ruleMessage(() => parsePublishableKey(publishableKey));
      if (message) errors.publishable_key = message;
    }
    if (webhookSecret) {
      const message = ruleMessage(() => checkSigningSecret(webhookSecret));
      if (message) errors.webhook_secret = message;
    }
    if (features.length === 0) errors.features = 'Check at least one feature; the webhook endpoint subscribes to their events.';
    const retry = (formError?: string) => render(c, connectFormPage({ ...shared(c), values, errors, formError }), 422);
    if (Object.keys(errors).length > 0) return retry();

    const parsed = createConnectionInput.safeParse({
      name: values.name,
      secret_key: secretKey,
      publishable_key: publishableKey || undefined,
      webhook_secret: webhookSecret || undefined,
      webhook_setup: setup,
      features,
      environment: values.environment || undefined,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
      return retry();
    }
    try {
      const { row, reconnected } = await connectAccount(ctx, tenant.id, parsed.data);
      return c.redirect(`/dashboard/tenants/${tenant.id}/connections/${row.id}?done=${reconnected ? 'reconnected' : 'connected'}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      const field = error.field?.split('.')[0];
      if (
        field &&
        field in { name: 1, environment: 1, secret_key: 1, publishable_key: 1, webhook_secret: 1, webhook_setup: 1, features: 1 }
      ) {
        errors[field] = error.message;
        return retry();
      }
      return retry(error.message);
    }
  });

  const actions = connectionActions(ctx);
  const connectionBase = '/dashboard/tenants/:tid/connections/:cid';

  const showConnection = async (
    c: DashContext,
    extra: { errors?: Record<string, string>; status?: 200 | 409 | 422; notice?: { kind: 'ok' | 'error'; text: string } } = {},
  ) => {
    const row = await requireConnection(ctx, c.get('tenant').id, c.req.param('cid') ?? '');
    return render(
      c,
      connectionPage({
        ...shared(c),
        connection: await viewConnection(ctx, row),
        actions: actions.available,
        errors: extra.errors,
        notice: extra.notice ?? noticeFrom(c),
      }),
      extra.status ?? 200,
    );
  };
  const backToConnection = (c: DashContext, done: string) =>
    c.redirect(`/dashboard/tenants/${c.get('tenant').id}/connections/${c.req.param('cid')}?done=${done}`, 303);
  /** Runs a change; a refused change (bad key, disconnected connection) is shown on the page, next to its field when it names one. */
  const change = async (c: DashContext, done: string, run: () => Promise<unknown>, fieldFor: Record<string, string> = {}) => {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      const field = error.field ? (fieldFor[error.field] ?? error.field) : undefined;
      if (field && Object.values(fieldFor).includes(field)) return showConnection(c, { errors: { [field]: error.message }, status: 422 });
      return showConnection(c, { notice: { kind: 'error', text: error.message }, status: error.status === 409 ? 409 : 422 });
    }
    return backToConnection(c, done);
  };
  const current = (c: DashContext) => requireConnection(ctx, c.get('tenant').id, c.req.param('cid') ?? '');

  app.get(connectionBase, (c) => showConnection(c));
  app.post(`${connectionBase}/disable`, async (c) =>
    change(c, 'disabled', async () => changeConnection(ctx, await current(c), { is_active: false })),
  );
  app.post(`${connectionBase}/enable`, async (c) => change(c, 'enabled', async () => actions.enable(await current(c))));
  app.post(`${connectionBase}/rotate-key`, async (c) => {
    const secretKey = formString(await c.req.parseBody(), 'secret_key');
    if (!secretKey)
      return showConnection(c, { errors: { secret_key: 'Paste the new secret key (sk_…) or restricted key (rk_…).' }, status: 422 });
    return change(c, 'key_rotated', async () => changeConnection(ctx, await current(c), { secret_key: secretKey }), {
      secret_key: 'secret_key',
    });
  });
  app.post(`${connectionBase}/rotate-signing-secret`, async (c) => {
    const secret = formString(await c.req.parseBody(), 'webhook_secret');
    if (!secret) return showConnection(c, { errors: { webhook_secret: 'Paste the new signing secret (whsec_…).' }, status: 422 });
    return change(c, 'secret_rotated', async () => changeConnection(ctx, await current(c), { webhook_secret: secret }), {
      webhook_secret: 'webhook_secret',
    });
  });
  app.get(`${connectionBase}/disconnect`, async (c) => {
    const view = await viewConnection(ctx, await current(c));
    if (view.disconnected_at) return backToConnection(c, 'disconnected');
    return render(c, disconnectConfirmPage({ ...shared(c), connection: view }));
  });
  app.post(`${connectionBase}/disconnect`, async (c) => {
    await disconnectConnection(ctx, await current(c));
    return c.redirect(`/dashboard/tenants/${c.get('tenant').id}?done=disconnected`, 303);
  });
  app.post(`${connectionBase}/check`, async (c) => change(c, 'checked', async () => actions.check?.(await current(c))));
  app.post(`${connectionBase}/repair`, async (c) => change(c, 'repaired', async () => actions.repair?.(await current(c))));
  app.post(`${connectionBase}/backfill`, async (c) => {
    const row = await current(c);
    if (!actions.backfill || row.disconnected_at) throw notFound('connection', row.id);
    const result = await actions.backfill(row);
    if (result.error)
      return showConnection(c, {
        notice: { kind: 'error', text: `Backfill stopped after ${result.fetched} events: ${result.error}` },
        status: 422,
      });
    return c.redirect(
      `/dashboard/tenants/${c.get('tenant').id}/connections/${row.id}?done=backfilled&fetched=${result.fetched}&stored=${result.stored}`,
      303,
    );
  });

  app.route('/', overviewRoutes(ctx, { render, shared }));
  app.route('/', eventRoutes(ctx, { render, shared }));
  // Before invoiceRoutes: its /invoices/:iid would otherwise take /invoices/new.
  app.route('/', invoiceActionRoutes(ctx, { render, shared }));
  app.route('/', invoiceRoutes(ctx, { render, shared }));
  app.route('/', creditPages(ctx, { render, shared }));
  app.route('/', customerPages(ctx, { render, shared }));
  app.route('/', planPages(ctx, { render, shared }));
  app.route('/', subscriptionPages(ctx, { render, shared }));
  app.route('/', disputePages(ctx, { render, shared }));
  app.route('/', paymentRequestPages(ctx, { render, shared }));
  app.route('/', catalogPages(ctx, { render, shared }));
  app.route('/', outboundWebhookPages(ctx, { render, shared }));
  app.route('/', tenantSettingsRoutes(ctx, { render, shared }));

  app.all('/dashboard/*', (c) => problemPage(c, 404, 'Page not found', 'There is no such page here, or it belongs to another tenant.'));

  app.onError((error, c) => {
    if (error instanceof AppError && error.status === 404)
      return problemPage(c, 404, 'Page not found', 'There is no such page here, or it belongs to another tenant.');
    if (error instanceof AppError && error.status < 500)
      return problemPage(c, error.status === 409 || error.status === 400 ? error.status : 422, 'Request refused', error.message);
    const requestId = c.get('requestId');
    if (isStoreUnavailable(error)) {
      c.header('Retry-After', '2');
      return problemPage(c, 503, 'Busy', 'The database is busy or unreachable, so nothing was changed. Try again in a few seconds.');
    }
    ctx.logger.error({ err: error, requestId, path: c.req.path }, 'dashboard error');
    return problemPage(
      c,
      500,
      'Something went wrong',
      `Nothing was changed unless the page says so. Quote request id ${requestId ?? 'unknown'} when reporting it.`,
    );
  });

  return app;
}
