-- Recommendations, their SDG targets, and the append-only history of their implementation.

CREATE TABLE recommendations (
    id BIGSERIAL PRIMARY KEY,
    -- Stable source identity: document symbol and paragraph, such as `A/HRC/43/37:69(a)`.
    key TEXT NOT NULL UNIQUE,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('UPR', 'SPECIAL_PROCEDURE', 'TREATY_BODY', 'INVESTIGATIVE_BODY', 'REPORT')),
    mechanism_id BIGINT REFERENCES mechanisms (id),
    mandate_id BIGINT REFERENCES mandates (id),
    report_id BIGINT REFERENCES reports (id),
    paragraph TEXT,
    addressee TEXT NOT NULL CHECK (addressee IN ('STATE', 'HUMAN_RIGHTS_COUNCIL', 'OHCHR', 'OTHER')),
    -- The State addressed (the State under review, for the UPR).
    country_id BIGINT REFERENCES countries (id),
    recommending_country_id BIGINT REFERENCES countries (id),
    upr_cycle INTEGER CHECK (upr_cycle BETWEEN 1 AND 4),
    session_id BIGINT REFERENCES sessions (id),
    response TEXT CHECK (response IN ('SUPPORTED', 'NOTED', 'PENDING')),
    text_en TEXT,
    text_zh TEXT,
    priority BOOLEAN NOT NULL,
    cluster TEXT,
    -- Generated demonstration data, never real: flagged on every row.
    fictional BOOLEAN NOT NULL,
    -- Optimistic concurrency: an update names the version it read and fails if another landed first.
    version INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (text_en IS NOT NULL OR text_zh IS NOT NULL),
    CHECK ((addressee = 'STATE') = (country_id IS NOT NULL))
);
CREATE INDEX recommendations_country_idx ON recommendations (country_id, id);
CREATE INDEX recommendations_mechanism_idx ON recommendations (mechanism_id, id);
CREATE INDEX recommendations_report_idx ON recommendations (report_id, id);
CREATE INDEX recommendations_updated_idx ON recommendations (updated_at, id);

CREATE TABLE recommendation_sdg_targets (
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    sdg_target_id BIGINT NOT NULL REFERENCES sdg_targets (id),
    PRIMARY KEY (recommendation_id, sdg_target_id)
);
CREATE INDEX recommendation_sdg_targets_target_idx ON recommendation_sdg_targets (sdg_target_id);

CREATE TABLE implementation_reports (
    id BIGSERIAL PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    status TEXT NOT NULL CHECK (status IN ('NOT_STARTED', 'IN_PROGRESS', 'PARTIALLY_IMPLEMENTED', 'FULLY_IMPLEMENTED')),
    reported_on DATE NOT NULL,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('STATE', 'NATIONAL_MECHANISM', 'MID_TERM_REPORT', 'MANDATE_FOLLOW_UP', 'OTHER')),
    evidence TEXT,
    fictional BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- The latest report of a recommendation is its current status: (recommendation, date, id) finds it by index.
CREATE INDEX implementation_reports_latest_idx ON implementation_reports (recommendation_id, reported_on, id);

-- Append-only: history is corrected by a later report, never by rewriting an earlier one.
CREATE FUNCTION implementation_reports_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'implementation_reports is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER implementation_reports_no_update BEFORE UPDATE OR DELETE ON implementation_reports
    FOR EACH ROW EXECUTE FUNCTION implementation_reports_append_only();
