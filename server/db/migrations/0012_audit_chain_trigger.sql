-- The audit log as a hash chain, so that a change, removal or insertion made directly in the
-- database shows. One chain per organisation, and the chain 'installation' for entries that
-- belong to no organisation. The trigger fills the chain columns in the transaction that writes
-- the entry, under an advisory lock per chain, so several app instances writing at once still
-- build one unbroken sequence; the unique index on (chain, chain_seq) refuses a fork outright.
--
-- An entry's hash is the SHA-256 of its canonical content: a JSON array of its fields, as
-- PostgreSQL writes a jsonb value as text (docs/export-format.md gives the exact rules, so the
-- chain can be checked offline from an export). The time is kept to the millisecond, the
-- precision every JSON reader keeps.
CREATE FUNCTION audit_log_entry_hash(
  id bigint, occurred_at timestamptz, actor_user_id uuid, actor_email text, organisation_id uuid,
  action text, entity_type text, entity_id text, before jsonb, after jsonb, request_id text, ip text,
  chain text, chain_seq bigint, previous_hash text
) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), actor_user_id, actor_email,
    organisation_id, action, entity_type, entity_id, before, after, request_id, ip, chain, chain_seq, previous_hash
  )::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
CREATE FUNCTION audit_log_chain_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  NEW.occurred_at := date_trunc('milliseconds', NEW.occurred_at);
  NEW.chain := coalesce(NEW.organisation_id::text, 'installation');
  PERFORM pg_advisory_xact_lock(7311024, hashtext(NEW.chain));
  SELECT a.chain_seq, a.entry_hash INTO last_seq, last_hash
    FROM audit_log a WHERE a.chain = NEW.chain ORDER BY a.chain_seq DESC LIMIT 1;
  NEW.chain_seq := coalesce(last_seq, 0) + 1;
  NEW.previous_hash := last_hash;
  NEW.entry_hash := audit_log_entry_hash(
    NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_email, NEW.organisation_id, NEW.action,
    NEW.entity_type, NEW.entity_id, NEW.before, NEW.after, NEW.request_id, NEW.ip,
    NEW.chain, NEW.chain_seq, NEW.previous_hash);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_chain_entry();
--> statement-breakpoint
-- Existing entries join their chains in the order they were written. The append-only trigger
-- is lifted for this one backfill only, inside the migration's transaction.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
--> statement-breakpoint
DO $$
DECLARE
  entry record;
  entry_chain text;
  last_seq bigint;
  last_hash text;
  truncated timestamptz;
BEGIN
  FOR entry IN SELECT * FROM audit_log WHERE entry_hash IS NULL ORDER BY id LOOP
    entry_chain := coalesce(entry.organisation_id::text, 'installation');
    truncated := date_trunc('milliseconds', entry.occurred_at);
    SELECT a.chain_seq, a.entry_hash INTO last_seq, last_hash
      FROM audit_log a WHERE a.chain = entry_chain ORDER BY a.chain_seq DESC LIMIT 1;
    UPDATE audit_log SET
      occurred_at = truncated,
      chain = entry_chain,
      chain_seq = coalesce(last_seq, 0) + 1,
      previous_hash = last_hash,
      entry_hash = audit_log_entry_hash(
        entry.id, truncated, entry.actor_user_id, entry.actor_email, entry.organisation_id, entry.action,
        entry.entity_type, entry.entity_id, entry.before, entry.after, entry.request_id, entry.ip,
        entry_chain, coalesce(last_seq, 0) + 1, last_hash)
    WHERE id = entry.id;
  END LOOP;
END;
$$;
--> statement-breakpoint
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
