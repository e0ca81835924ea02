import { z } from '@hono/zod-openapi';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { newId } from '../../ids';
import { requireEndpoint } from './endpoints-service';
import type { PostResult } from './safe-post';
import { sendSigned } from './send-signed';
import { SigningKeys } from './signing-keys';

const responseView = z.object({ status_code: z.number().nullable(), outcome: z.string().nullable(), error: z.string().nullable() });

export const receiverCheckView = z
  .object({
    endpoint_id: z.string(),
    checked_at: z.string(),
    verdict: z.enum(['passed', 'failed', 'incomplete']).openapi({
      description: 'failed: a check failed; incomplete: none failed but some could not be observed (see each check).',
    }),
    checks: z.array(
      z.object({
        name: z.enum(['rejects_forged_signature', 'accepts_either_secret', 'deduplicates_webhook_id', 'keeps_newer_state']),
        result: z.enum(['passed', 'failed', 'not_reported', 'unreachable']),
        detail: z.string(),
        responses: z.array(responseView),
      }),
    ),
  })
  .openapi('WebhookReceiverCheck');

type ReceiverCheck = z.infer<typeof receiverCheckView>;
type CheckEntry = ReceiverCheck['checks'][number];

const ok = (result: PostResult) => result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;

/** What the receiver says it did, from a JSON answer `{"outcome": "applied" | "duplicate" | "stale"}`; null when it did not say. */
function outcomeOf(result: PostResult): string | null {
  try {
    const parsed = JSON.parse(result.body ?? '') as { outcome?: unknown };
    return typeof parsed.outcome === 'string' ? parsed.outcome.slice(0, 40) : null;
  } catch {
    return null;
  }
}

function responses(...results: PostResult[]) {
  return results.map((result) => ({ status_code: result.statusCode, outcome: outcomeOf(result), error: result.error }));
}

/**
 * Sends the receiver four small scenarios and reports what it did, so a platform learns its
 * receiver is wrong before money depends on it. What Paybridge can observe is only the receiver's
 * answers: status codes always, and for deduplication and ordering the optional JSON `outcome` the
 * receiver puts in its answer (documented in docs/outbound-webhooks.md). Without that, those two
 * checks say `not_reported`, never `passed`: a 200 does not show whether an update was applied.
 */
export async function checkReceiver(ctx: AppContext, tenantId: string, endpointId: string): Promise<ReceiverCheck> {
  const endpoint = await requireEndpoint(ctx, tenantId, endpointId);
  if (endpoint.status !== 'enabled')
    throw new AppError({
      code: 'endpoint_disabled',
      status: 409,
      message: 'This endpoint is disabled. Enable it (PATCH status "enabled") before checking its receiver.',
    });
  const keys = await new SigningKeys(ctx).keysFor(endpoint.id, endpoint.secrets_version);
  const strangerKey = randomBytes(32);
  const checkId = newId('webhookMessage');
  const objectId = `chk_${randomBytes(8).toString('hex')}`;
  const body = (type: string, sequence: number, state: string) =>
    JSON.stringify({
      type,
      timestamp: ctx.now().toISOString(),
      data: {
        object_type: 'webhook_check',
        object_id: objectId,
        sequence,
        object: { id: objectId, check_id: checkId, state },
        cause: { stripe_event_id: null, connection_id: null },
      },
    });
  const send = (webhookId: string, payload: string, signWith: readonly Buffer[]) =>
    sendSigned(endpoint.url, { webhookId, body: payload, keys: signWith }, { allowPrivate: ctx.config.outboundAllowPrivate });
  const checks: CheckEntry[] = [];

  const forged = await send(newId('webhookMessage'), body('webhook_check.forged', 1, 'forged'), [strangerKey]);
  checks.push({
    name: 'rejects_forged_signature',
    responses: responses(forged),
    ...(forged.statusCode === null
      ? { result: 'unreachable', detail: `No answer: ${forged.error}.` }
      : ok(forged)
        ? {
            result: 'failed',
            detail: 'A delivery signed by an unknown secret was accepted (2xx): the receiver does not verify signatures.',
          }
        : forged.statusCode >= 400 && forged.statusCode < 500
          ? { result: 'passed', detail: `Refused with ${forged.statusCode}.` }
          : { result: 'failed', detail: `Answered ${forged.statusCode}; a forged delivery should get a 4xx (400 or 401).` }),
  });

  const twoSecrets = await send(newId('webhookMessage'), body('webhook_check.two_secrets', 1, 'signed_twice'), [strangerKey, ...keys]);
  checks.push({
    name: 'accepts_either_secret',
    responses: responses(twoSecrets),
    ...(twoSecrets.statusCode === null
      ? { result: 'unreachable', detail: `No answer: ${twoSecrets.error}.` }
      : ok(twoSecrets)
        ? { result: 'passed', detail: 'Accepted a signature header whose second entry matches (as during a secret rotation).' }
        : {
            result: 'failed',
            detail: `Answered ${twoSecrets.statusCode} to a header with two v1 entries of which one is valid; during a rotation every delivery looks like this.`,
          }),
  });

  const duplicateId = newId('webhookMessage');
  const duplicateBody = body('webhook_check.duplicate', 2, 'duplicate');
  const first = await send(duplicateId, duplicateBody, keys);
  const second = await send(duplicateId, duplicateBody, keys);
  const secondOutcome = outcomeOf(second);
  checks.push({
    name: 'deduplicates_webhook_id',
    responses: responses(first, second),
    ...(first.statusCode === null || second.statusCode === null
      ? { result: 'unreachable', detail: `No answer: ${first.error ?? second.error}.` }
      : !ok(second)
        ? {
            result: 'failed',
            detail: `The repeated webhook-id got ${second.statusCode}; answer 2xx to a duplicate, or it is retried for days.`,
          }
        : secondOutcome === 'duplicate'
          ? { result: 'passed', detail: 'The second delivery of the same webhook-id was recognised as a duplicate.' }
          : secondOutcome === 'applied'
            ? { result: 'failed', detail: 'The same webhook-id was applied twice.' }
            : {
                result: 'not_reported',
                detail: 'Both were answered 2xx; the receiver did not say (JSON "outcome") whether it applied the second.',
              }),
  });

  const newer = await send(newId('webhookMessage'), body('webhook_check.state', 4, 'newer'), keys);
  const older = await send(newId('webhookMessage'), body('webhook_check.state', 3, 'older'), keys);
  const olderOutcome = outcomeOf(older);
  checks.push({
    name: 'keeps_newer_state',
    responses: responses(newer, older),
    ...(newer.statusCode === null || older.statusCode === null
      ? { result: 'unreachable', detail: `No answer: ${newer.error ?? older.error}.` }
      : !ok(older)
        ? { result: 'failed', detail: `The older update got ${older.statusCode}; answer 2xx and drop it, or it is retried for days.` }
        : olderOutcome === 'stale'
          ? { result: 'passed', detail: 'The update with the lower sequence, sent second, was dropped as stale.' }
          : olderOutcome === 'applied'
            ? { result: 'failed', detail: 'The older update (lower sequence) overwrote the newer one.' }
            : {
                result: 'not_reported',
                detail: 'Both were answered 2xx; the receiver did not say (JSON "outcome") whether it kept the newer state.',
              }),
  });

  const results = checks.map((check) => check.result);
  return {
    endpoint_id: endpoint.id,
    checked_at: ctx.now().toISOString(),
    verdict: results.includes('failed') ? 'failed' : results.every((result) => result === 'passed') ? 'passed' : 'incomplete',
    checks,
  };
}
