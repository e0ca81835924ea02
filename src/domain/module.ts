import type { Feature } from '../stripe/features';
import type { Effects } from './effects';
import type { Fact, FactKind, FactOf } from './facts';
import type { PayableRef } from './paybridge-metadata';

/** What a module made of a fact; becomes the event's status and reason. */
export type FactOutcome = { status: 'processed'; note: string } | { status: 'ignored'; reason: string };

export type FactHandler<K extends FactKind> = (effects: Effects, fact: FactOf<K>) => Promise<FactOutcome>;

/** The kinds of fact that name a payable, and so are routed to the payable's owner. */
export type PayableFactKind = Extract<Fact, { payable: PayableRef }>['kind'];

/** Acts on a fact about another module's payable, after its owner; undefined when there was nothing to do. */
export type FactFollower<K extends FactKind> = (effects: Effects, fact: FactOf<K>) => Promise<FactOutcome | undefined>;

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
  /**
   * Facts about payables other modules own that this module must also see, in the same transaction
   * and after the owner acted (so it reads what the owner wrote): disputes link themselves to an
   * invoice when its payment is recorded. A follower never changes the event's status.
   */
  readonly follows?: { readonly [K in PayableFactKind]?: FactFollower<K> };
  /** How the gate's reason names what the module does, e.g. "paying invoices". */
  readonly describes: string;
}
