-- Full-text search of recommendations: English words stemmed, Chinese text kept as written (substring search covers
-- it, since no built-in parser segments Chinese).
ALTER TABLE recommendations ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('english', coalesce(text_en, '')) || to_tsvector('simple', coalesce(text_zh, ''))
) STORED;
CREATE INDEX recommendations_search_idx ON recommendations USING GIN (search_vector);
