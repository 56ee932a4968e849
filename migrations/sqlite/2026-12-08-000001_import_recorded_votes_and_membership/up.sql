-- The Council's recorded votes as the OHCHR library publishes them (issue 36): the kind of text, its subject and
-- agenda item as written, its main sponsors as written, the official totals beside the roll call (the two disagree
-- for some real texts, and both are kept), present-but-not-voting and absent members, and Council membership terms.

ALTER TABLE resolutions ADD COLUMN kind TEXT NOT NULL DEFAULT 'RESOLUTION'
    CHECK (kind IN ('RESOLUTION', 'DECISION', 'DRAFT', 'AMENDMENT'));
-- A special session's number (`A/HRC/RES/S-28/1`); regular sessions are `session_id`.
ALTER TABLE resolutions ADD COLUMN special_session INTEGER CHECK (special_session > 0);
-- The agenda item's title as the record gives it (before 2007 the agenda had no numbers).
ALTER TABLE resolutions ADD COLUMN agenda_title TEXT;
ALTER TABLE resolutions ADD COLUMN subject TEXT;
-- The main sponsors as the record writes them ("Pakistan (on behalf of the Organization of the Islamic Conference)").
ALTER TABLE resolutions ADD COLUMN main_sponsors TEXT;
ALTER TABLE resolutions ADD COLUMN official_yes INTEGER CHECK (official_yes >= 0);
ALTER TABLE resolutions ADD COLUMN official_no INTEGER CHECK (official_no >= 0);
ALTER TABLE resolutions ADD COLUMN official_abstain INTEGER CHECK (official_abstain >= 0);
ALTER TABLE resolutions ADD COLUMN official_non_voting INTEGER CHECK (official_non_voting >= 0);
-- Set when the official totals and the roll call's counts differ.
ALTER TABLE resolutions ADD COLUMN tally_disagrees BOOLEAN NOT NULL DEFAULT 0;
-- The text an amendment or revision concerns, where its symbol says which.
ALTER TABLE resolutions ADD COLUMN concerns_id BIGINT REFERENCES resolutions (id);
CREATE INDEX resolutions_adopted_on_idx ON resolutions (adopted_on, id);

-- SQLite cannot alter a CHECK: the table is rebuilt (nothing references it).
CREATE TABLE resolution_votes_new (
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    vote TEXT NOT NULL CHECK (vote IN ('YES', 'NO', 'ABSTAIN', 'NON_VOTING', 'ABSENT')),
    source TEXT NOT NULL,
    PRIMARY KEY (resolution_id, country_id)
);
INSERT INTO resolution_votes_new SELECT resolution_id, country_id, vote, source FROM resolution_votes;
DROP TABLE resolution_votes;
ALTER TABLE resolution_votes_new RENAME TO resolution_votes;
CREATE INDEX resolution_votes_country_idx ON resolution_votes (country_id);

ALTER TABLE resolution_sponsors ADD COLUMN main BOOLEAN NOT NULL DEFAULT 0;

-- A State's term on the Council. `derived` terms are read off the roll calls (a run of consecutive recorded votes in
-- which the State is listed), where no source of the terms themselves was given.
CREATE TABLE council_memberships (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    derived BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (country_id, starts_on, derived),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX council_memberships_dates_idx ON council_memberships (starts_on, ends_on);

-- Other names by which sources name a State (UPR Info's "Iran", the UN's former "Czech Republic"), each citing
-- where the form is used; importers match a name against `countries.name_en` and these, never by a guess.
CREATE TABLE country_aliases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    name TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX country_aliases_country_idx ON country_aliases (country_id);
