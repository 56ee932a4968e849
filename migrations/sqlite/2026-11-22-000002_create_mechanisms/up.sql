-- The Council's mechanisms and the special procedures' mandates.

CREATE TABLE mechanisms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('UNIVERSAL_PERIODIC_REVIEW', 'SPECIAL_PROCEDURES', 'COMPLAINT_PROCEDURE',
        'ADVISORY_COMMITTEE', 'FORUM', 'INTERGOVERNMENTAL_WORKING_GROUP', 'INVESTIGATIVE_BODY')),
    parent_id BIGINT REFERENCES mechanisms (id),
    name_en TEXT NOT NULL,
    name_zh TEXT,
    description_en TEXT,
    description_zh TEXT,
    country_id BIGINT REFERENCES countries (id),
    established_by_id BIGINT REFERENCES resolutions (id),
    -- NULL where no source says whether its terms of reference carry an explicit prevention dimension.
    prevention_dimension BOOLEAN,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mechanisms_kind_idx ON mechanisms (kind, id);
CREATE INDEX mechanisms_parent_idx ON mechanisms (parent_id);
CREATE INDEX mechanisms_updated_idx ON mechanisms (updated_at, id);

CREATE TABLE mandates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    mechanism_id BIGINT NOT NULL REFERENCES mechanisms (id),
    scope TEXT NOT NULL CHECK (scope IN ('THEMATIC', 'COUNTRY')),
    form TEXT NOT NULL CHECK (form IN ('SPECIAL_RAPPORTEUR', 'INDEPENDENT_EXPERT', 'WORKING_GROUP')),
    country_id BIGINT REFERENCES countries (id),
    name_en TEXT NOT NULL,
    name_zh TEXT,
    established_by_id BIGINT REFERENCES resolutions (id),
    status TEXT NOT NULL CHECK (status IN ('ACTIVE', 'DISCONTINUED')),
    term_ends_on TEXT,
    prevention_dimension BOOLEAN,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((scope = 'COUNTRY') = (country_id IS NOT NULL))
);
CREATE INDEX mandates_mechanism_idx ON mandates (mechanism_id, id);
CREATE INDEX mandates_country_idx ON mandates (country_id, id);
CREATE INDEX mandates_updated_idx ON mandates (updated_at, id);
