-- A recommendation's current implementation status is its latest report's (by date, then id). It was derived on
-- every read with an anti-join over the reports; counting a million recommendations by status and regional group
-- spent nearly all its time there. It is now stored on the recommendation and kept by a trigger: reports are
-- append-only, so an insert is the only change that can move it.
ALTER TABLE recommendations ADD COLUMN current_implementation_status TEXT
    CHECK (current_implementation_status IN ('NOT_STARTED', 'IN_PROGRESS', 'PARTIALLY_IMPLEMENTED', 'FULLY_IMPLEMENTED'));

UPDATE recommendations r SET current_implementation_status = latest.status
FROM (
    SELECT DISTINCT ON (recommendation_id) recommendation_id, status
    FROM implementation_reports
    ORDER BY recommendation_id, reported_on DESC, id DESC
) latest
WHERE latest.recommendation_id = r.id;

-- Once per statement, over the rows it inserted: a bulk load of a million reports updates each recommendation once.
CREATE FUNCTION implementation_reports_set_current() RETURNS trigger AS $$
BEGIN
    UPDATE recommendations r SET current_implementation_status = (
        SELECT i.status FROM implementation_reports i WHERE i.recommendation_id = r.id
        ORDER BY i.reported_on DESC, i.id DESC LIMIT 1
    )
    WHERE r.id IN (SELECT DISTINCT recommendation_id FROM inserted_reports);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER implementation_reports_current AFTER INSERT ON implementation_reports
    REFERENCING NEW TABLE AS inserted_reports
    FOR EACH STATEMENT EXECUTE FUNCTION implementation_reports_set_current();

CREATE INDEX recommendations_status_idx ON recommendations (current_implementation_status, id);
