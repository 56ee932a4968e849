-- The resolution that requested a report (A/HRC/43/37 was submitted under resolution 38/18), where a source says.
ALTER TABLE reports ADD COLUMN requested_by_id BIGINT REFERENCES resolutions (id);
CREATE INDEX reports_requested_by_idx ON reports (requested_by_id);
