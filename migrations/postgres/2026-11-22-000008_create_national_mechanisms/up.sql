-- National mechanisms for implementation, reporting and follow-up (NMIRFs), with their participants, clusters of
-- recommendations and action plans; and the virtual knowledge hub of resolution 51/33 para 5.

CREATE TABLE national_mechanisms (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    name_en TEXT NOT NULL,
    name_zh TEXT,
    -- OHCHR's typology (A Practical Guide to Effective State Engagement with International Human Rights
    -- Mechanisms, 2016): ad hoc, ministerial, inter-ministerial, or institutionally separate.
    kind TEXT NOT NULL CHECK (kind IN ('AD_HOC', 'MINISTERIAL', 'INTER_MINISTERIAL', 'INSTITUTIONALLY_SEPARATE')),
    established_on DATE,
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX national_mechanisms_country_idx ON national_mechanisms (country_id, id);
CREATE INDEX national_mechanisms_updated_idx ON national_mechanisms (updated_at, id);

CREATE TABLE national_mechanism_participants (
    id BIGSERIAL PRIMARY KEY,
    national_mechanism_id BIGINT NOT NULL REFERENCES national_mechanisms (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('GOVERNMENT', 'PARLIAMENT', 'JUDICIARY', 'NATIONAL_HUMAN_RIGHTS_INSTITUTION',
        'CIVIL_SOCIETY', 'UNITED_NATIONS', 'OTHER')),
    role TEXT NOT NULL CHECK (role IN ('MEMBER', 'OBSERVER', 'CONSULTED')),
    source TEXT NOT NULL
);
CREATE INDEX national_mechanism_participants_idx ON national_mechanism_participants (national_mechanism_id, id);

CREATE TABLE action_plans (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    national_mechanism_id BIGINT NOT NULL REFERENCES national_mechanisms (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    adopted_on DATE,
    starts_on DATE,
    ends_on DATE,
    source TEXT NOT NULL,
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX action_plans_mechanism_idx ON action_plans (national_mechanism_id, id);

-- A national mechanism's cluster of recommendations: a theme it follows up together, with a lead entity.
CREATE TABLE recommendation_clusters (
    id BIGSERIAL PRIMARY KEY,
    national_mechanism_id BIGINT NOT NULL REFERENCES national_mechanisms (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    theme_id BIGINT REFERENCES thesaurus_terms (id),
    lead TEXT,
    source TEXT NOT NULL
);
CREATE INDEX recommendation_clusters_mechanism_idx ON recommendation_clusters (national_mechanism_id, id);

CREATE TABLE cluster_recommendations (
    cluster_id BIGINT NOT NULL REFERENCES recommendation_clusters (id) ON DELETE CASCADE,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    PRIMARY KEY (cluster_id, recommendation_id)
);

-- The virtual knowledge hub: good practices, lessons and resources that national mechanisms share.
CREATE TABLE knowledge_items (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('GOOD_PRACTICE', 'LESSON_LEARNED', 'RESOURCE')),
    title_en TEXT NOT NULL,
    title_zh TEXT,
    body_en TEXT,
    body_zh TEXT,
    country_id BIGINT REFERENCES countries (id),
    -- For items about a region rather than a country; a country item's region is its country's.
    regional_group_id BIGINT REFERENCES regional_groups (id),
    national_mechanism_id BIGINT REFERENCES national_mechanisms (id),
    report_id BIGINT REFERENCES reports (id),
    shared_on DATE,
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX knowledge_items_country_idx ON knowledge_items (country_id, id);
CREATE INDEX knowledge_items_updated_idx ON knowledge_items (updated_at, id);

CREATE TABLE knowledge_item_terms (
    item_id BIGINT NOT NULL REFERENCES knowledge_items (id) ON DELETE CASCADE,
    term_id BIGINT NOT NULL REFERENCES thesaurus_terms (id),
    PRIMARY KEY (item_id, term_id)
);
CREATE INDEX knowledge_item_terms_term_idx ON knowledge_item_terms (term_id, item_id);
