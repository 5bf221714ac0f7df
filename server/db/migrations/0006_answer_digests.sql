CREATE TABLE "answer_digests" (
	"product_version_id" uuid PRIMARY KEY NOT NULL,
	"threads" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "answer_digests" ADD CONSTRAINT "answer_digests_product_version_id_product_versions_id_fk" FOREIGN KEY ("product_version_id") REFERENCES "public"."product_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- One entry per thread with a current answer, separated by ';':
--   key|major,answer id,status,valid until (or empty)[,newest review's decision,its expiry in epoch
--   milliseconds,1 if it reviewed the current answer else 0]
-- The review part is left out when the thread has never been reviewed.
-- Concurrent writers to the same product version take turns: the first statement locks the
-- product versions (a lock that does not block the key-share locks of foreign-key checks), and
-- each later statement of this volatile function reads what the other transaction committed.
CREATE FUNCTION answer_digests_refresh(version_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  SELECT 1 FROM product_versions WHERE id = ANY (version_ids) ORDER BY id FOR NO KEY UPDATE;
  DELETE FROM answer_digests WHERE product_version_id = ANY (version_ids);
  INSERT INTO answer_digests (product_version_id, threads)
  SELECT a.product_version_id,
         string_agg(concat_ws(',', a.library_key || '|' || a.library_major, a.id, a.status, coalesce(a.valid_until::text, ''),
                              r.decision, floor(extract(epoch FROM r.expires_at) * 1000)::bigint, (r.answer_id = a.id)::int), ';')
  FROM answers a
  LEFT JOIN LATERAL (
    SELECT v.decision, v.expires_at, v.answer_id
    FROM answers t JOIN verifications v ON v.answer_id = t.id
    WHERE t.library_key = a.library_key AND t.library_major = a.library_major AND t.product_version_id = a.product_version_id
    ORDER BY v.decided_at DESC, v.id DESC
    LIMIT 1
  ) r ON true
  WHERE a.is_current AND a.product_version_id = ANY (version_ids)
  GROUP BY a.product_version_id;
$$;
--> statement-breakpoint
CREATE FUNCTION answer_digests_after_answers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM answer_digests_refresh(ARRAY(SELECT DISTINCT product_version_id FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM answer_digests_refresh(ARRAY(SELECT product_version_id FROM new_rows UNION SELECT product_version_id FROM old_rows));
  ELSE
    PERFORM answer_digests_refresh(ARRAY(SELECT DISTINCT product_version_id FROM old_rows));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION answer_digests_after_verifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM answer_digests_refresh(ARRAY(SELECT DISTINCT a.product_version_id FROM new_rows n JOIN answers a ON a.id = n.answer_id));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM answer_digests_refresh(ARRAY(
      SELECT a.product_version_id FROM new_rows n JOIN answers a ON a.id = n.answer_id
      UNION SELECT a.product_version_id FROM old_rows o JOIN answers a ON a.id = o.answer_id));
  ELSE
    PERFORM answer_digests_refresh(ARRAY(SELECT DISTINCT a.product_version_id FROM old_rows o JOIN answers a ON a.id = o.answer_id));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER answers_digest_insert AFTER INSERT ON answers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION answer_digests_after_answers();
--> statement-breakpoint
CREATE TRIGGER answers_digest_update AFTER UPDATE ON answers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION answer_digests_after_answers();
--> statement-breakpoint
CREATE TRIGGER answers_digest_delete AFTER DELETE ON answers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION answer_digests_after_answers();
--> statement-breakpoint
CREATE TRIGGER verifications_digest_insert AFTER INSERT ON verifications REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION answer_digests_after_verifications();
--> statement-breakpoint
CREATE TRIGGER verifications_digest_update AFTER UPDATE ON verifications REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION answer_digests_after_verifications();
--> statement-breakpoint
CREATE TRIGGER verifications_digest_delete AFTER DELETE ON verifications REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION answer_digests_after_verifications();
--> statement-breakpoint
SELECT answer_digests_refresh(ARRAY(SELECT DISTINCT product_version_id FROM answers WHERE is_current));
