-- Country visits of special-procedure mandates, with the OHCHR lifecycle.
CREATE TABLE visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    mandate_id BIGINT NOT NULL REFERENCES mandates (id),
    country_id BIGINT NOT NULL REFERENCES countries (id),
    status TEXT NOT NULL CHECK (status IN ('REQUESTED', 'REMINDER_SENT', 'ACCEPTED', 'SCHEDULED', 'COMPLETED',
        'POSTPONED', 'DECLINED')),
    requested_on TEXT,
    starts_on TEXT,
    ends_on TEXT,
    report_id BIGINT REFERENCES reports (id),
    fictional BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CHECK (status <> 'COMPLETED' OR (starts_on IS NOT NULL AND ends_on IS NOT NULL))
);
CREATE INDEX visits_mandate_idx ON visits (mandate_id, id);
CREATE INDEX visits_country_idx ON visits (country_id, id);
CREATE INDEX visits_updated_idx ON visits (updated_at, id);
