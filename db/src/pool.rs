//! The connection pool and the one way to run blocking diesel work off the async workers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::connection::{Backend, DbConnection, Manager};

/// Errors from running work on the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had: the database is down, unreachable or refusing connections.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A query failed.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// The blocking task was cancelled or panicked.
    #[error("database task failed: {0}")]
    Task(String),
}

impl DbError {
    /// Whether the error says the database could not be reached, rather than that a query was wrong.
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Unavailable(_) => true,
            DbError::Query(error) => lost_the_server(error),
            _ => false,
        }
    }
}

/// Whether diesel's error says the connection lost its server, rather than that a statement was wrong.
fn lost_the_server(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        // A server shutting down answers a statement in flight with an error of its own (SQLSTATE 57P01, 57P03) or
        // drops the socket under it; diesel gives those no kind of their own, only libpq's message.
        Error::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            // A socket reset under a statement reads as "could not receive data from server: Connection reset by
            // peer" (seen when a proxy between the API and the server dropped its links).
            const GONE: [&str; 10] = [
                "terminating connection due to administrator command",
                "the database system is shutting down",
                "the database system is starting up",
                "server closed the connection unexpectedly",
                "no connection to the server",
                "connection to server",
                "could not receive data from server",
                "could not send data to server",
                "SSL SYSCALL error",
                "lost synchronization with server",
            ];
            GONE.iter().any(|phrase| info.message().contains(phrase))
        }
        // A `COMMIT` whose connection died under it, so that its rollback could not be sent either: the server
        // decides alone (a transaction whose client left before its commit arrived is rolled back).
        Error::RollbackErrorOnCommit { commit_error, .. } => lost_the_server(commit_error),
        // A connection whose transaction could be neither committed nor rolled back; it is discarded as it goes back
        // to the pool (`Manager::has_broken`).
        Error::BrokenTransactionManager => true,
        _ => false,
    }
}

/// Pool sizing and timeouts.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections the pool holds.
    pub max_size: u32,
    /// How long a request waits for a free connection before it fails as unavailable.
    pub connection_timeout: Duration,
    /// On PostgreSQL, the longest one statement may run (`statement_timeout`): the server cancels it then, so that
    /// a request stopped for its time limit does not leave its statement running on a pooled connection.
    pub statement_timeout: Option<Duration>,
    /// Statements slower than this are logged with their SQL (never their values); none: no such log.
    pub slow_statement: Option<Duration>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_size: 10,
            connection_timeout: Duration::from_secs(5),
            statement_timeout: None,
            slow_statement: None,
        }
    }
}

/// A pool of connections to one database, cheap to clone: one count on one shared allocation, not one on each of its
/// parts (a request clones the handle, and each count is a cache line the workers' cores pass back and forth).
#[derive(Clone)]
pub struct Database {
    shared: Arc<Shared>,
    /// Whether this is a read replica's pool (`DATABASE_READ_URL`), whose data may lag the primary's.
    replica: bool,
}

struct Shared {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
    statements: Arc<AtomicU64>,
    /// How many times work went to a blocking thread ([`Database::run`]): each trip costs two thread handoffs.
    trips: AtomicU64,
    /// A handle on the pool's manager (its state is shared), to mark connections suspect.
    manager: Manager,
    /// One permit per connection: work waits for one here, on the async side, before it takes a blocking thread.
    /// Without it every waiting batch held a blocking thread parked in the pool (236 threads at 64 concurrent
    /// requests on a pool of 10), which cost context switches and memory.
    permits: Arc<tokio::sync::Semaphore>,
    /// How long work waits for a permit (the pool's own wait for a connection).
    connection_timeout: Duration,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("backend", &self.shared.backend).finish()
    }
}

impl Database {
    /// Builds a pool and opens its first connection, so that a wrong URL fails here with the database's own error.
    pub fn connect(url: &str, settings: &PoolSettings) -> Result<Database, DbError> {
        Self::connect_with(url, settings, None)
    }

    /// Like [`Database::connect`], with a statement every PostgreSQL connection runs first (such as a
    /// `search_path`).
    pub fn connect_with(
        url: &str,
        settings: &PoolSettings,
        pg_init: Option<&'static str>,
    ) -> Result<Database, DbError> {
        let backend = Backend::from_url(url);
        // SQLite serialises writers: a few connections are plenty, and fewer writers wait less on the file lock.
        let max_size = match backend {
            Backend::Postgres => settings.max_size,
            Backend::Sqlite => settings.max_size.min(8),
        };
        // Try once up front so the caller sees libpq's or SQLite's message rather than a pool timeout.
        crate::connection::establish(url).map_err(|e| DbError::Unavailable(e.to_string()))?;
        let statements = Arc::new(AtomicU64::new(0));
        let manager = Manager::new(url, statements.clone())
            .with_pg_init(pg_init)
            .with_statement_timeout(settings.statement_timeout)
            .with_slow_statement_log(settings.slow_statement);
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(settings.connection_timeout)
            .test_on_check_out(false)
            .error_handler(Box::new(r2d2::LoggingErrorHandler))
            .build(manager.clone())
            .map_err(|e| DbError::Unavailable(e.to_string()))?;
        let permits = Arc::new(tokio::sync::Semaphore::new(max_size as usize));
        Ok(Database {
            shared: Arc::new(Shared {
                pool,
                backend,
                statements,
                trips: AtomicU64::new(0),
                manager,
                permits,
                connection_timeout: settings.connection_timeout,
            }),
            replica: false,
        })
    }

    /// The same pool, marked as a read replica's: what is read from it may lag the primary.
    pub fn into_replica(mut self) -> Database {
        self.replica = true;
        self
    }

    /// Whether this is a read replica's pool.
    pub fn is_replica(&self) -> bool {
        self.replica
    }

    /// How many SQL statements this pool's connections have run since it was built.
    pub fn statements_executed(&self) -> u64 {
        self.shared.statements.load(Ordering::Relaxed)
    }

    /// How many statements this pool's connections have prepared to keep for reuse (see
    /// [`Manager::statements_kept`]).
    pub fn statements_kept(&self) -> u64 {
        self.shared.manager.statements_kept()
    }

    /// How many times work has gone to a blocking thread through [`Database::run`] since the pool was built.
    pub fn trips(&self) -> u64 {
        self.shared.trips.load(Ordering::Relaxed)
    }

    /// The pool's connections now: (open, idle, most it may open).
    pub fn pool_state(&self) -> (u32, u32, u32) {
        let state = self.shared.pool.state();
        (state.connections, state.idle_connections, self.shared.pool.max_size())
    }

    /// The backend behind this pool.
    pub fn backend(&self) -> Backend {
        self.shared.backend
    }

    /// A connection for synchronous callers (command-line tools, start-up).
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, DbError> {
        self.shared.pool.get().map_err(|e| DbError::Unavailable(e.to_string()))
    }

    /// Runs blocking diesel work on tokio's blocking pool, off the async workers.
    pub async fn run<F, T>(&self, work: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        self.shared.trips.fetch_add(1, Ordering::Relaxed);
        let shared = self.shared.clone();
        let permit = match tokio::time::timeout(shared.connection_timeout, shared.permits.clone().acquire_owned()).await
        {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(DbError::Unavailable("the pool is closed".into())),
            Err(_) => {
                return Err(DbError::Unavailable(format!(
                    "no connection was free within {} ms",
                    shared.connection_timeout.as_millis()
                )))
            }
        };
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let (pool, manager) = (&shared.pool, &shared.manager);
            let mut conn = pool.get().map_err(|e| DbError::Unavailable(e.to_string()))?;
            // While connections are suspect, skip the dead ones (each is discarded as it goes back to the pool).
            let mut tries = pool.max_size();
            while manager.suspecting() && tries > 0 && !manager.answers(&mut conn) {
                drop(conn);
                conn = pool.get().map_err(|e| DbError::Unavailable(e.to_string()))?;
                tries -= 1;
            }
            let result = work(&mut conn);
            if result.as_ref().err().is_some_and(DbError::is_unavailable) {
                manager.suspect();
            }
            result
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// Checks that the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), DbError> {
        use diesel::connection::SimpleConnection;
        self.run(|conn| conn.batch_execute("SELECT 1").map_err(DbError::from)).await
    }
}

#[cfg(test)]
mod unavailable_tests {
    use super::DbError;
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error};

    struct Info(&'static str);

    impl DatabaseErrorInformation for Info {
        fn message(&self) -> &str {
            self.0
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn unknown(message: &'static str) -> DbError {
        DbError::Query(Error::DatabaseError(DatabaseErrorKind::Unknown, Box::new(Info(message))))
    }

    #[test]
    fn a_server_shutting_down_is_unavailable_and_a_bad_query_is_not() {
        assert!(unknown("terminating connection due to administrator command").is_unavailable());
        assert!(unknown("FATAL:  the database system is shutting down").is_unavailable());
        assert!(unknown("server closed the connection unexpectedly\n\tThis probably means").is_unavailable());
        assert!(unknown("could not receive data from server: Connection reset by peer").is_unavailable());
        assert!(unknown("could not send data to server: Broken pipe").is_unavailable());
        assert!(!unknown("column \"nope\" does not exist").is_unavailable());
        assert!(!DbError::Query(Error::NotFound).is_unavailable());
        let commit_lost = |commit: DbError| match commit {
            DbError::Query(commit_error) => DbError::Query(Error::RollbackErrorOnCommit {
                rollback_error: Box::new(Error::DatabaseError(
                    DatabaseErrorKind::Unknown,
                    Box::new("no connection to the server".to_owned()),
                )),
                commit_error: Box::new(commit_error),
            }),
            other => other,
        };
        assert!(commit_lost(unknown("server closed the connection unexpectedly")).is_unavailable());
        assert!(!commit_lost(unknown("deferred constraint violated")).is_unavailable());
        assert!(DbError::Query(Error::BrokenTransactionManager).is_unavailable());
    }
}
