CREATE TABLE "library_sources" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"publisher" text NOT NULL,
	"url" text NOT NULL,
	"kind" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "library_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"version" text,
	"major" integer,
	"minor" integer,
	"patch" integer,
	"status" text NOT NULL,
	"owner_organisation_id" uuid,
	"origin" text NOT NULL,
	"base_version" text,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"type" text NOT NULL,
	"weight" integer NOT NULL,
	"themes" integer[] NOT NULL,
	"title" jsonb NOT NULL,
	"text" jsonb NOT NULL,
	"rationale" jsonb NOT NULL,
	"response_guidance" jsonb NOT NULL,
	"parameters" jsonb NOT NULL,
	"references" jsonb NOT NULL,
	"verification" jsonb NOT NULL,
	"evidence" jsonb NOT NULL,
	"domains" text[] NOT NULL,
	"tags" text[] NOT NULL,
	"source_ids" text[] NOT NULL,
	"keywords" text NOT NULL,
	"supersedes" text,
	"replaced_by" text,
	"change_note" jsonb,
	"content_hash" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"search_nb" "tsvector" GENERATED ALWAYS AS (
  setweight(to_tsvector('norwegian'::regconfig, key || ' ' || coalesce(title->>'nb', '')), 'A') ||
  setweight(to_tsvector('norwegian'::regconfig, coalesce(text->>'nb', '') || ' ' || keywords), 'B') ||
  setweight(to_tsvector('norwegian'::regconfig, coalesce(rationale->>'nb', '') || ' ' || coalesce(response_guidance->>'nb', '') || ' ' || coalesce(verification->'text'->>'nb', '')), 'C')) STORED,
	"search_en" "tsvector" GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, key || ' ' || coalesce(title->>'en', '')), 'A') ||
  setweight(to_tsvector('english'::regconfig, coalesce(text->>'en', '') || ' ' || keywords), 'B') ||
  setweight(to_tsvector('english'::regconfig, coalesce(rationale->>'en', '') || ' ' || coalesce(response_guidance->>'en', '') || ' ' || coalesce(verification->'text'->>'en', '')), 'C')) STORED,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "library_versions_status_check" CHECK ("library_versions"."status" in ('draft', 'published', 'deprecated')),
	CONSTRAINT "library_versions_version_check" CHECK (("library_versions"."status" = 'draft') or ("library_versions"."version" is not null))
);
--> statement-breakpoint
ALTER TABLE "library_versions" ADD CONSTRAINT "library_versions_owner_organisation_id_organisations_id_fk" FOREIGN KEY ("owner_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_versions" ADD CONSTRAINT "library_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "library_versions_key_version_unique" ON "library_versions" USING btree ("key","version");--> statement-breakpoint
CREATE UNIQUE INDEX "library_versions_one_draft_per_owner" ON "library_versions" USING btree ("key",coalesce("owner_organisation_id", '00000000-0000-0000-0000-000000000000'::uuid)) WHERE "library_versions"."status" = 'draft';--> statement-breakpoint
CREATE INDEX "library_versions_key_idx" ON "library_versions" USING btree ("key","major","minor","patch");--> statement-breakpoint
CREATE INDEX "library_versions_search_nb_idx" ON "library_versions" USING gin ("search_nb");--> statement-breakpoint
CREATE INDEX "library_versions_search_en_idx" ON "library_versions" USING gin ("search_en");--> statement-breakpoint
CREATE INDEX "library_versions_category_idx" ON "library_versions" USING btree ("category");