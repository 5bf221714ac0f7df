CREATE INDEX "organisations_name_idx" ON "organisations" USING btree ("name");--> statement-breakpoint
CREATE INDEX "organisations_kind_name_idx" ON "organisations" USING btree ("kind","name");--> statement-breakpoint
CREATE INDEX "joint_set_revisions_status_idx" ON "joint_set_revisions" USING btree ("status","joint_set_id");--> statement-breakpoint
CREATE INDEX "joint_sets_updated_idx" ON "joint_sets" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "tenders_updated_idx" ON "tenders" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "assessment_profiles_owner_idx" ON "assessment_profiles" USING btree ("owner_organisation_id");--> statement-breakpoint
CREATE INDEX "assessment_profiles_visibility_idx" ON "assessment_profiles" USING btree ("visibility");--> statement-breakpoint
CREATE INDEX "identity_providers_display_name_idx" ON "identity_providers" USING btree ("display_name");--> statement-breakpoint
CREATE INDEX "check_runs_organisation_idx" ON "check_runs" USING btree ("organisation_id","created_at");--> statement-breakpoint
CREATE INDEX "check_runs_created_idx" ON "check_runs" USING btree ("created_at");