-- The roster of human rights experts deployable at short notice (A/HRC/43/37 paras 63 and 71 (b)): expertise,
-- languages, regions, availability windows and past deployments. Personal data: the secretariat only.

CREATE TABLE roster_experts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    nationality_id BIGINT REFERENCES countries (id),
    biography TEXT NOT NULL,
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX roster_experts_updated_idx ON roster_experts (updated_at, id);

-- Expertise areas are thesaurus themes.
CREATE TABLE roster_expert_expertise (
    expert_id BIGINT NOT NULL REFERENCES roster_experts (id) ON DELETE CASCADE,
    term_id BIGINT NOT NULL REFERENCES thesaurus_terms (id),
    PRIMARY KEY (expert_id, term_id)
);
CREATE INDEX roster_expert_expertise_term_idx ON roster_expert_expertise (term_id);

-- Working languages, as ISO 639-1 codes.
CREATE TABLE roster_expert_languages (
    expert_id BIGINT NOT NULL REFERENCES roster_experts (id) ON DELETE CASCADE,
    language TEXT NOT NULL CHECK (length(language) = 2),
    PRIMARY KEY (expert_id, language)
);
CREATE INDEX roster_expert_languages_language_idx ON roster_expert_languages (language);

CREATE TABLE roster_expert_regions (
    expert_id BIGINT NOT NULL REFERENCES roster_experts (id) ON DELETE CASCADE,
    regional_group_id BIGINT NOT NULL REFERENCES regional_groups (id),
    PRIMARY KEY (expert_id, regional_group_id)
);

CREATE TABLE roster_availability (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    expert_id BIGINT NOT NULL REFERENCES roster_experts (id) ON DELETE CASCADE,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX roster_availability_expert_idx ON roster_availability (expert_id, starts_on);

CREATE TABLE roster_deployments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    expert_id BIGINT NOT NULL REFERENCES roster_experts (id),
    country_id BIGINT REFERENCES countries (id),
    mechanism_id BIGINT REFERENCES mechanisms (id),
    role TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX roster_deployments_expert_idx ON roster_deployments (expert_id, starts_on);
