CREATE TABLE "joint_set_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"revision_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"author_id" uuid,
	"author_name" text NOT NULL,
	"position" text NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolution" text,
	"response" text,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "joint_set_comments_position_check" CHECK ("joint_set_comments"."position" in ('agree', 'change', 'object')),
	CONSTRAINT "joint_set_comments_resolution_check" CHECK ("joint_set_comments"."resolution" is null or "joint_set_comments"."resolution" in ('accepted', 'rejected', 'noted'))
);
--> statement-breakpoint
CREATE TABLE "joint_set_deviations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"revision_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"library_key" text NOT NULL,
	"kind" text NOT NULL,
	"type" text,
	"weight" integer,
	"parameter_values" jsonb,
	"justification" text NOT NULL,
	"created_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "joint_set_deviations_kind_check" CHECK ("joint_set_deviations"."kind" in ('exclude', 'change'))
);
--> statement-breakpoint
CREATE TABLE "joint_set_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"revision_id" uuid NOT NULL,
	"section_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"library_key" text NOT NULL,
	"library_version" text NOT NULL,
	"type" text NOT NULL,
	"weight" integer DEFAULT 0 NOT NULL,
	"parameter_values" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "joint_set_participants" (
	"joint_set_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"status" text DEFAULT 'invited' NOT NULL,
	"invited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"responded_at" timestamp with time zone,
	"responded_by" uuid,
	CONSTRAINT "joint_set_participants_joint_set_id_organisation_id_pk" PRIMARY KEY("joint_set_id","organisation_id"),
	CONSTRAINT "joint_set_participants_status_check" CHECK ("joint_set_participants"."status" in ('invited', 'accepted', 'declined'))
);
--> statement-breakpoint
CREATE TABLE "joint_set_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"joint_set_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"based_on_number" integer,
	"change_note" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"consultation_started_at" timestamp with time zone,
	"adopted_at" timestamp with time zone,
	"adopted_by" uuid,
	"superseded_at" timestamp with time zone,
	"imported_at" timestamp with time zone,
	"imported_signoffs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "joint_set_revisions_status_check" CHECK ("joint_set_revisions"."status" in ('draft', 'consultation', 'adopted', 'superseded'))
);
--> statement-breakpoint
CREATE TABLE "joint_set_sections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"revision_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "joint_set_signoffs" (
	"revision_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"user_id" uuid,
	"user_name" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "joint_set_signoffs_revision_id_organisation_id_pk" PRIMARY KEY("revision_id","organisation_id"),
	CONSTRAINT "joint_set_signoffs_decision_check" CHECK ("joint_set_signoffs"."decision" in ('signed', 'declined'))
);
--> statement-breakpoint
CREATE TABLE "joint_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"domain" text,
	"coordinator_organisation_id" uuid NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tender_items" ADD COLUMN "joint_set_deviation_id" uuid;--> statement-breakpoint
ALTER TABLE "tenders" ADD COLUMN "joint_set_revision_id" uuid;--> statement-breakpoint
ALTER TABLE "assessment_profiles" ADD COLUMN "joint_set_revision_id" uuid;--> statement-breakpoint
ALTER TABLE "joint_set_comments" ADD CONSTRAINT "joint_set_comments_revision_id_joint_set_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."joint_set_revisions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_comments" ADD CONSTRAINT "joint_set_comments_item_id_joint_set_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."joint_set_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_comments" ADD CONSTRAINT "joint_set_comments_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_comments" ADD CONSTRAINT "joint_set_comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_comments" ADD CONSTRAINT "joint_set_comments_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_deviations" ADD CONSTRAINT "joint_set_deviations_revision_id_joint_set_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."joint_set_revisions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_deviations" ADD CONSTRAINT "joint_set_deviations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_deviations" ADD CONSTRAINT "joint_set_deviations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_items" ADD CONSTRAINT "joint_set_items_revision_id_joint_set_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."joint_set_revisions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_items" ADD CONSTRAINT "joint_set_items_section_id_joint_set_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."joint_set_sections"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_participants" ADD CONSTRAINT "joint_set_participants_joint_set_id_joint_sets_id_fk" FOREIGN KEY ("joint_set_id") REFERENCES "public"."joint_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_participants" ADD CONSTRAINT "joint_set_participants_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_participants" ADD CONSTRAINT "joint_set_participants_responded_by_users_id_fk" FOREIGN KEY ("responded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_revisions" ADD CONSTRAINT "joint_set_revisions_joint_set_id_joint_sets_id_fk" FOREIGN KEY ("joint_set_id") REFERENCES "public"."joint_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_revisions" ADD CONSTRAINT "joint_set_revisions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_revisions" ADD CONSTRAINT "joint_set_revisions_adopted_by_users_id_fk" FOREIGN KEY ("adopted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_sections" ADD CONSTRAINT "joint_set_sections_revision_id_joint_set_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."joint_set_revisions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_signoffs" ADD CONSTRAINT "joint_set_signoffs_revision_id_joint_set_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."joint_set_revisions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_signoffs" ADD CONSTRAINT "joint_set_signoffs_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_set_signoffs" ADD CONSTRAINT "joint_set_signoffs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_sets" ADD CONSTRAINT "joint_sets_coordinator_organisation_id_organisations_id_fk" FOREIGN KEY ("coordinator_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_sets" ADD CONSTRAINT "joint_sets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "joint_set_comments_revision_idx" ON "joint_set_comments" USING btree ("revision_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "joint_set_deviations_unique" ON "joint_set_deviations" USING btree ("revision_id","organisation_id","library_key");--> statement-breakpoint
CREATE INDEX "joint_set_items_revision_idx" ON "joint_set_items" USING btree ("revision_id","section_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "joint_set_items_key_unique" ON "joint_set_items" USING btree ("revision_id","library_key");--> statement-breakpoint
CREATE INDEX "joint_set_participants_org_idx" ON "joint_set_participants" USING btree ("organisation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "joint_set_revisions_number_unique" ON "joint_set_revisions" USING btree ("joint_set_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "joint_set_revisions_one_open" ON "joint_set_revisions" USING btree ("joint_set_id") WHERE "joint_set_revisions"."status" in ('draft', 'consultation');--> statement-breakpoint
CREATE UNIQUE INDEX "joint_set_revisions_one_adopted" ON "joint_set_revisions" USING btree ("joint_set_id") WHERE "joint_set_revisions"."status" = 'adopted';--> statement-breakpoint
CREATE INDEX "joint_set_sections_revision_idx" ON "joint_set_sections" USING btree ("revision_id","position");--> statement-breakpoint
ALTER TABLE "tender_items" ADD CONSTRAINT "tender_items_joint_set_deviation_id_joint_set_deviations_id_fk" FOREIGN KEY ("joint_set_deviation_id") REFERENCES "public"."joint_set_deviations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenders" ADD CONSTRAINT "tenders_joint_set_revision_id_joint_set_revisions_id_fk" FOREIGN KEY ("joint_set_revision_id") REFERENCES "public"."joint_set_revisions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_profiles" ADD CONSTRAINT "assessment_profiles_joint_set_revision_id_joint_set_revisions_id_fk" FOREIGN KEY ("joint_set_revision_id") REFERENCES "public"."joint_set_revisions"("id") ON DELETE set null ON UPDATE no action;