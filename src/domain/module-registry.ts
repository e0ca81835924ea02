import type { Effects } from './effects';
import { hasPayable, type Fact, type FactKind } from './facts';
import { featureEnabled, gatedReason } from './feature-gate';
import type { BusinessModule, FactFollower, FactHandler, FactOutcome, PayableFactKind } from './module';
import type { PayableRef } from './paybridge-metadata';

/**
 * Routes facts to modules: by payable type to the one module owning it (then to the modules that
 * follow that kind), otherwise to every module handling the fact's kind. Registering a payable type
 * twice throws at start.
 */
export class ModuleRegistry {
  private readonly byPayable = new Map<string, BusinessModule>();
  private readonly modules: BusinessModule[] = [];

  register(module: BusinessModule): this {
    if (this.modules.some((existing) => existing.name === module.name)) throw new Error(`Module ${module.name} is registered twice.`);
    for (const type of module.payableTypes) {
      const owner = this.byPayable.get(type);
      if (owner) throw new Error(`Payable type ${type} is owned by module ${owner.name}; ${module.name} cannot own it too.`);
      this.byPayable.set(type, module);
    }
    this.modules.push(module);
    return this;
  }

  ownerOf(payableType: string): BusinessModule | undefined {
    return this.byPayable.get(payableType);
  }

  /**
   * Hands the fact to its module(s) and merges what they made of it. Undefined when no module takes
   * facts of this kind: the object version is all that is kept, and the handler's note says so.
   */
  async route(effects: Effects, fact: Fact, enabledFeatures: readonly string[]): Promise<FactOutcome | undefined> {
    if (hasPayable(fact)) {
      const owned = await this.routeToOwner(effects, fact, enabledFeatures);
      const notes: string[] = [];
      for (const module of this.modules) {
        const follower = followerFor(module, fact.kind);
        if (!follower || !featureEnabled(enabledFeatures, module.feature)) continue;
        const followed = await follower(effects, fact);
        if (followed?.status === 'processed') notes.push(followed.note);
      }
      // Followers add to what the owner did; they never turn an ignored event (a gated feature, an
      // unknown invoice) into a processed one, so its reason stays for the person who must act.
      if (owned?.status !== 'processed' || notes.length === 0) return owned;
      return { status: 'processed', note: [owned.note, ...notes].join('; ') };
    }
    const outcomes: FactOutcome[] = [];
    for (const module of this.modules) {
      const handler = handlerFor(module, fact.kind);
      if (handler && featureEnabled(enabledFeatures, module.feature)) outcomes.push(await handler(effects, fact));
    }
    return mergeOutcomes(outcomes);
  }

  private async routeToOwner(effects: Effects, fact: PayableFact, enabledFeatures: readonly string[]): Promise<FactOutcome | undefined> {
    const { type, id } = fact.payable;
    const owner = this.byPayable.get(type);
    if (!owner) return { status: 'ignored', reason: `recorded; no module handles payables of type "${type}" (${id})` };
    const handler = handlerFor(owner, fact.kind);
    // The owner does not act on this kind (yet): the version is kept, and the handler's note stands.
    if (!handler) return undefined;
    if (!featureEnabled(enabledFeatures, owner.feature)) return { status: 'ignored', reason: gatedReason(owner.feature, owner.describes) };
    return handler(effects, fact);
  }
}

type PayableFact = Extract<Fact, { payable: PayableRef }>;

function handlerFor(module: BusinessModule, kind: FactKind): FactHandler<FactKind> | undefined {
  return module.handles[kind] as FactHandler<FactKind> | undefined;
}

function followerFor(module: BusinessModule, kind: PayableFactKind): FactFollower<PayableFactKind> | undefined {
  return module.follows?.[kind] as FactFollower<PayableFactKind> | undefined;
}

/** Processed when any module acted; ignored (with every reason) when all declined. */
export function mergeOutcomes(outcomes: readonly FactOutcome[]): FactOutcome | undefined {
  if (outcomes.length === 0) return undefined;
  if (outcomes.length === 1) return outcomes[0];
  const processed = outcomes.filter((outcome) => outcome.status === 'processed');
  if (processed.length > 0) return { status: 'processed', note: processed.map((outcome) => outcome.note).join('; ') };
  return { status: 'ignored', reason: outcomes.map((outcome) => (outcome.status === 'ignored' ? outcome.reason : '')).join('; ') };
}
