import type { EventHandler } from './types';

interface Registration {
  readonly family: string;
  readonly handle: EventHandler;
}

/**
 * Event type → the one handler for it. Registering a type twice throws at start, so two families
 * can never both act on one event by accident (a family that needs to fan out does it itself).
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, Registration>();

  on(family: string, types: readonly string[], handle: EventHandler): this {
    for (const type of types) {
      const existing = this.handlers.get(type);
      if (existing) throw new Error(`Handler already registered for ${type} (by ${existing.family}); ${family} cannot register it again.`);
      this.handlers.set(type, { family, handle });
    }
    return this;
  }

  get(type: string): Registration | undefined {
    return this.handlers.get(type);
  }

  handledTypes(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
