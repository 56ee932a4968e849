DROP TRIGGER IF EXISTS implementation_reports_current ON implementation_reports;
DROP FUNCTION IF EXISTS implementation_reports_set_current();
DROP INDEX IF EXISTS recommendations_status_idx;
ALTER TABLE recommendations DROP COLUMN IF EXISTS current_implementation_status;
