/**
 * One readable line for objects kept only for the record (issuing cards and cardholders, payment
 * methods the card network updated), shown as the event's note in the event log and beside the
 * object when it is looked up by id.
 */
export function summarizeObject(object: Record<string, unknown>): string {
  const id = String(object.id ?? 'object');
  const card = (object.card ?? object) as Record<string, unknown>;
  const last4 = typeof card.last4 === 'string' ? ` •••• ${card.last4}` : '';
  const brand = typeof card.brand === 'string' ? ` ${card.brand}` : '';
  const expiry =
    typeof card.exp_month === 'number' && typeof card.exp_year === 'number'
      ? `, expires ${String(card.exp_month).padStart(2, '0')}/${card.exp_year}`
      : '';
  switch (object.object) {
    case 'issuing.card': {
      const reason = typeof object.cancellation_reason === 'string' ? ` (${object.cancellation_reason})` : '';
      return `issuing card ${id}${brand}${last4} is ${String(object.status)}${reason}${expiry}`;
    }
    case 'issuing.cardholder': {
      const name = typeof object.name === 'string' ? ` ${object.name}` : '';
      const disabled = (object.requirements as { disabled_reason?: unknown } | undefined)?.disabled_reason;
      return `cardholder ${id}${name} is ${String(object.status)}${typeof disabled === 'string' ? ` (disabled: ${disabled})` : ''}`;
    }
    case 'payment_method':
      return `payment method ${id} updated by the card network:${brand}${last4}${expiry}`;
    default:
      return `${String(object.object ?? 'object')} ${id}`;
  }
}
