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
                    .set(($changes, $table::version.eq(expected.saturating_add(1)), $table::updated_at.eq(now)))
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

/// Inserts a row whose key derives from its id, inside the caller's transaction: under a random provisional key
/// first, then under `$key(id)`; evaluates to `(id, key)`.
macro_rules! insert_keyed {
    ($conn:expr, $table:ident, $values:expr, $key:expr) => {{
        let provisional = format!("provisional:{:016x}", rand::random::<u64>());
        diesel::insert_into($table::table).values(($table::key.eq(&provisional), $values)).execute($conn)?;
        let id: i64 = $table::table.filter($table::key.eq(&provisional)).select($table::id).first($conn)?;
        let key: String = ($key)(id);
        diesel::update($table::table.find(id)).set($table::key.eq(&key)).execute($conn)?;
        (id, key)
    }};
}
pub(crate) use insert_keyed;

/// Why a workflow write (a transition, a versioned change of a record with a life cycle) did not happen.
#[derive(Debug)]
pub enum WorkflowError {
    /// No record that the caller may act on has that key.
    NotFound,
    /// Another write landed first: the version now current.
    Stale {
        current: i32,
    },
    /// The workflow does not allow the move; `allowed` lists where it may go from `from`.
    Transition {
        from: &'static str,
        to: &'static str,
        allowed: Vec<&'static str>,
    },
    /// Input the records in the database refuse, naming the field at fault.
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The change contradicts the records (a seat taken, a consent already standing).
    Conflict(String),
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for WorkflowError {
    fn from(e: diesel::result::Error) -> Self {
        WorkflowError::Database(e)
    }
}

/// Now, in UTC, to the microsecond (what both backends store).
pub(crate) fn now() -> chrono::NaiveDateTime {
    use chrono::Timelike;
    let now = chrono::Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now)
}

/// On SQLite, a transaction that writes must take the write lock before it reads (else it cannot wait for another
/// writer and fails with SQLITE_BUSY); PostgreSQL needs nothing.
pub(crate) fn lock_for_write(conn: &mut crate::DbConnection) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    if conn.backend() == crate::Backend::Sqlite {
        diesel::sql_query("UPDATE funds SET id = id WHERE 1 = 0").execute(conn)?;
    }
    Ok(())
}
