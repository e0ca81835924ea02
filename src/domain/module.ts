import type { Feature } from '../stripe/features';
import type { Effects } from './effects';
import type { FactKind, FactOf } from './facts';

/** What a module made of a fact; becomes the event's status and reason. */
export type FactOutcome = { status: 'processed'; note: string } | { status: 'ignored'; reason: string };

export type FactHandler<K extends FactKind> = (effects: Effects, fact: FactOf<K>) => Promise<FactOutcome>;

/**
 * A business module (invoices, later subscriptions, top-ups, payment requests…): one folder under
 * src/modules/, registered once in src/modules/index.ts. It owns its payable types, so facts about
 * those payables reach it and no other module; facts without a payable (catalog, account) reach
 * every module that handles their kind. It writes through `effects` (the processing transaction,
 * jobs, domain events) and never calls Stripe inside it: Stripe calls are jobs.
 */
export interface BusinessModule {
  readonly name: string;
  /** The connection feature without which the module acts on nothing (src/domain/feature-gate.ts). */
  readonly feature: Feature;
  /** The `paybridge_payable_type` values this module creates and owns. */
  readonly payableTypes: readonly string[];
  readonly handles: { readonly [K in FactKind]?: FactHandler<K> };
  /** How the gate's reason names what the module does, e.g. "paying invoices". */
  readonly describes: string;
}
