import { invalidRequest, noSuch } from '../core/errors';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalBoolean, optionalRecord, optionalString, rangeFilter } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { EVIDENCE_FIELDS, acceptDispute, assertOpen, resolveDispute, submitEvidence, testModeVerdict } from '../payments/disputes';

function findDispute(ctx: ApiContext, id: string): StripeObject {
  const dispute = ctx.sandbox.store.get(ctx.scope, 'dispute', id);
  if (!dispute) throw noSuch('dispute', id);
  return dispute;
}

function applyEvidence(dispute: StripeObject, raw: Json): void {
  const evidence = dispute.evidence as Json;
  for (const [key, value] of Object.entries(raw)) {
    const param = `evidence[${key}]`;
    if (!(EVIDENCE_FIELDS as readonly string[]).includes(key))
      throw invalidRequest(`Received unknown parameter: ${param}`, 'parameter_unknown', param);
    if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(value)}`, 'parameter_invalid_string', param);
    evidence[key] = value === '' ? null : value;
  }
  (dispute.evidence_details as Json).has_evidence = EVIDENCE_FIELDS.some((field) => evidence[field] !== null);
}

export const disputes: Resource = {
  name: 'disputes',
  routes: [
    {
      method: 'GET',
      path: '/v1/disputes/:id',
      permission: read('dispute'),
      params: [],
      handle: (ctx) => findDispute(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/disputes/:id',
      permission: write('dispute'),
      params: ['evidence', 'metadata', 'submit'],
      handle(ctx) {
        const dispute = findDispute(ctx, ctx.path.id!);
        assertOpen(dispute);
        const before = snapshot(dispute);
        const evidence = optionalRecord(ctx.params, 'evidence');
        if (evidence) applyEvidence(dispute, evidence);
        dispute.metadata = applyMetadata(dispute.metadata as Record<string, string>, ctx.params);
        // `submit` defaults to true on Stripe; `submit=false` only stages the evidence. A
        // metadata-only update has nothing to submit.
        const submit = optionalBoolean(ctx.params, 'submit') ?? evidence !== undefined;
        if (submit) submitEvidence(ctx, dispute);
        const previous = previousAttributes(before, dispute);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'charge.dispute.updated', dispute, { previousAttributes: previous, request: ctx.request });
        const verdict = submit ? testModeVerdict(dispute) : undefined;
        if (verdict && !ctx.scope.livemode) resolveDispute(ctx, dispute, verdict);
        return dispute;
      },
    },
    {
      method: 'POST',
      path: '/v1/disputes/:id/close',
      permission: write('dispute'),
      params: [],
      handle(ctx) {
        const dispute = findDispute(ctx, ctx.path.id!);
        acceptDispute(ctx, dispute);
        return dispute;
      },
    },
    {
      method: 'GET',
      path: '/v1/disputes',
      permission: read('dispute'),
      params: ['limit', 'starting_after', 'ending_before', 'charge', 'payment_intent', 'created'],
      handle(ctx) {
        const charge = optionalString(ctx.params, 'charge');
        const paymentIntent = optionalString(ctx.params, 'payment_intent');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'dispute',
          (d) => (!charge || d.charge === charge) && (!paymentIntent || d.payment_intent === paymentIntent) && created(Number(d.created)),
        );
        return paginate(items, ctx.params, '/v1/disputes', 'dispute');
      },
    },
  ],
};
