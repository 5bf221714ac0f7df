CREATE TABLE "library_packs" (
	"key" text PRIMARY KEY NOT NULL,
	"title" jsonb NOT NULL,
	"description" jsonb NOT NULL,
	"domain" text NOT NULL,
	"items" text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
