import type { AppContext } from '../../context';
import type { KeysetPage } from '../../store/keyset-page';
import { countPaymentRequests, searchPaymentRequests, type PaymentRequestSearch } from '../../store/payment-request-search';
import type { Effects } from '../../domain/effects';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { AppError, invalidField, notFound } from '../../errors';
import { newId } from '../../ids';
import { totalAmountProblem, unitAmountProblem } from '../../billing/amount-rules';
import { findTenantConnection } from '../../store/connections';
import {
  findPaymentRequestByKey,
  findTenantPaymentRequest,
  insertPaymentRequest,
  listPaymentRequestEvents,
  listRequestPayments,
  listTenantPaymentRequests,
  lockPaymentRequest,
  updatePaymentRequest,
} from '../../store/payment-requests';
import type { PaymentRequestPaymentRow, PaymentRequestRow, PaymentRequestStatus } from '../../store/payment-requests-schema';
import { FINAL_STATUSES } from '../../store/payment-requests-schema';
import type { ConnectionRow } from '../../store/schema';
import { ObjectVersions } from '../../store/stripe-objects';
import { findTenant } from '../../store/tenants';
import { featureEnabled } from '../../domain/feature-gate';
import { applyObservation } from './apply-observation';
import { observationsOf } from './observe-objects';
import { recordPaymentRequestEvent } from './payment-request-events';
import type { CreatePaymentRequestInput } from './payment-request-input';
import { viewPaymentRequest, type PaymentRequestView } from './payment-request-view';
import { cancelStripeObject, createStripeObject, readClientSecret, readStripeObjects } from './stripe-objects-service';

export { viewPaymentRequest };

/** The creation answer: the view plus, for `payment_intent`, the client secret (shown here only, never stored). */
export type CreatedPaymentRequest = PaymentRequestView & { client_secret?: string };

export async function requirePaymentRequest(ctx: AppContext, tenantId: string, id: string): Promise<PaymentRequestRow> {
  const request = await findTenantPaymentRequest(ctx.store.db, tenantId, id);
  if (!request) throw notFound('payment request', id);
  return request;
}

async function usableConnection(ctx: AppContext, tenantId: string, connectionId: string): Promise<ConnectionRow> {
  const connection = await findTenantConnection(ctx.store.db, tenantId, connectionId);
  if (!connection)
    throw invalidField(
      'connection_id',
      'unknown_connection',
      `No connection ${connectionId} belongs to this tenant. List them with GET /api/v1/tenants/${tenantId}/connections.`,
    );
  if (connection.disconnected_at)
    throw invalidField(
      'connection_id',
      'connection_disconnected',
      `Connection ${connectionId} was disconnected; connect the Stripe account again.`,
    );
  if (!connection.is_active)
    throw new AppError({
      code: 'connection_disabled',
      status: 409,
      field: 'connection_id',
      message: `Connection ${connectionId} is disabled, so its payment events would not be processed. Enable it (PATCH is_active: true), then try again.`,
    });
  if (!featureEnabled(connection.features as string[], 'payment_requests'))
    throw new AppError({
      code: 'payment_requests_not_enabled',
      status: 409,
      field: 'connection_id',
      message: `Connection ${connectionId} does not have the payment_requests feature, so this request's payment events would be ignored. Add "payment_requests" to its features (PATCH features), then try again.`,
    });
  return connection;
}

function keyReused(key: string, existing: PaymentRequestRow): AppError {
  return new AppError({
    code: 'idempotency_key_reused',
    status: 409,
    field: 'idempotency_key',
    message: `idempotency_key "${key}" was used for payment request ${existing.id} with a different connection, amount, currency or method. Use a new key for a new request.`,
  });
}

function sameRequest(existing: PaymentRequestRow, input: CreatePaymentRequestInput): boolean {
  return (
    existing.connection_id === input.connection_id &&
    Number(existing.amount) === input.amount &&
    existing.currency === input.currency &&
    existing.method === input.method
  );
}

/** A repeat with the same idempotency key answers as the first create did, client secret included. */
async function replay(ctx: AppContext, connection: ConnectionRow, existing: PaymentRequestRow): Promise<CreatedPaymentRequest> {
  const view: CreatedPaymentRequest = viewPaymentRequest(existing);
  if (existing.method === 'payment_intent' && existing.payment_intent_id) {
    const secret = await readClientSecret(ctx, connection, existing.payment_intent_id);
    if (secret) view.client_secret = secret;
  }
  return view;
}

/**
 * Creates the request's Stripe object first (idempotent on the request id), then the row with its
 * `payment_request.created` event. The client secret is returned once and never stored or logged.
 */
export async function createPaymentRequest(
  ctx: AppContext,
  tenantId: string,
  input: CreatePaymentRequestInput,
): Promise<CreatedPaymentRequest> {
  if (!(await findTenant(ctx.store.db, tenantId))) throw notFound('tenant', tenantId);
  const problem = unitAmountProblem(input.amount, input.currency) ?? totalAmountProblem(BigInt(input.amount), input.currency);
  if (problem) throw invalidField('amount', 'invalid_amount', `amount ${problem}.`);
  const connection = await usableConnection(ctx, tenantId, input.connection_id);
  const key = input.idempotency_key;
  if (key) {
    const existing = await findPaymentRequestByKey(ctx.store.db, tenantId, key);
    if (existing) {
      if (!sameRequest(existing, input)) throw keyReused(key, existing);
      return replay(ctx, connection, existing);
    }
  }

  const id = newId('paymentRequest');
  const created = await createStripeObject(ctx, connection, {
    id,
    tenantId,
    amount: input.amount,
    currency: input.currency,
    method: input.method,
    description: input.description ?? null,
    customerEmail: input.customer?.email ?? null,
    flowId: input.flow_id ?? null,
    returnUrl: input.return_url ?? null,
  });
  const row = await inUnitOfWork(ctx, async (effects) => {
    const inserted = await insertPaymentRequest(effects.trx, {
      id,
      tenant_id: tenantId,
      connection_id: connection.id,
      method: input.method,
      status: 'pending',
      amount: input.amount,
      currency: input.currency,
      description: input.description ?? null,
      customer: input.customer ? JSON.stringify(input.customer) : null,
      flow_id: input.flow_id ?? null,
      return_url: input.return_url ?? null,
      idempotency_key: key ?? null,
      checkout_session_id: created.kind === 'checkout_session' ? created.sessionId : null,
      url: created.kind === 'checkout_session' ? created.url : null,
      payment_intent_id: created.kind === 'payment_intent' ? created.paymentIntentId : null,
      charge_id: null,
      failure: null,
      failed_attempt_id: null,
      stalled_at: null,
      created_at: effects.now,
      updated_at: effects.now,
    });
    if (inserted) recordPaymentRequestEvent(effects, 'payment_request.created', inserted);
    return inserted;
  });
  if (!row) {
    // A concurrent create with the same key won; its request is the answer (this one's Stripe object is left unused).
    const winner = (await findPaymentRequestByKey(ctx.store.db, tenantId, key!))!;
    if (!sameRequest(winner, input)) throw keyReused(key!, winner);
    return replay(ctx, connection, winner);
  }
  const view: CreatedPaymentRequest = viewPaymentRequest(row);
  if (created.kind === 'payment_intent') view.client_secret = created.clientSecret;
  return view;
}

/**
 * Re-reads the request's Stripe objects and applies them as the worker would: each read is stored
 * as a version of the object (ordered against the event versions by object-versions.ts, dated at
 * the read), then the newest stored versions are observed by the same state machine. The Stripe
 * call happens before the transaction, so no lock is held while waiting for Stripe.
 */
export async function refreshPaymentRequest(ctx: AppContext, tenantId: string, id: string): Promise<PaymentRequestRow> {
  const request = await requirePaymentRequest(ctx, tenantId, id);
  if (FINAL_STATUSES.includes(request.status)) return request;
  const connection = await findTenantConnection(ctx.store.db, tenantId, request.connection_id);
  if (!connection || connection.disconnected_at) return request;
  const objects = await readStripeObjects(ctx, connection, request);
  const readAt = ctx.now();
  return inUnitOfWork(ctx, async (effects) => {
    const keys = objects.map((object) => ({ connectionId: connection.id, stripeId: String(object.id) }));
    const versions = await ObjectVersions.lock(effects.trx, keys);
    const newest = objects.map((object) => {
      const applied = versions.apply({
        connectionId: connection.id,
        stripeId: String(object.id),
        objectType: String(object.object),
        version: {
          created: Math.floor(readAt.getTime() / 1000),
          eventId: `refresh_${readAt.getTime()}`,
          object,
          previous: null,
          deleted: false,
        },
      });
      return applied.current.data;
    });
    await versions.write(effects.trx);
    return applyAll(
      effects,
      tenantId,
      id,
      newest.flatMap((object) => observationsOf(object, readAt)),
    );
  });
}

async function applyAll(
  effects: Effects,
  tenantId: string,
  id: string,
  observations: ReturnType<typeof observationsOf>,
): Promise<PaymentRequestRow> {
  let request = (await lockPaymentRequest(effects.trx, tenantId, id))!;
  for (const observation of observations) request = (await applyObservation(effects, request, observation)).request;
  return request;
}

/**
 * Cancels a request that is not final: Stripe first (the customer can no longer pay), then the
 * request. When Stripe says the payment already went through, the request is refreshed and the
 * answer is 409 with its state.
 */
export async function cancelPaymentRequest(ctx: AppContext, tenantId: string, id: string): Promise<PaymentRequestRow> {
  const request = await requirePaymentRequest(ctx, tenantId, id);
  if (request.status === 'canceled') return request;
  if (FINAL_STATUSES.includes(request.status)) throw cannotCancel(request);
  const connection = await findTenantConnection(ctx.store.db, tenantId, request.connection_id);
  if (!connection || connection.disconnected_at)
    throw new AppError({
      code: 'connection_disconnected',
      status: 409,
      message: `Connection ${request.connection_id} is disconnected, so Paybridge cannot stop the payment in Stripe. Cancel it in the Stripe Dashboard.`,
    });
  if ((await cancelStripeObject(ctx, connection, request)) === 'too_late') {
    const refreshed = await refreshPaymentRequest(ctx, tenantId, id);
    throw cannotCancel(refreshed);
  }
  return inUnitOfWork(ctx, async (effects) => {
    const current = (await lockPaymentRequest(effects.trx, tenantId, id))!;
    if (FINAL_STATUSES.includes(current.status)) return current;
    const canceled = await updatePaymentRequest(effects.trx, id, { status: 'canceled', updated_at: effects.now });
    recordPaymentRequestEvent(effects, 'payment_request.canceled', canceled);
    return canceled;
  });
}

function cannotCancel(request: PaymentRequestRow): AppError {
  return new AppError({
    code: 'payment_request_final',
    status: 409,
    message: `Payment request ${request.id} is ${request.status} and can no longer be canceled.${request.status === 'succeeded' ? ' Refund the payment instead.' : ''}`,
  });
}

/** A tenant's requests, newest first, from a keyset position (the caller cuts the page with the cursor helper). */
export function listPaymentRequests(
  ctx: AppContext,
  filter: { tenantId: string; status?: PaymentRequestStatus; flowId?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<PaymentRequestRow[]> {
  return listTenantPaymentRequests(ctx.store.db, filter, page);
}

/** What the dashboard and the CLI show in detail: the request, its payments and its timeline. */
export interface PaymentRequestDetail {
  request: PaymentRequestView;
  payments: PaymentRequestPaymentRow[];
  timeline: { sequence: number; type: string; at: string; stripe_event_id: string | null; status: string }[];
}

export async function paymentRequestDetail(ctx: AppContext, tenantId: string, id: string): Promise<PaymentRequestDetail> {
  const request = await requirePaymentRequest(ctx, tenantId, id);
  const payments = await listRequestPayments(ctx.store.db, id);
  const events = await listPaymentRequestEvents(ctx.store.db, tenantId, id);
  return {
    request: viewPaymentRequest(request),
    payments,
    timeline: events.map((event) => ({
      sequence: Number(event.sequence),
      type: event.type,
      at: new Date(event.created_at).toISOString(),
      stripe_event_id: event.stripe_event_id,
      status: String((event.snapshot as { status?: unknown }).status ?? ''),
    })),
  };
}

/** The dashboard's list: one page of the requests matching a search, with the total (up to `cap`). */
export async function searchPaymentRequestPage(ctx: AppContext, search: PaymentRequestSearch, page: KeysetPage, cap = 10_000) {
  const [rows, total] = await Promise.all([
    searchPaymentRequests(ctx.store.db, search, page),
    countPaymentRequests(ctx.store.db, search, cap),
  ]);
  return { rows, total };
}
