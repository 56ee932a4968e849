DROP TABLE country_aliases;
DROP TABLE council_memberships;
ALTER TABLE resolution_sponsors DROP COLUMN main;
DELETE FROM resolution_votes WHERE vote NOT IN ('YES', 'NO', 'ABSTAIN');
ALTER TABLE resolution_votes DROP CONSTRAINT resolution_votes_vote_check;
ALTER TABLE resolution_votes ADD CONSTRAINT resolution_votes_vote_check CHECK (vote IN ('YES', 'NO', 'ABSTAIN'));
DROP INDEX resolutions_adopted_on_idx;
ALTER TABLE resolutions DROP COLUMN concerns_id, DROP COLUMN tally_disagrees, DROP COLUMN official_non_voting,
    DROP COLUMN official_abstain, DROP COLUMN official_no, DROP COLUMN official_yes, DROP COLUMN main_sponsors,
    DROP COLUMN subject, DROP COLUMN agenda_title, DROP COLUMN special_session, DROP COLUMN kind;
