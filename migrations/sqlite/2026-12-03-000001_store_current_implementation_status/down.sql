DROP TRIGGER IF EXISTS implementation_reports_current;
DROP INDEX IF EXISTS recommendations_status_idx;
ALTER TABLE recommendations DROP COLUMN current_implementation_status;
