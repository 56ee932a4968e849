//! The audit log: who changed what, written in the same transaction as the change.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::audit_log;
use crate::DbConnection;

/// One audit record to write.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The token subject of the caller.
    pub actor: String,
    /// What was done, such as `recommendation.update`.
    pub action: &'static str,
    /// The kind of record changed, such as `Recommendation`.
    pub entity: &'static str,
    /// Its natural key.
    pub entity_key: String,
    /// JSON: the fields changed, with their values.
    pub detail: String,
}

impl Entry {
    pub fn write(&self, conn: &mut DbConnection, at: NaiveDateTime) -> QueryResult<()> {
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::occurred_at.eq(at),
                audit_log::actor.eq(&self.actor),
                audit_log::action.eq(self.action),
                audit_log::entity.eq(self.entity),
                audit_log::entity_key.eq(&self.entity_key),
                audit_log::detail.eq(&self.detail),
            ))
            .execute(conn)
            .map(drop)
    }
}

/// A stored audit record.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct Record {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub detail: String,
}

impl Record {
    /// The records of one entity, oldest first.
    pub fn of(conn: &mut DbConnection, entity: &str, key: &str) -> QueryResult<Vec<Record>> {
        audit_log::table
            .filter(audit_log::entity.eq(entity))
            .filter(audit_log::entity_key.eq(key))
            .order(audit_log::id)
            .select(Record::as_select())
            .load(conn)
    }
}
