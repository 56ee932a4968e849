-- Country visits of special-procedure mandates, with the OHCHR lifecycle.
CREATE TABLE visits (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    mandate_id BIGINT NOT NULL REFERENCES mandates (id),
    country_id BIGINT NOT NULL REFERENCES countries (id),
    status TEXT NOT NULL CHECK (status IN ('REQUESTED', 'REMINDER_SENT', 'ACCEPTED', 'SCHEDULED', 'COMPLETED',
        'POSTPONED', 'DECLINED')),
    requested_on DATE,
    starts_on DATE,
    ends_on DATE,
    report_id BIGINT REFERENCES reports (id),
    fictional BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CHECK (status <> 'COMPLETED' OR (starts_on IS NOT NULL AND ends_on IS NOT NULL))
);
CREATE INDEX visits_mandate_idx ON visits (mandate_id, id);
CREATE INDEX visits_country_idx ON visits (country_id, id);
CREATE INDEX visits_updated_idx ON visits (updated_at, id);
