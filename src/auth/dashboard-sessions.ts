import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context';
import { deleteExpiredSessions, deleteSession, findLiveSession, insertSession, type DashboardSession } from '../store/sessions';
import { adminTokenHash } from './admin-token';
import type { Principal } from './principal';
import { hashToken } from './token-hashing';

/**
 * Dashboard sign-in sessions: the cookie carries a random id, the database only its keyed hash. A
 * session lives until it expires, is signed out, or loses what it was opened with: a revoked API key,
 * or an admin token replaced since (web/session.ts handles the cookie and CSRF checks).
 */
export async function openDashboardSession(ctx: AppContext, principal: Principal, ttlMs: number): Promise<{ id: string }> {
  const id = randomBytes(32).toString('base64url');
  const now = ctx.now();
  await deleteExpiredSessions(ctx.store.db, now);
  await insertSession(ctx.store.db, {
    idHash: (await hashToken(ctx, id)).keyed,
    principalKind: principal.kind,
    tenantId: principal.kind === 'tenant' ? principal.tenantId : null,
    apiKeyId: principal.kind === 'tenant' ? principal.apiKeyId : null,
    adminTokenHash: principal.kind === 'admin' ? ((await adminTokenHash(ctx)) ?? null) : null,
    csrfToken: randomBytes(32).toString('base64url'),
    expiresAt: new Date(now.getTime() + ttlMs),
  });
  return { id };
}

/** The live session behind a cookie's id, with the hash it is stored under; undefined when it has ended. */
export async function findDashboardSession(
  ctx: AppContext,
  id: string,
): Promise<{ session: DashboardSession; idHash: string } | undefined> {
  const idHash = (await hashToken(ctx, id)).keyed;
  const session = await findLiveSession(ctx.store.db, idHash, ctx.now(), await adminTokenHash(ctx));
  return session ? { session, idHash } : undefined;
}

export async function closeDashboardSession(ctx: AppContext, idHash: string): Promise<void> {
  await deleteSession(ctx.store.db, idHash);
}
