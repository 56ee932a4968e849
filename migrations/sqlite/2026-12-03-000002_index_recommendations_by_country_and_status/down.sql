DROP INDEX IF EXISTS recommendations_country_status_idx;
