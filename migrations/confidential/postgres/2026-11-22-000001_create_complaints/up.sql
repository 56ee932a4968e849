-- The confidential complaint procedure (Council resolution 5/1, part IV). These tables live in the schema
-- `complaints`, owned by the complaint store's own database role: the API's ordinary role has no privilege on it.
-- The connection sets `search_path` to that schema, so the names here are unqualified.

CREATE TABLE complaint_situations (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    -- ISO 3166-1 alpha-3 code of the State concerned (checked against the public reference data on write).
    country_iso3 TEXT NOT NULL CHECK (country_iso3 ~ '^[A-Z]{3}$'),
    status TEXT NOT NULL CHECK (status IN ('UNDER_WGS_REVIEW', 'REFERRED_TO_COUNCIL', 'KEPT_UNDER_REVIEW_BY_COUNCIL',
        'DISCONTINUED_BY_COUNCIL', 'INDEPENDENT_EXPERT_APPOINTED', 'TAKEN_UP_PUBLICLY')),
    summary TEXT NOT NULL,
    opened_on DATE NOT NULL,
    referred_on DATE,
    -- Generated demonstration data, never real.
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((status = 'UNDER_WGS_REVIEW') = (referred_on IS NULL))
);
CREATE INDEX complaint_situations_country_idx ON complaint_situations (country_iso3, id);

CREATE TABLE complaint_communications (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    received_on DATE NOT NULL,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('INDIVIDUAL', 'GROUP', 'NON_GOVERNMENTAL_ORGANIZATION')),
    country_iso3 TEXT NOT NULL CHECK (country_iso3 ~ '^[A-Z]{3}$'),
    -- One right per line.
    rights_alleged TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('RECEIVED', 'SCREENED_OUT', 'TRANSMITTED_TO_STATE', 'STATE_REPLIED',
        'ASSESSED_BY_WGC', 'REFERRED_TO_WGS', 'DISCONTINUED', 'KEPT_UNDER_REVIEW', 'INFORMATION_REQUESTED',
        'REFERRED_TO_COUNCIL')),
    situation_id BIGINT REFERENCES complaint_situations (id),
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_communications_country_idx ON complaint_communications (country_iso3, id);
CREATE INDEX complaint_communications_situation_idx ON complaint_communications (situation_id, id);

-- Author identities, apart from the communication so that no query of it can reach them by accident.
CREATE TABLE complaint_authors (
    communication_id BIGINT PRIMARY KEY REFERENCES complaint_communications (id),
    name TEXT NOT NULL,
    contact TEXT NOT NULL
);

-- Every transition of a communication or a situation, with its actor and time.
CREATE TABLE complaint_events (
    id BIGSERIAL PRIMARY KEY,
    communication_id BIGINT REFERENCES complaint_communications (id),
    situation_id BIGINT REFERENCES complaint_situations (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL,
    CHECK ((communication_id IS NULL) <> (situation_id IS NULL))
);
CREATE INDEX complaint_events_communication_idx ON complaint_events (communication_id, id);
CREATE INDEX complaint_events_situation_idx ON complaint_events (situation_id, id);

-- The Council's decisions on a situation referred to it.
CREATE TABLE complaint_council_decisions (
    id BIGSERIAL PRIMARY KEY,
    situation_id BIGINT NOT NULL REFERENCES complaint_situations (id),
    decision TEXT NOT NULL CHECK (decision IN ('DISCONTINUE', 'KEEP_UNDER_REVIEW', 'APPOINT_INDEPENDENT_EXPERT',
        'TAKE_UP_PUBLICLY')),
    decided_on DATE NOT NULL,
    session_number INTEGER CHECK (session_number > 0),
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_council_decisions_situation_idx ON complaint_council_decisions (situation_id, id);

-- Every read and write of the store: who, what, when, under which request. Append-only.
CREATE TABLE complaint_audit_log (
    id BIGSERIAL PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    roles TEXT NOT NULL,
    request_id TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    -- The references read or written (never their content).
    entity_keys TEXT NOT NULL
);
CREATE INDEX complaint_audit_log_actor_idx ON complaint_audit_log (actor, id);

CREATE FUNCTION complaint_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER complaint_audit_log_append_only BEFORE UPDATE OR DELETE ON complaint_audit_log
    FOR EACH ROW EXECUTE FUNCTION complaint_append_only();
CREATE TRIGGER complaint_events_append_only BEFORE UPDATE OR DELETE ON complaint_events
    FOR EACH ROW EXECUTE FUNCTION complaint_append_only();
CREATE TRIGGER complaint_council_decisions_append_only BEFORE UPDATE OR DELETE ON complaint_council_decisions
    FOR EACH ROW EXECUTE FUNCTION complaint_append_only();
