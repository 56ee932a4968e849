-- The day a recommendation was made (the review's adoption, the report's date), where known.
ALTER TABLE recommendations ADD COLUMN made_on DATE;
CREATE INDEX recommendations_made_idx ON recommendations (made_on, id);
