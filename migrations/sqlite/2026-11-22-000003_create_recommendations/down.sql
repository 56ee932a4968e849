DROP TRIGGER implementation_reports_no_delete;
DROP TRIGGER implementation_reports_no_update;
DROP TABLE implementation_reports;
DROP TABLE recommendation_sdg_targets;
DROP TABLE recommendations;
