DROP INDEX reports_requested_by_idx;
ALTER TABLE reports DROP COLUMN requested_by_id;
