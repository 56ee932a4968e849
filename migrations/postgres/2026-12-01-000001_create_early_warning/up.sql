-- Early warning (resolution 45/31 para 5; A/HRC/43/37 paras 62-64, 71 and 74): signals from every source, their
-- verification (append-only history), the recommendations, mandates and communications they relate to, and the
-- High Commissioner's regional horizon-scanning briefings. Signals are the secretariat's working tool; the Council's
-- Bureau reads verified ones without their sources; nobody else sees any of it. Delivered briefings are public.

CREATE TABLE early_warning_signals (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    observed_on DATE NOT NULL,
    reported_on DATE NOT NULL,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('SPECIAL_PROCEDURE', 'NATIONAL_HUMAN_RIGHTS_INSTITUTION',
        'CIVIL_SOCIETY', 'HUMAN_RIGHTS_DEFENDER', 'UN_COUNTRY_TEAM', 'OHCHR_FIELD_PRESENCE', 'TREATY_BODY')),
    -- Protected: who or what reported it, as the secretariat files it. Never shown beyond the secretariat.
    source_reference TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('ENFORCED_DISAPPEARANCES', 'EXTRAJUDICIAL_EXECUTIONS', 'TORTURE_SURGE',
        'TARGETING_CIVIL_SOCIETY', 'DENIAL_OF_ACCESS', 'NON_COOPERATION', 'OTHER')),
    severity TEXT NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('REPORTED', 'UNDER_VERIFICATION', 'VERIFIED', 'DISMISSED')),
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (reported_on >= observed_on)
);
CREATE INDEX early_warning_signals_country_idx ON early_warning_signals (country_id, observed_on);
CREATE INDEX early_warning_signals_status_idx ON early_warning_signals (status, observed_on);
CREATE INDEX early_warning_signals_updated_idx ON early_warning_signals (updated_at, id);

-- Every step of a signal's verification, with who, when and why.
CREATE TABLE early_warning_signal_events (
    id BIGSERIAL PRIMARY KEY,
    signal_id BIGINT NOT NULL REFERENCES early_warning_signals (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX early_warning_signal_events_signal_idx ON early_warning_signal_events (signal_id, id);

-- What a signal relates to: exactly one recommendation, mandate or communication per row.
CREATE TABLE early_warning_signal_links (
    id BIGSERIAL PRIMARY KEY,
    signal_id BIGINT NOT NULL REFERENCES early_warning_signals (id) ON DELETE CASCADE,
    recommendation_id BIGINT REFERENCES recommendations (id),
    mandate_id BIGINT REFERENCES mandates (id),
    communication_id BIGINT REFERENCES communications (id),
    CHECK ((CASE WHEN recommendation_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN mandate_id IS NULL THEN 0 ELSE 1 END)
        + (CASE WHEN communication_id IS NULL THEN 0 ELSE 1 END) = 1)
);
CREATE INDEX early_warning_signal_links_signal_idx ON early_warning_signal_links (signal_id);

-- The High Commissioner's regional horizon-scanning briefings (A/HRC/43/37 paras 63 and 74): public once delivered.
CREATE TABLE horizon_briefings (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    briefing_on DATE NOT NULL,
    session_id BIGINT REFERENCES sessions (id),
    regional_group_id BIGINT REFERENCES regional_groups (id),
    title TEXT NOT NULL,
    text_en TEXT NOT NULL,
    text_zh TEXT,
    status TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'DELIVERED')),
    source TEXT NOT NULL,
    fictional BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX horizon_briefings_updated_idx ON horizon_briefings (updated_at, id);

CREATE TABLE horizon_briefing_countries (
    briefing_id BIGINT NOT NULL REFERENCES horizon_briefings (id) ON DELETE CASCADE,
    country_id BIGINT NOT NULL REFERENCES countries (id),
    PRIMARY KEY (briefing_id, country_id)
);

CREATE FUNCTION early_warning_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER early_warning_signal_events_append_only BEFORE UPDATE OR DELETE ON early_warning_signal_events
    FOR EACH ROW EXECUTE FUNCTION early_warning_append_only();
