import { AppError } from '../../errors';

/** The errors a credits call can answer with; codes are part of the public contract. */
export const creditErrors = {
  unknownUnit(unit: string): AppError {
    return new AppError({
      code: 'unknown_unit',
      status: 422,
      field: 'unit',
      message: `This customer has never been granted "${unit}" credits, so there is nothing to take. Check the unit's spelling against GET …/credits, or grant credits of this unit first.`,
    });
  },
  insufficientCredits(unit: string, amount: number): AppError {
    return new AppError({
      code: 'insufficient_credits',
      status: 409,
      message: `The customer has fewer than ${amount} spendable "${unit}" credits (credits reserved by holds and expired credits do not count). Check GET …/credits, and top up or ask for less.`,
    });
  },
  idempotencyKeyReused(key: string): AppError {
    return new AppError({
      code: 'idempotency_key_reused',
      status: 409,
      field: 'idempotency_key',
      message: `The idempotency_key "${key}" was already used with a different request. Retry with exactly the same body, or use a new key for a new request.`,
    });
  },
  holdNotOpen(holdId: string, status: string): AppError {
    return new AppError({
      code: 'hold_not_open',
      status: 409,
      message: `Hold ${holdId} is ${status}, so it can no longer be captured or released. Place a new hold if the work still needs credits.`,
    });
  },
  captureTooLarge(holdId: string, held: number): AppError {
    return new AppError({
      code: 'capture_exceeds_hold',
      status: 422,
      field: 'amount',
      message: `Hold ${holdId} reserves ${held} credits; a capture takes at most that. Capture ${held} or less, and debit any extra separately.`,
    });
  },
};

/** A hold's or debit's refusal, stored so that a retry with the same key answers the same. */
export function rejectionError(code: string, unit: string, amount: number): AppError {
  if (code === 'insufficient_credits') return creditErrors.insufficientCredits(unit, amount);
  throw new Error(`unknown stored rejection ${code}`);
}
