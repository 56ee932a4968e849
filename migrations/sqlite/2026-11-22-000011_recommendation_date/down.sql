DROP INDEX recommendations_made_idx;
ALTER TABLE recommendations DROP COLUMN made_on;
