//! Persisted queries: registered GraphQL documents by the SHA-256 of their text.

use diesel::prelude::*;

use crate::schema::persisted_queries as pq;
use crate::DbConnection;

/// Registers `document` under `hash` (the caller computes it); true if it was new. Registering it again changes
/// nothing.
pub fn register(conn: &mut DbConnection, hash: &str, document: &str, source: &str) -> QueryResult<bool> {
    conn.transaction(|conn| {
        super::write::lock_for_write(conn)?;
        let known: Option<String> = pq::table.find(hash).select(pq::hash).first(conn).optional()?;
        if known.is_some() {
            return Ok(false);
        }
        diesel::insert_into(pq::table)
            .values((
                pq::hash.eq(hash),
                pq::document.eq(document),
                pq::source.eq(source),
                pq::created_at.eq(super::write::now()),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// Every registered document: (hash, document, source), oldest first.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, String)>> {
    pq::table.order((pq::created_at, pq::hash)).select((pq::hash, pq::document, pq::source)).load(conn)
}
