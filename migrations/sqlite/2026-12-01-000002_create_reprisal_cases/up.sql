-- Intimidation and reprisals against those who cooperate with the United Nations in the field of human rights
-- (resolution 45/31, preamble; A/HRC/43/37 para 52; the Secretary-General's annual report under resolution 12/2).
-- The person's identity is kept in the case and shown to the reprisals officer only. A case is published only while
-- the person's consent to publish it stands: the public predicate (published_on set AND a current PUBLISH_CASE
-- consent) is evaluated at every read, so withdrawing consent hides the case at once from every path.

CREATE TABLE reprisal_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The staff's reference (RC-00001); the public sees only public_key, random, so that gaps in the sequence do
    -- not tell how many cases are unpublished.
    key TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL UNIQUE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    mechanism_id BIGINT NOT NULL REFERENCES mechanisms (id),
    occasion TEXT NOT NULL CHECK (occasion IN ('SESSION', 'VISIT', 'COMMUNICATION', 'UPR', 'OTHER')),
    session_id BIGINT REFERENCES sessions (id),
    visit_id BIGINT REFERENCES visits (id),
    communication_id BIGINT REFERENCES communications (id),
    person_kind TEXT NOT NULL CHECK (person_kind IN ('HUMAN_RIGHTS_DEFENDER', 'JOURNALIST', 'LAWYER',
        'NGO_REPRESENTATIVE', 'VICTIM_OR_RELATIVE', 'WITNESS', 'OTHER')),
    -- Identity: the reprisals officer only.
    person_name TEXT NOT NULL,
    person_details TEXT NOT NULL,
    -- Written without anything identifying: what may be published.
    summary TEXT NOT NULL,
    first_act_on DATE NOT NULL,
    last_act_on DATE,
    government_response TEXT,
    government_responded_on DATE,
    status TEXT NOT NULL CHECK (status IN ('OPEN', 'UNDER_FOLLOW_UP', 'CLOSED')),
    published_on DATE,
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (last_act_on IS NULL OR last_act_on >= first_act_on),
    CHECK ((occasion = 'SESSION') = (session_id IS NOT NULL)),
    CHECK ((occasion = 'VISIT') = (visit_id IS NOT NULL)),
    CHECK ((occasion = 'COMMUNICATION') = (communication_id IS NOT NULL))
);
CREATE INDEX reprisal_cases_country_idx ON reprisal_cases (country_id, id);
CREATE INDEX reprisal_cases_updated_idx ON reprisal_cases (updated_at, id);

CREATE TABLE reprisal_case_acts (
    case_id BIGINT NOT NULL REFERENCES reprisal_cases (id) ON DELETE CASCADE,
    act TEXT NOT NULL CHECK (act IN ('ARREST_OR_DETENTION', 'TRAVEL_BAN', 'THREATS', 'SURVEILLANCE', 'SMEAR_CAMPAIGN',
        'LOSS_OF_EMPLOYMENT', 'VIOLENCE', 'OTHER')),
    PRIMARY KEY (case_id, act)
);

-- The Secretary-General's annual reports in which the case appears: a case is followed across years.
CREATE TABLE reprisal_case_cycles (
    case_id BIGINT NOT NULL REFERENCES reprisal_cases (id) ON DELETE CASCADE,
    report_year INTEGER NOT NULL CHECK (report_year BETWEEN 2010 AND 2100),
    report_symbol TEXT,
    PRIMARY KEY (case_id, report_year)
);

CREATE TABLE reprisal_follow_ups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES reprisal_cases (id),
    taken_on DATE NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reprisal_follow_ups_case_idx ON reprisal_follow_ups (case_id, id);

-- Consent is a recorded fact: its scope, the day given and, once withdrawn, the day withdrawn. At most one standing
-- consent per case and scope.
CREATE TABLE reprisal_consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES reprisal_cases (id),
    scope TEXT NOT NULL CHECK (scope IN ('PUBLISH_CASE', 'PUBLISH_NAME')),
    given_on DATE NOT NULL,
    withdrawn_on DATE,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (withdrawn_on IS NULL OR withdrawn_on >= given_on)
);
CREATE UNIQUE INDEX reprisal_consents_standing_idx ON reprisal_consents (case_id, scope) WHERE withdrawn_on IS NULL;

CREATE TRIGGER reprisal_follow_ups_no_update BEFORE UPDATE ON reprisal_follow_ups
BEGIN
    SELECT RAISE(ABORT, 'reprisal_follow_ups is append-only');
END;
CREATE TRIGGER reprisal_follow_ups_no_delete BEFORE DELETE ON reprisal_follow_ups
BEGIN
    SELECT RAISE(ABORT, 'reprisal_follow_ups is append-only');
END;
