CREATE TABLE "check_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"answer_id" uuid,
	"product_version_id" uuid,
	"tender_id" uuid,
	"bidder" text,
	"evidence_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"upload_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"requirement_keys" text[] NOT NULL,
	"checks" jsonb NOT NULL,
	"files" jsonb NOT NULL,
	"rule_set_version" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"report" jsonb,
	"error" jsonb,
	"job_id" uuid,
	"rerun_of" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "check_runs_state_check" CHECK ("check_runs"."state" in ('queued', 'running', 'done', 'failed')),
	CONSTRAINT "check_runs_subject_check" CHECK (("check_runs"."answer_id" is not null and "check_runs"."product_version_id" is not null) or "check_runs"."tender_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "check_uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"tender_id" uuid NOT NULL,
	"bidder" text NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "library_versions" ADD COLUMN "checks" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_answer_id_answers_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."answers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_product_version_id_product_versions_id_fk" FOREIGN KEY ("product_version_id") REFERENCES "public"."product_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_tender_id_tenders_id_fk" FOREIGN KEY ("tender_id") REFERENCES "public"."tenders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_uploads" ADD CONSTRAINT "check_uploads_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_uploads" ADD CONSTRAINT "check_uploads_tender_id_tenders_id_fk" FOREIGN KEY ("tender_id") REFERENCES "public"."tenders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_uploads" ADD CONSTRAINT "check_uploads_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_runs_answer_idx" ON "check_runs" USING btree ("answer_id","created_at");--> statement-breakpoint
CREATE INDEX "check_runs_product_version_idx" ON "check_runs" USING btree ("product_version_id","created_at");--> statement-breakpoint
CREATE INDEX "check_runs_tender_idx" ON "check_runs" USING btree ("tender_id","created_at");--> statement-breakpoint
CREATE INDEX "check_uploads_tender_idx" ON "check_uploads" USING btree ("tender_id");