DROP TABLE country_aliases;
DROP TABLE council_memberships;
ALTER TABLE resolution_sponsors DROP COLUMN main;
DELETE FROM resolution_votes WHERE vote NOT IN ('YES', 'NO', 'ABSTAIN');
CREATE TABLE resolution_votes_old (
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    vote TEXT NOT NULL CHECK (vote IN ('YES', 'NO', 'ABSTAIN')),
    source TEXT NOT NULL,
    PRIMARY KEY (resolution_id, country_id)
);
INSERT INTO resolution_votes_old SELECT resolution_id, country_id, vote, source FROM resolution_votes;
DROP TABLE resolution_votes;
ALTER TABLE resolution_votes_old RENAME TO resolution_votes;
CREATE INDEX resolution_votes_country_idx ON resolution_votes (country_id);
DROP INDEX resolutions_adopted_on_idx;
ALTER TABLE resolutions DROP COLUMN concerns_id;
ALTER TABLE resolutions DROP COLUMN tally_disagrees;
ALTER TABLE resolutions DROP COLUMN official_non_voting;
ALTER TABLE resolutions DROP COLUMN official_abstain;
ALTER TABLE resolutions DROP COLUMN official_no;
ALTER TABLE resolutions DROP COLUMN official_yes;
ALTER TABLE resolutions DROP COLUMN main_sponsors;
ALTER TABLE resolutions DROP COLUMN subject;
ALTER TABLE resolutions DROP COLUMN agenda_title;
ALTER TABLE resolutions DROP COLUMN special_session;
ALTER TABLE resolutions DROP COLUMN kind;
