DROP TRIGGER implementation_reports_no_update ON implementation_reports;
DROP FUNCTION implementation_reports_append_only();
DROP TABLE implementation_reports;
DROP TABLE recommendation_sdg_targets;
DROP TABLE recommendations;
