CREATE TABLE "library_sync_state" (
	"id" text PRIMARY KEY NOT NULL,
	"files_hash" text NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL
);
