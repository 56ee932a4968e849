//! What is public of the confidential complaint procedure: published figures, and the States whose situations the
//! Council examined and announced. Read from the public database only: nothing here reaches the confidential store.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::schema::{complaint_public_examinations, complaint_public_figures};
use crate::DbConnection;

/// A figure published about the procedure, with its source.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_public_figures)]
pub struct PublicFigure {
    pub id: i64,
    pub key: String,
    pub value: i32,
    pub qualifier: String,
    pub unit: String,
    pub as_of_year: i32,
    pub label_en: String,
    pub label_zh: Option<String>,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl PublicFigure {
    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<PublicFigure>> {
        complaint_public_figures::table.order(complaint_public_figures::id).select(PublicFigure::as_select()).load(conn)
    }
}

/// A State whose situation the Council examined under the procedure, as the Council announced it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_public_examinations)]
pub struct PublicExamination {
    pub id: i64,
    pub key: String,
    pub country_id: i64,
    pub session_number: i32,
    pub announced_on: NaiveDate,
    pub public_outcome: Option<String>,
    pub fictional: bool,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An examination to publish.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = complaint_public_examinations)]
pub struct NewPublicExamination {
    pub key: String,
    pub country_id: i64,
    pub session_number: i32,
    pub announced_on: NaiveDate,
    pub public_outcome: Option<String>,
    pub fictional: bool,
    pub source: String,
}

impl PublicExamination {
    /// The examinations, in order of announcement (optionally of one State).
    pub fn list(conn: &mut DbConnection, country_id: Option<i64>) -> QueryResult<Vec<PublicExamination>> {
        let mut query = complaint_public_examinations::table.into_boxed();
        if let Some(id) = country_id {
            query = query.filter(complaint_public_examinations::country_id.eq(id));
        }
        query
            .order((complaint_public_examinations::announced_on, complaint_public_examinations::id))
            .select(PublicExamination::as_select())
            .load(conn)
    }

    pub fn by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<PublicExamination>> {
        complaint_public_examinations::table
            .filter(complaint_public_examinations::key.eq(key))
            .select(PublicExamination::as_select())
            .first(conn)
            .optional()
    }

    /// Publishes an examination, with its audit record, in one transaction.
    pub fn publish(
        conn: &mut DbConnection,
        new: &NewPublicExamination,
        audit: &crate::audit::Entry,
    ) -> Result<PublicExamination, super::WriteError> {
        super::write::audited_insert!(conn, complaint_public_examinations, PublicExamination, &new.key, new, audit)
    }
}
