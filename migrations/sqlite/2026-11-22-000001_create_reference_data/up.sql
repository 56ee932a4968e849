-- Reference data and Council documents: regional groups, countries, sessions,
-- SDGs, resolutions with their recorded votes and sponsors, reports.
-- Every seeded row names the document it comes from in `source`.

CREATE TABLE regional_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE countries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    iso3 TEXT NOT NULL UNIQUE CHECK (length(iso3) = 3 AND iso3 = upper(iso3)),
    name_en TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    un_status TEXT NOT NULL CHECK (un_status IN ('MEMBER', 'OBSERVER')),
    regional_group_id BIGINT REFERENCES regional_groups (id),
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX countries_regional_group_idx ON countries (regional_group_id);
CREATE UNIQUE INDEX countries_name_zh_idx ON countries (name_zh);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL CHECK (body IN ('HRC', 'UPR_WG')),
    number INTEGER NOT NULL CHECK (number > 0),
    starts_on TEXT,
    ends_on TEXT,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (body, number),
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
);

CREATE TABLE sdg_goals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number INTEGER NOT NULL UNIQUE CHECK (number BETWEEN 1 AND 17),
    name_en TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sdg_targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    goal_id BIGINT NOT NULL REFERENCES sdg_goals (id),
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sdg_targets_goal_idx ON sdg_targets (goal_id);

CREATE TABLE resolutions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Unique key even for a draft whose final symbol is unknown (then `DRAFT:` + its session and title).
    key TEXT NOT NULL UNIQUE,
    symbol TEXT UNIQUE,
    organ TEXT NOT NULL CHECK (organ IN ('HRC', 'GA', 'SC', 'CHR')),
    session_id BIGINT REFERENCES sessions (id),
    agenda_item INTEGER CHECK (agenda_item BETWEEN 1 AND 10),
    title_en TEXT,
    title_zh TEXT,
    status TEXT NOT NULL CHECK (status IN ('DRAFT', 'ADOPTED')),
    adopted_on TEXT,
    meeting TEXT,
    adoption_method TEXT CHECK (adoption_method IN ('RECORDED_VOTE', 'WITHOUT_VOTE')),
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX resolutions_session_idx ON resolutions (session_id);
CREATE INDEX resolutions_updated_idx ON resolutions (updated_at, id);

CREATE TABLE resolution_votes (
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    vote TEXT NOT NULL CHECK (vote IN ('YES', 'NO', 'ABSTAIN')),
    source TEXT NOT NULL,
    PRIMARY KEY (resolution_id, country_id)
);
CREATE INDEX resolution_votes_country_idx ON resolution_votes (country_id);

CREATE TABLE resolution_sponsors (
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    council_member BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (resolution_id, country_id)
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    symbol TEXT NOT NULL UNIQUE,
    title_en TEXT,
    title_zh TEXT,
    author TEXT,
    session_id BIGINT REFERENCES sessions (id),
    agenda_item INTEGER CHECK (agenda_item BETWEEN 1 AND 10),
    published_on TEXT,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX reports_session_idx ON reports (session_id);
