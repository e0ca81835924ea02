/**
 * Every column that holds a sealed secret, with the binding (authenticated data) its values are
 * sealed under. Master-key rotation walks this list, so a new secret column is one entry here.
 */
export const SEALED_COLUMNS = [
  { table: 'connections', column: 'secret_key_sealed', binding: (id: string) => `connections.secret_key:${id}` },
  { table: 'signing_secrets', column: 'secret_sealed', binding: (id: string) => `signing_secrets.secret:${id}` },
  { table: 'token_hash_keys', column: 'key_sealed', binding: (id: string) => `token_hash_keys.key:${id}` },
  { table: 'webhook_endpoint_secrets', column: 'secret_sealed', binding: (id: string) => `webhook_endpoint_secrets.secret:${id}` },
] as const;

type SealedTable = (typeof SEALED_COLUMNS)[number]['table'];

export function bindingFor(table: SealedTable, id: string): string {
  return SEALED_COLUMNS.find((entry) => entry.table === table)!.binding(id);
}
