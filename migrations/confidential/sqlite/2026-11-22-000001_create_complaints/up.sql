-- The confidential complaint procedure (Council resolution 5/1, part IV). On PostgreSQL these tables live in the schema
-- `complaints`, owned by the complaint store's own database role.
-- On SQLite the store is a file of its own.

CREATE TABLE complaint_situations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    -- ISO 3166-1 alpha-3 code of the State concerned (checked against the public reference data on write).
    country_iso3 TEXT NOT NULL CHECK (length(country_iso3) = 3 AND country_iso3 = upper(country_iso3)),
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    received_on DATE NOT NULL,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('INDIVIDUAL', 'GROUP', 'NON_GOVERNMENTAL_ORGANIZATION')),
    country_iso3 TEXT NOT NULL CHECK (length(country_iso3) = 3 AND country_iso3 = upper(country_iso3)),
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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

CREATE TRIGGER complaint_audit_log_no_update BEFORE UPDATE ON complaint_audit_log
BEGIN
    SELECT RAISE(ABORT, 'complaint_audit_log is append-only');
END;
CREATE TRIGGER complaint_audit_log_no_delete BEFORE DELETE ON complaint_audit_log
BEGIN
    SELECT RAISE(ABORT, 'complaint_audit_log is append-only');
END;
CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events
BEGIN
    SELECT RAISE(ABORT, 'complaint_events is append-only');
END;
CREATE TRIGGER complaint_events_no_delete BEFORE DELETE ON complaint_events
BEGIN
    SELECT RAISE(ABORT, 'complaint_events is append-only');
END;
CREATE TRIGGER complaint_council_decisions_no_update BEFORE UPDATE ON complaint_council_decisions
BEGIN
    SELECT RAISE(ABORT, 'complaint_council_decisions is append-only');
END;
CREATE TRIGGER complaint_council_decisions_no_delete BEFORE DELETE ON complaint_council_decisions
BEGIN
    SELECT RAISE(ABORT, 'complaint_council_decisions is append-only');
END;
