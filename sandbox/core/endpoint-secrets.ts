import { randomToken } from './ids';

interface SigningSecret {
  secret: string;
  /** Unix seconds on the sandbox clock; null = until rolled. */
  expiresAt: number | null;
}

/**
 * Webhook signing secrets per endpoint, kept apart from the endpoint object because Stripe shows
 * the secret only in the create response. Rolling keeps the old secret signing until it expires,
 * so a delivery carries one `v1` per active secret.
 */
export class EndpointSecrets {
  private readonly byEndpoint = new Map<string, SigningSecret[]>();

  create(endpointId: string): string {
    const secret = `whsec_${randomToken(32)}`;
    this.byEndpoint.set(endpointId, [{ secret, expiresAt: null }]);
    return secret;
  }

  roll(endpointId: string, now: number, expiresInSeconds: number): string {
    const secret = `whsec_${randomToken(32)}`;
    const current = this.active(endpointId, now).map((s) => ({
      secret: s.secret,
      expiresAt: s.expiresAt === null ? now + expiresInSeconds : Math.min(s.expiresAt, now + expiresInSeconds),
    }));
    // Expiring immediately (0 s) drops the old secrets at once, as Stripe's "roll now" does.
    this.byEndpoint.set(endpointId, [{ secret, expiresAt: null }, ...current.filter((s) => s.expiresAt! > now)]);
    return secret;
  }

  /** Newest first. */
  active(endpointId: string, now: number): SigningSecret[] {
    return (this.byEndpoint.get(endpointId) ?? []).filter((s) => s.expiresAt === null || s.expiresAt > now);
  }

  remove(endpointId: string): void {
    this.byEndpoint.delete(endpointId);
  }

  clear(): void {
    this.byEndpoint.clear();
  }
}
