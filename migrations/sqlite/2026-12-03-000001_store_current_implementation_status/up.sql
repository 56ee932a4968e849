-- A recommendation's current implementation status is its latest report's (by date, then id), stored on the
-- recommendation and kept by a trigger (reports are append-only, so an insert is the only change that can move it).
-- It was derived on every read with an anti-join over the reports.
ALTER TABLE recommendations ADD COLUMN current_implementation_status TEXT
    CHECK (current_implementation_status IN ('NOT_STARTED', 'IN_PROGRESS', 'PARTIALLY_IMPLEMENTED', 'FULLY_IMPLEMENTED'));

UPDATE recommendations SET current_implementation_status = (
    SELECT i.status FROM implementation_reports i WHERE i.recommendation_id = recommendations.id
    ORDER BY i.reported_on DESC, i.id DESC LIMIT 1
);

CREATE TRIGGER implementation_reports_current AFTER INSERT ON implementation_reports BEGIN
    UPDATE recommendations SET current_implementation_status = (
        SELECT i.status FROM implementation_reports i WHERE i.recommendation_id = new.recommendation_id
        ORDER BY i.reported_on DESC, i.id DESC LIMIT 1
    )
    WHERE id = new.recommendation_id;
END;

CREATE INDEX recommendations_status_idx ON recommendations (current_implementation_status, id);
