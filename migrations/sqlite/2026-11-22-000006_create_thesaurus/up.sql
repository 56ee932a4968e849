-- The thesaurus of themes and affected persons that recommendations are indexed by (the facets of the Universal
-- Human Rights Index), and the index itself.

CREATE TABLE thesaurus_terms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    facet TEXT NOT NULL CHECK (facet IN ('THEME', 'AFFECTED_PERSONS')),
    name_en TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    description_en TEXT,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX thesaurus_terms_facet_idx ON thesaurus_terms (facet, id);
CREATE INDEX thesaurus_terms_updated_idx ON thesaurus_terms (updated_at, id);

CREATE TABLE recommendation_terms (
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    term_id BIGINT NOT NULL REFERENCES thesaurus_terms (id),
    PRIMARY KEY (recommendation_id, term_id)
);
CREATE INDEX recommendation_terms_term_idx ON recommendation_terms (term_id, recommendation_id);
