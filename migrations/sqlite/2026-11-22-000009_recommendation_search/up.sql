-- Full-text search of recommendations (FTS5, English words stemmed by the porter tokenizer), kept in step with the
-- table by triggers. Chinese text is searched as a substring, since no built-in tokenizer segments Chinese.
CREATE VIRTUAL TABLE recommendations_fts USING fts5(
    text_en, text_zh, content = 'recommendations', content_rowid = 'id', tokenize = 'porter unicode61'
);
INSERT INTO recommendations_fts (recommendations_fts) VALUES ('rebuild');

CREATE TRIGGER recommendations_fts_insert AFTER INSERT ON recommendations BEGIN
    INSERT INTO recommendations_fts (rowid, text_en, text_zh) VALUES (new.id, new.text_en, new.text_zh);
END;
CREATE TRIGGER recommendations_fts_delete AFTER DELETE ON recommendations BEGIN
    INSERT INTO recommendations_fts (recommendations_fts, rowid, text_en, text_zh)
    VALUES ('delete', old.id, old.text_en, old.text_zh);
END;
CREATE TRIGGER recommendations_fts_update AFTER UPDATE OF text_en, text_zh ON recommendations BEGIN
    INSERT INTO recommendations_fts (recommendations_fts, rowid, text_en, text_zh)
    VALUES ('delete', old.id, old.text_en, old.text_zh);
    INSERT INTO recommendations_fts (rowid, text_en, text_zh) VALUES (new.id, new.text_en, new.text_zh);
END;
