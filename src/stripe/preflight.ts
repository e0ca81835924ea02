import type Stripe from 'stripe';
import type { PermissionReport } from '../store/schema';
import type { Feature } from './features';
import { STRIPE_RESOURCES, requiredPermissions, type RequiredPermission } from './permissions';
import { describeStripeError, fromStripeError } from './stripe-errors';

export interface PreflightResult {
  report: PermissionReport;
  required: RequiredPermission[];
}

/**
 * Probes every permission the features need with a harmless `list ?limit=1` and names the missing
 * ones as Stripe does. A 403 on the read of a resource the features must write means the write is
 * missing too, so the write is what gets named (granting it fixes both). Writes that read fine stay
 * in `required_writes`: they cannot be checked without changing something in the account.
 * An unrestricted key (sk_) can do everything, so it is not probed.
 */
export async function runPreflight(
  stripe: Stripe,
  options: { features: readonly Feature[]; webhookSetup: 'auto' | 'manual'; restricted: boolean; now: Date },
): Promise<PreflightResult> {
  const required = requiredPermissions(options.features, options.webhookSetup);
  const missing: string[] = [];
  if (options.restricted) {
    const outcomes = await Promise.all(
      required.map(async (permission) => {
        const spec = STRIPE_RESOURCES[permission.resource] as { probe?: (s: Stripe) => Promise<unknown> };
        if (!spec.probe) return null;
        try {
          await spec.probe(stripe);
          return null;
        } catch (error) {
          const failure = describeStripeError(error);
          if (failure.kind === 'permission') return permission.name;
          // A list this Stripe (or sandbox) does not serve tells nothing about the key.
          if (failure.kind === 'not_found') return null;
          throw fromStripeError(error, `checking the ${permission.label} permission`);
        }
      }),
    );
    for (const name of outcomes) if (name) missing.push(name);
  }
  return { report: buildReport(required, missing, options.now), required };
}

export function buildReport(required: readonly RequiredPermission[], missing: readonly string[], now: Date): PermissionReport {
  const unique = [...new Set(missing)].sort();
  return {
    ok: unique.length === 0,
    checked: true,
    missing: unique,
    required_writes: required.filter((p) => p.access === 'write').map((p) => p.name),
    checked_at: now.toISOString(),
  };
}

/** "rak_plan_read (Prices → Read)" for messages, so an admin finds the switch in Stripe's form. */
export function describePermissions(names: readonly string[], required: readonly RequiredPermission[]): string {
  return names
    .map((name) => {
      const known = required.find((p) => p.name === name);
      return known ? `${name} (${known.label})` : name;
    })
    .join(', ');
}
