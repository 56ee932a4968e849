-- Persisted queries: the GraphQL documents registered for the allow-list (from a file of `.graphql` documents at
-- start, or with `hrc-api persisted-queries add`), by the SHA-256 of their text, as clients send it.
CREATE TABLE persisted_queries (
    hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
    document TEXT NOT NULL,
    -- The file it was registered from.
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
