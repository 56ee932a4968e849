-- Mandate holders and renewals, special-procedure communications, standing invitations, and country situations
-- with their linked bodies, briefings and good-offices missions.

ALTER TABLE mandates ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE mechanisms ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE visits ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE mandate_holders (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    mandate_id BIGINT NOT NULL REFERENCES mandates (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('SPECIAL_RAPPORTEUR', 'INDEPENDENT_EXPERT', 'WORKING_GROUP_CHAIR',
        'WORKING_GROUP_MEMBER')),
    starts_on DATE NOT NULL,
    ends_on DATE,
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX mandate_holders_mandate_idx ON mandate_holders (mandate_id, starts_on);
CREATE INDEX mandate_holders_updated_idx ON mandate_holders (updated_at, id);

-- The resolutions that renewed a mandate (the establishing one is mandates.established_by_id).
CREATE TABLE mandate_renewals (
    mandate_id BIGINT NOT NULL REFERENCES mandates (id),
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id),
    renewed_until DATE,
    source TEXT NOT NULL,
    PRIMARY KEY (mandate_id, resolution_id)
);

CREATE TABLE communications (
    id BIGSERIAL PRIMARY KEY,
    -- The OHCHR reference, such as "AL BDI 1/2020"; for demo data "DEMO:<seed>:communication:<n>".
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('ALLEGATION_LETTER', 'URGENT_APPEAL', 'OTHER_LETTER')),
    country_id BIGINT REFERENCES countries (id),
    sent_on DATE NOT NULL,
    summary_en TEXT,
    summary_zh TEXT,
    reply_received_on DATE,
    reply_summary TEXT,
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (reply_received_on IS NULL OR reply_received_on >= sent_on)
);
CREATE INDEX communications_country_idx ON communications (country_id, id);
CREATE INDEX communications_sent_idx ON communications (sent_on, id);
CREATE INDEX communications_updated_idx ON communications (updated_at, id);

-- The mandates that sent a communication: several for a joint one.
CREATE TABLE communication_mandates (
    communication_id BIGINT NOT NULL REFERENCES communications (id) ON DELETE CASCADE,
    mandate_id BIGINT NOT NULL REFERENCES mandates (id),
    PRIMARY KEY (communication_id, mandate_id)
);
CREATE INDEX communication_mandates_mandate_idx ON communication_mandates (mandate_id, communication_id);

-- A State's standing invitation to all thematic special procedures.
CREATE TABLE standing_invitations (
    id BIGSERIAL PRIMARY KEY,
    country_id BIGINT NOT NULL UNIQUE REFERENCES countries (id),
    extended_on DATE,
    fictional BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE country_situations (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    -- The Council's agenda item under which it is considered (item 2, 4 or 10 for most), where a source says.
    agenda_item INTEGER CHECK (agenda_item BETWEEN 1 AND 10),
    title_en TEXT NOT NULL,
    title_zh TEXT,
    summary_en TEXT,
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX country_situations_country_idx ON country_situations (country_id, id);
CREATE INDEX country_situations_updated_idx ON country_situations (updated_at, id);

-- The country mandates and investigative bodies that follow a situation.
CREATE TABLE situation_bodies (
    id BIGSERIAL PRIMARY KEY,
    situation_id BIGINT NOT NULL REFERENCES country_situations (id) ON DELETE CASCADE,
    mechanism_id BIGINT REFERENCES mechanisms (id),
    mandate_id BIGINT REFERENCES mandates (id),
    source TEXT NOT NULL,
    CHECK ((mechanism_id IS NULL) <> (mandate_id IS NULL))
);
CREATE UNIQUE INDEX situation_bodies_unique_idx ON situation_bodies (situation_id, mechanism_id, mandate_id);

-- Briefings to the Council and good-offices missions on a situation.
CREATE TABLE situation_events (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    situation_id BIGINT NOT NULL REFERENCES country_situations (id),
    kind TEXT NOT NULL CHECK (kind IN ('BRIEFING', 'GOOD_OFFICES_MISSION')),
    -- The year, where the source gives no exact date.
    year INTEGER,
    held_on DATE,
    session_id BIGINT REFERENCES sessions (id),
    mandate_id BIGINT REFERENCES mandates (id),
    report_id BIGINT REFERENCES reports (id),
    description_en TEXT,
    description_zh TEXT,
    fictional BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX situation_events_situation_idx ON situation_events (situation_id, id);
