/** The `param` Stripe reports for a nested field: `sub('line_items[0]', 'price')` → "line_items[0][price]". */
export function sub(parent: string, field: string): string {
  return parent ? `${parent}[${field}]` : field;
}
