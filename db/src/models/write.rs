//! What every write shares: the outcome of a versioned update or an insert, and the statements that make them.

/// Why a write did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// No record has that key.
    NotFound,
    /// Another update landed first: the version now current.
    Stale {
        current: i32,
    },
    /// A record with that key already exists.
    Duplicate,
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for WriteError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                WriteError::Duplicate
            }
            e => WriteError::Database(e),
        }
    }
}

/// Applies `changes` to the row of `table` with `key` if it is still at `expected` version, bumping the version and
/// `updated_at`, writes the audit record, and returns the row as `by_key` reads it; all in one transaction.
///
/// The versioned UPDATE comes first: it takes the write lock (waiting for another writer if need be) and checks the
/// version in one statement, so two writers cannot both pass. On SQLite a transaction that read first could not wait
/// for the lock at all (SQLITE_BUSY), hence no read before it.
macro_rules! versioned_update {
    ($conn:expr, $table:ident, $row:ty, $key:expr, $expected:expr, $changes:expr, $audit:expr) => {{
        use diesel::Connection as _;
        let key: &str = $key;
        let expected: i32 = $expected;
        $conn.transaction(|conn| -> Result<$row, $crate::models::WriteError> {
            let now = chrono::Utc::now().naive_utc();
            let updated =
                diesel::update($table::table.filter($table::key.eq(key)).filter($table::version.eq(expected)))
                    .set(($changes, $table::version.eq(expected + 1), $table::updated_at.eq(now)))
                    .execute(conn)?;
            if updated == 0 {
                let current: Option<i32> =
                    $table::table.filter($table::key.eq(key)).select($table::version).first(conn).optional()?;
                return Err(match current {
                    Some(current) => $crate::models::WriteError::Stale { current },
                    None => $crate::models::WriteError::NotFound,
                });
            }
            $audit.write(conn, now)?;
            <$row>::by_key(conn, key)?.ok_or($crate::models::WriteError::NotFound)
        })
    }};
}
pub(crate) use versioned_update;

/// Inserts `values` (with `created_at`/`updated_at` set to now) into `table`, writes the audit record, and returns
/// the row by its `key`; all in one transaction. A taken key is [`WriteError::Duplicate`].
macro_rules! audited_insert {
    ($conn:expr, $table:ident, $row:ty, $key:expr, $values:expr, $audit:expr) => {{
        use diesel::Connection as _;
        let key: &str = $key;
        $conn.transaction(|conn| -> Result<$row, $crate::models::WriteError> {
            let now = chrono::Utc::now().naive_utc();
            diesel::insert_into($table::table)
                .values(($values, $table::created_at.eq(now), $table::updated_at.eq(now)))
                .execute(conn)?;
            $audit.write(conn, now)?;
            <$row>::by_key(conn, key)?.ok_or($crate::models::WriteError::NotFound)
        })
    }};
}
pub(crate) use audited_insert;
