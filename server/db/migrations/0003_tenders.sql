CREATE TABLE "library_selections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"keys" text[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tender_co_buyers" (
	"tender_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"can_edit" boolean DEFAULT false NOT NULL,
	CONSTRAINT "tender_co_buyers_tender_id_organisation_id_pk" PRIMARY KEY("tender_id","organisation_id")
);
--> statement-breakpoint
CREATE TABLE "tender_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tender_id" uuid NOT NULL,
	"section_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"library_key" text,
	"library_version" text,
	"custom_key" text,
	"kind" text NOT NULL,
	"type" text NOT NULL,
	"weight" integer DEFAULT 0 NOT NULL,
	"parameter_values" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"custom_title" text,
	"custom_text" text,
	"custom_guidance" text,
	CONSTRAINT "tender_items_source_check" CHECK (("tender_items"."library_key" is not null and "tender_items"."library_version" is not null) or ("tender_items"."custom_key" is not null and "tender_items"."custom_title" is not null and "tender_items"."custom_text" is not null))
);
--> statement-breakpoint
CREATE TABLE "tender_responses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tender_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"vendor_name" text NOT NULL,
	"answers" jsonb NOT NULL,
	"file_sha256" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_by" uuid
);
--> statement-breakpoint
CREATE TABLE "tender_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tender_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"model" jsonb NOT NULL,
	"requirement_set" jsonb NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_by" uuid
);
--> statement-breakpoint
CREATE TABLE "tender_sections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tender_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"category" text
);
--> statement-breakpoint
CREATE TABLE "tenders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"buyer_organisation_id" uuid NOT NULL,
	"title" text NOT NULL,
	"reference" text NOT NULL,
	"domain" text,
	"description" text DEFAULT '' NOT NULL,
	"language" text NOT NULL,
	"contact_name" text DEFAULT '' NOT NULL,
	"contact_email" text DEFAULT '' NOT NULL,
	"deadline" date,
	"status" text DEFAULT 'draft' NOT NULL,
	"current_revision" integer DEFAULT 0 NOT NULL,
	"has_unissued_changes" boolean DEFAULT true NOT NULL,
	"parameter_defaults" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenders_status_check" CHECK ("tenders"."status" in ('draft', 'issued', 'closed')),
	CONSTRAINT "tenders_language_check" CHECK ("tenders"."language" in ('nb', 'en'))
);
--> statement-breakpoint
ALTER TABLE "library_selections" ADD CONSTRAINT "library_selections_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_selections" ADD CONSTRAINT "library_selections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tender_co_buyers" ADD CONSTRAINT "tender_co_buyers_tender_id_tenders_id_fk" FOREIGN KEY ("tender_id") REFERENCES "public"."tenders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tender_co_buyers" ADD CONSTRAINT "tender_co_buyers_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tender_items" ADD CONSTRAINT "tender_items_tender_id_tenders_id_fk" FOREIGN KEY ("tender_id") REFERENCES "public"."tenders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tender_items" ADD CONSTRAINT "tender_items_section_id_tender_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."tender_sections"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tender_responses" ADD CONSTRAINT "tender_responses_tender_id_tenders_id_fk" FOREIGN KEY ("tender_id") REFERENCES "public"."tenders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tender_responses" ADD CONSTRAINT "tender_responses_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tender_revisions" ADD CONSTRAINT "tender_revisions_tender_id_tenders_id_fk" FOREIGN KEY ("tender_id") REFERENCES "public"."tenders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tender_revisions" ADD CONSTRAINT "tender_revisions_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tender_sections" ADD CONSTRAINT "tender_sections_tender_id_tenders_id_fk" FOREIGN KEY ("tender_id") REFERENCES "public"."tenders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenders" ADD CONSTRAINT "tenders_buyer_organisation_id_organisations_id_fk" FOREIGN KEY ("buyer_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenders" ADD CONSTRAINT "tenders_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "library_selections_name_unique" ON "library_selections" USING btree ("organisation_id",lower("name"));--> statement-breakpoint
CREATE INDEX "tender_co_buyers_org_idx" ON "tender_co_buyers" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "tender_items_tender_idx" ON "tender_items" USING btree ("tender_id","section_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "tender_items_library_unique" ON "tender_items" USING btree ("tender_id","library_key") WHERE "tender_items"."library_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "tender_items_custom_unique" ON "tender_items" USING btree ("tender_id","custom_key") WHERE "tender_items"."custom_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "tender_responses_vendor_unique" ON "tender_responses" USING btree ("tender_id","revision",lower("vendor_name"));--> statement-breakpoint
CREATE UNIQUE INDEX "tender_revisions_unique" ON "tender_revisions" USING btree ("tender_id","revision");--> statement-breakpoint
CREATE INDEX "tender_sections_tender_idx" ON "tender_sections" USING btree ("tender_id","position");--> statement-breakpoint
CREATE INDEX "tenders_buyer_idx" ON "tenders" USING btree ("buyer_organisation_id","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tenders_reference_unique" ON "tenders" USING btree ("buyer_organisation_id",lower("reference"));