DROP INDEX recommendations_search_idx;
ALTER TABLE recommendations DROP COLUMN search_vector;
