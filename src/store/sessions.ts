import type { ColumnType, Selectable } from 'kysely';
import type { Db } from './database';

/** The table lives here rather than in schema.ts: only the dashboard reads it. */
export interface DashboardSessionsTable {
  id_hash: string;
  principal_kind: 'admin' | 'tenant';
  tenant_id: string | null;
  api_key_id: string | null;
  admin_token_hash: string | null;
  csrf_token: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export type DashboardSession = Selectable<DashboardSessionsTable>;

const sessions = (db: Db) => db.withTables<{ dashboard_sessions: DashboardSessionsTable }>();

export async function insertSession(
  db: Db,
  values: {
    idHash: string;
    principalKind: 'admin' | 'tenant';
    tenantId: string | null;
    apiKeyId: string | null;
    adminTokenHash: string | null;
    csrfToken: string;
    expiresAt: Date;
  },
): Promise<void> {
  await sessions(db)
    .insertInto('dashboard_sessions')
    .values({
      id_hash: values.idHash,
      principal_kind: values.principalKind,
      tenant_id: values.tenantId,
      api_key_id: values.apiKeyId,
      admin_token_hash: values.adminTokenHash,
      csrf_token: values.csrfToken,
      expires_at: values.expiresAt,
    })
    .execute();
}

/**
 * A live session by id hash. A tenant session dies with its API key: the join drops it as soon as the
 * key is revoked, so revoking a key signs its dashboard users out too; an admin session dies when
 * the admin token it signed in with is replaced.
 */
export async function findLiveSession(
  db: Db,
  idHash: string,
  now: Date,
  currentAdminTokenHash: string | undefined,
): Promise<DashboardSession | undefined> {
  return sessions(db)
    .selectFrom('dashboard_sessions as s')
    .leftJoin('api_keys as k', 'k.id', 's.api_key_id')
    .selectAll('s')
    .where('s.id_hash', '=', idHash)
    .where('s.expires_at', '>', now)
    .where((eb) =>
      eb.or([
        eb.and([eb('s.principal_kind', '=', 'admin'), eb('s.admin_token_hash', '=', currentAdminTokenHash ?? '')]),
        eb.and([eb('k.id', 'is not', null), eb('k.revoked_at', 'is', null)]),
      ]),
    )
    .executeTakeFirst();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await sessions(db).deleteFrom('dashboard_sessions').where('id_hash', '=', idHash).execute();
}

/** Housekeeping on sign-in, so the table never grows with dead sessions. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const result = await sessions(db).deleteFrom('dashboard_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
