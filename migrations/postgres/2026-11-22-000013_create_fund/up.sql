-- The Human Rights Recommendations Implementation Fund that A/HRC/43/37 (paras 61 and 70) proposes, and the voluntary
-- funds resolution 36/29 names: the advisory committee of five States (one per regional group), its assistance
-- criteria (versioned), requests from States with their workflow, the committee's reviews, decisions and
-- disbursements. Money is integer minor units (cents) with its ISO 4217 currency: no floating point anywhere.

CREATE TABLE funds (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('IMPLEMENTATION_FUND', 'VOLUNTARY_FUND', 'TRUST_FUND')),
    status TEXT NOT NULL CHECK (status IN ('PROPOSED', 'OPERATING')),
    name_en TEXT NOT NULL,
    name_zh TEXT,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    -- Whether an advisory committee of States reviews its requests.
    has_committee BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE fund_committee_members (
    id BIGSERIAL PRIMARY KEY,
    fund_id BIGINT NOT NULL REFERENCES funds (id),
    country_id BIGINT NOT NULL REFERENCES countries (id),
    -- The member's regional group, copied from its country when appointed: one serving member per group.
    regional_group_id BIGINT NOT NULL REFERENCES regional_groups (id),
    term_starts_on DATE NOT NULL,
    term_ends_on DATE NOT NULL,
    representatives TEXT NOT NULL,
    serving BOOLEAN NOT NULL,
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (term_ends_on > term_starts_on)
);
CREATE UNIQUE INDEX fund_committee_one_per_group_idx ON fund_committee_members (fund_id, regional_group_id) WHERE serving;
CREATE UNIQUE INDEX fund_committee_one_seat_idx ON fund_committee_members (fund_id, country_id) WHERE serving;

-- A version of the committee's assistance criteria; a request is reviewed against the version in force when it was
-- submitted.
CREATE TABLE fund_criteria_versions (
    id BIGSERIAL PRIMARY KEY,
    fund_id BIGINT NOT NULL REFERENCES funds (id),
    number INTEGER NOT NULL CHECK (number > 0),
    adopted_on DATE NOT NULL,
    fictional BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (fund_id, number)
);

CREATE TABLE fund_criteria (
    id BIGSERIAL PRIMARY KEY,
    criteria_version_id BIGINT NOT NULL REFERENCES fund_criteria_versions (id),
    key TEXT NOT NULL,
    description TEXT NOT NULL,
    max_score INTEGER NOT NULL CHECK (max_score BETWEEN 1 AND 100),
    UNIQUE (criteria_version_id, key)
);

CREATE TABLE fund_requests (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    fund_id BIGINT NOT NULL REFERENCES funds (id),
    country_id BIGINT NOT NULL REFERENCES countries (id),
    title TEXT NOT NULL,
    needs_assessment TEXT NOT NULL,
    -- One partner per line; attachments are references (symbols, URLs), one per line.
    partners TEXT NOT NULL,
    attachments TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    status TEXT NOT NULL CHECK (status IN ('DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'INFORMATION_REQUESTED', 'APPROVED',
        'REJECTED', 'DISBURSED', 'COMPLETED', 'WITHDRAWN')),
    criteria_version_id BIGINT REFERENCES fund_criteria_versions (id),
    submitted_on DATE,
    decided_on DATE,
    decision_reasons TEXT,
    approved_minor BIGINT CHECK (approved_minor > 0),
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((status IN ('APPROVED', 'DISBURSED', 'COMPLETED')) = (approved_minor IS NOT NULL)),
    CHECK (status = 'DRAFT' OR status = 'WITHDRAWN' OR criteria_version_id IS NOT NULL)
);
CREATE INDEX fund_requests_country_idx ON fund_requests (country_id, id);
CREATE INDEX fund_requests_status_idx ON fund_requests (status, id);
CREATE INDEX fund_requests_updated_idx ON fund_requests (updated_at, id);

CREATE TABLE fund_request_recommendations (
    request_id BIGINT NOT NULL REFERENCES fund_requests (id) ON DELETE CASCADE,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    PRIMARY KEY (request_id, recommendation_id)
);
CREATE INDEX fund_request_recommendations_rec_idx ON fund_request_recommendations (recommendation_id);

CREATE TABLE fund_request_events (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES fund_requests (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    comment TEXT NOT NULL
);
CREATE INDEX fund_request_events_request_idx ON fund_request_events (request_id, id);

CREATE TABLE fund_reviews (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES fund_requests (id),
    member_id BIGINT NOT NULL REFERENCES fund_committee_members (id),
    reviewer TEXT NOT NULL,
    recommendation TEXT NOT NULL CHECK (recommendation IN ('APPROVE', 'REJECT', 'REQUEST_INFORMATION')),
    comment TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (request_id, member_id)
);

CREATE TABLE fund_review_scores (
    review_id BIGINT NOT NULL REFERENCES fund_reviews (id) ON DELETE CASCADE,
    criterion_id BIGINT NOT NULL REFERENCES fund_criteria (id),
    score INTEGER NOT NULL CHECK (score >= 0),
    PRIMARY KEY (review_id, criterion_id)
);

CREATE TABLE fund_disbursements (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES fund_requests (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    disbursed_on DATE NOT NULL,
    reference TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX fund_disbursements_request_idx ON fund_disbursements (request_id, id);

-- The sum of a request's disbursements never exceeds its approved amount. The request's row is locked first, so
-- that concurrent disbursements are checked one after the other, each seeing the others once committed.
CREATE FUNCTION fund_disbursements_within_approved() RETURNS trigger AS $$
DECLARE
    approved BIGINT;
    disbursed BIGINT;
BEGIN
    SELECT approved_minor INTO approved FROM fund_requests WHERE id = NEW.request_id FOR UPDATE;
    SELECT coalesce(sum(amount_minor), 0) INTO disbursed FROM fund_disbursements WHERE request_id = NEW.request_id;
    IF approved IS NULL OR disbursed + NEW.amount_minor > approved THEN
        RAISE EXCEPTION 'fund_disbursements_exceed_approved' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fund_disbursements_within_approved BEFORE INSERT ON fund_disbursements
    FOR EACH ROW EXECUTE FUNCTION fund_disbursements_within_approved();

CREATE FUNCTION fund_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fund_request_events_append_only BEFORE UPDATE OR DELETE ON fund_request_events
    FOR EACH ROW EXECUTE FUNCTION fund_append_only();
CREATE TRIGGER fund_disbursements_append_only BEFORE UPDATE OR DELETE ON fund_disbursements
    FOR EACH ROW EXECUTE FUNCTION fund_append_only();
