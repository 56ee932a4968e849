-- What is public of the confidential complaint procedure: the States whose situations the Council examined in
-- closed meeting (its President announces them in public), and published figures. Nothing here refers to the
-- confidential store, and the store's tables are not in this database schema.

CREATE TABLE complaint_public_figures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    value INTEGER NOT NULL CHECK (value >= 0),
    qualifier TEXT NOT NULL CHECK (qualifier IN ('EXACTLY', 'MORE_THAN')),
    unit TEXT NOT NULL CHECK (unit IN ('SITUATIONS', 'COUNTRIES', 'PERCENT')),
    -- The year the figure describes (the source's date).
    as_of_year INTEGER NOT NULL,
    label_en TEXT NOT NULL,
    label_zh TEXT,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE complaint_public_examinations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- `<ISO3>:<session number>`.
    key TEXT NOT NULL UNIQUE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    session_number INTEGER NOT NULL CHECK (session_number > 0),
    announced_on DATE NOT NULL,
    -- What the Council made public of its decision, where it did.
    public_outcome TEXT CHECK (public_outcome IN ('DISCONTINUED', 'KEPT_UNDER_REVIEW', 'INDEPENDENT_EXPERT_APPOINTED',
        'TAKEN_UP_PUBLICLY')),
    fictional BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_public_examinations_country_idx ON complaint_public_examinations (country_id, id);
CREATE INDEX complaint_public_examinations_announced_idx ON complaint_public_examinations (announced_on, id);
