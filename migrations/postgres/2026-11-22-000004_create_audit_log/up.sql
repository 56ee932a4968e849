-- Who changed what: one row per write, in the write's own transaction.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    -- JSON: the fields changed, with their values before and after.
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_key, id);
