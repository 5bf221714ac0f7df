-- A stamp per domain of read-mostly data, raised by every statement that writes to the domain's
-- tables, in that statement's transaction: a reader that sees a stamp also sees every write it
-- counts. Instances cache what they read under the stamp (server/db/stamps.ts). The trigger fires
-- BEFORE the statement, so a transaction takes the stamp's row lock before any row lock of the
-- domain's tables, always in that order.
CREATE TABLE "data_stamps" (
	"domain" text PRIMARY KEY NOT NULL,
	"stamp" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
INSERT INTO "data_stamps" ("domain", "stamp") VALUES ('library', 1);
--> statement-breakpoint
CREATE FUNCTION data_stamps_raise() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_stamps SET stamp = stamp + 1 WHERE domain = TG_ARGV[0];
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER library_versions_stamp BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON library_versions
FOR EACH STATEMENT EXECUTE FUNCTION data_stamps_raise('library');
--> statement-breakpoint
CREATE TRIGGER library_sources_stamp BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON library_sources
FOR EACH STATEMENT EXECUTE FUNCTION data_stamps_raise('library');
--> statement-breakpoint
CREATE TRIGGER library_packs_stamp BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON library_packs
FOR EACH STATEMENT EXECUTE FUNCTION data_stamps_raise('library');
