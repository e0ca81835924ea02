import { sql, type Kysely } from 'kysely';

/** Dashboard sign-in sessions. Only a hash of the session id is stored, so a leaked table grants nothing. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dashboard_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('principal_kind', 'text', (c) => c.notNull().check(sql`principal_kind in ('admin', 'tenant')`))
    .addColumn('tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
    .addColumn('api_key_id', 'text', (c) => c.references('api_keys.id').onDelete('cascade'))
    // Admin sessions remember which admin token signed them in: replacing the token ends them.
    .addColumn('admin_token_hash', 'text')
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dashboard_sessions_expires_idx').on('dashboard_sessions').column('expires_at').execute();
}
