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
        matches!(
            self,
            DbError::Unavailable(_)
                | DbError::Query(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ClosedConnection,
                    _,
                ))
        )
    }
}

/// Pool sizing and timeouts.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections the pool holds.
    pub max_size: u32,
    /// How long a request waits for a free connection before it fails as unavailable.
    pub connection_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings { max_size: 10, connection_timeout: Duration::from_secs(5) }
    }
}

/// A pool of connections to one database, cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
    statements: Arc<AtomicU64>,
    /// A handle on the pool's manager (its state is shared), to mark connections suspect.
    manager: Manager,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("backend", &self.backend).finish()
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
        let manager = Manager::new(url, statements.clone()).with_pg_init(pg_init);
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(settings.connection_timeout)
            .test_on_check_out(false)
            .error_handler(Box::new(r2d2::LoggingErrorHandler))
            .build(manager.clone())
            .map_err(|e| DbError::Unavailable(e.to_string()))?;
        Ok(Database { pool, backend, statements, manager })
    }

    /// How many SQL statements this pool's connections have run since it was built.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The backend behind this pool.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for synchronous callers (command-line tools, start-up).
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, DbError> {
        self.pool.get().map_err(|e| DbError::Unavailable(e.to_string()))
    }

    /// Runs blocking diesel work on tokio's blocking pool, off the async workers.
    pub async fn run<F, T>(&self, work: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let manager = self.manager.clone();
        tokio::task::spawn_blocking(move || {
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
