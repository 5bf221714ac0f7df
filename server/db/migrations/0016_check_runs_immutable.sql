-- A finished check run (done or failed) is evidence: its report, files and outcome never change.
-- A re-run makes a new row; this refuses any UPDATE of a finished row, whoever makes it.
CREATE FUNCTION check_runs_refuse_change_when_finished() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state IN ('done', 'failed') THEN
    RAISE EXCEPTION 'check run % is finished (%) and cannot be changed; run the check again for a new report', OLD.id, OLD.state
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER check_runs_immutable_when_finished
BEFORE UPDATE ON check_runs
FOR EACH ROW EXECUTE FUNCTION check_runs_refuse_change_when_finished();
