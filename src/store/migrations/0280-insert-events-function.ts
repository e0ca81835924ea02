import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * The ingest's batch insert as a PL/pgSQL function (called by `insertEvents`). The statement it
 * replaced was sent as new text for every batch, so PostgreSQL parsed, analysed and planned a
 * two-CTE insert into a partitioned table each time: a quarter of its CPU per acknowledged event in
 * the profile (issue 19). A PL/pgSQL function keeps the plan of its statement for the session, and
 * the function's SET makes that the generic plan from the first call instead of after five.
 *
 * Semantics are the former statement's: each (tenant, connection, Stripe event id) key is inserted
 * into `event_keys` first, and only the rows whose key was new go into `events`, in the same
 * statement, so a key exists exactly when its event was stored and a duplicate, also within the
 * batch, is skipped. The payloads come as one text joined by U+001E (record separator), which valid
 * JSON cannot hold unescaped; a text[] parameter would have pg escape every quote of every payload
 * and PostgreSQL unescape it again.
 */
export async function up(db: Db): Promise<void> {
  await sql`
    create function insert_events(
      ids text[], connection_ids text[], tenant_ids text[], stripe_event_ids text[], types text[],
      livemodes bool[], api_versions text[], stripe_createds int8[], object_ids text[], object_types text[],
      payloads text, sources text[], statuses text[], received_ats timestamptz[], next_attempt_ats timestamptz[]
    ) returns table (connection_id text, stripe_event_id text)
    language plpgsql
    set plan_cache_mode = force_generic_plan
    as $$
    #variable_conflict use_column
    begin
      return query
      with incoming as (
        select * from unnest(
          ids, connection_ids, tenant_ids, stripe_event_ids, types, livemodes, api_versions, stripe_createds,
          object_ids, object_types, string_to_array(payloads, E'\\x1e'), sources, statuses, received_ats, next_attempt_ats
        ) as incoming(id, connection_id, tenant_id, stripe_event_id, type, livemode, api_version, stripe_created,
                      object_id, object_type, payload, source, status, received_at, next_attempt_at)
      ), fresh as (
        insert into event_keys as k (tenant_id, connection_id, stripe_event_id, event_id, received_at)
        select i.tenant_id, i.connection_id, i.stripe_event_id, i.id, i.received_at from incoming i
        on conflict do nothing
        returning k.event_id
      )
      insert into events as e (id, connection_id, tenant_id, stripe_event_id, type, livemode, api_version, stripe_created,
                               object_id, object_type, payload, source, status, received_at, next_attempt_at)
      select i.id, i.connection_id, i.tenant_id, i.stripe_event_id, i.type, i.livemode, i.api_version, i.stripe_created,
             i.object_id, i.object_type, i.payload, i.source, i.status, i.received_at, i.next_attempt_at
      from incoming i join fresh f on f.event_id = i.id
      returning e.connection_id, e.stripe_event_id;
    end
    $$`.execute(db);
}
