DROP INDEX IF EXISTS visits_mandate_latest_idx;
