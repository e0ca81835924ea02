// Its own file so the CLI's command definitions can list the statuses without loading zod.
export const PAYMENT_REQUEST_STATUSES = ['pending', 'requires_action', 'processing', 'succeeded', 'failed', 'canceled', 'expired'] as const;
