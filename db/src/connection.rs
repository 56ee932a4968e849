//! The connection type shared by both backends, and the r2d2 manager that opens it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use diesel::connection::{InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::r2d2::{Error as R2d2Error, ManageConnection};

/// One connection to either PostgreSQL or SQLite; every query in this crate is written against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, the production database.
    Pg(diesel::PgConnection),
    /// SQLite, the embedded default (a file in the data directory).
    Sqlite(diesel::SqliteConnection),
}

/// Which database a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// Picks the backend from the URL's scheme: `postgres://` or `postgresql://` is PostgreSQL; `sqlite://`,
    /// `sqlite:`, `file:` or a bare path is SQLite.
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// Lower-case name, as used in logs and test names.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

impl DbConnection {
    /// The backend this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Pg(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// The path SQLite should open for a URL (`sqlite://x`, `sqlite:x`, or a plain path).
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

/// Opens one connection, choosing the backend from the URL so that the real error (a wrong password, a stopped
/// server) reaches the caller, instead of diesel's generic "invalid connection url for multiconnection".
pub fn establish(url: &str) -> ConnectionResult<DbConnection> {
    match Backend::from_url(url) {
        Backend::Postgres => {
            // Initialise OpenSSL (which libpq uses for `sslmode=require`) without its exit-time clean-up: pool
            // threads may still be inside libpq when the process exits, and the clean-up would pull OpenSSL from
            // under them (seen as a segfault at exit). The first initialisation decides, so do it before libpq's.
            openssl_sys::init();
            diesel::PgConnection::establish(url).map(DbConnection::Pg)
        }
        Backend::Sqlite => {
            let mut conn = diesel::SqliteConnection::establish(sqlite_path(url))?;
            // WAL lets readers run beside the writer; busy_timeout makes writers queue instead of failing at once.
            conn.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
            )
            .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            Ok(DbConnection::Sqlite(conn))
        }
    }
}

fn now_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}

/// r2d2 manager for [`DbConnection`]. It counts the SQL statements its connections run, so that tests and
/// benchmarks can see how many statements a request costs.
#[derive(Debug, Clone)]
pub struct Manager {
    /// Shared, not copied: the manager is cloned with the database handle, for every request.
    url: Arc<str>,
    statements: Arc<AtomicU64>,
    /// Statements prepared to be kept (diesel's statement cache), one per text and connection.
    kept: Arc<AtomicU64>,
    pg_init: Option<&'static str>,
    /// `statement_timeout` of every PostgreSQL connection, in milliseconds.
    statement_timeout_ms: Option<u128>,
    /// Until when (Unix milliseconds) connections are suspected of having lost their server: set when a query fails
    /// for that reason, so that connections returned meanwhile are checked and the dead ones discarded.
    suspect_until: Arc<std::sync::atomic::AtomicI64>,
    /// Statements that take longer are logged (their SQL, never their bound values).
    slow_statement: Option<std::time::Duration>,
}

impl Manager {
    pub fn new(url: impl Into<String>, statements: Arc<AtomicU64>) -> Self {
        Manager {
            url: Arc::from(url.into()),
            statements,
            kept: Arc::default(),
            pg_init: None,
            statement_timeout_ms: None,
            suspect_until: Arc::default(),
            slow_statement: None,
        }
    }

    /// Logs every statement slower than `threshold` (none: no log), at WARN with target `hrc::slow_query`.
    pub fn with_slow_statement_log(mut self, threshold: Option<std::time::Duration>) -> Self {
        self.slow_statement = threshold;
        self
    }

    /// How many statements this manager's connections have prepared to keep for reuse: each connection prepares a
    /// kept statement on its first run, so this stops growing once every connection has run each of them.
    pub fn statements_kept(&self) -> u64 {
        self.kept.load(Ordering::Relaxed)
    }

    /// Marks connections as suspect for the next 30 seconds (a query failed because the server went away).
    pub fn suspect(&self) {
        let until = now_millis() + 30_000;
        self.suspect_until.fetch_max(until, Ordering::Relaxed);
    }

    /// Whether connections are suspect now.
    pub fn suspecting(&self) -> bool {
        now_millis() < self.suspect_until.load(Ordering::Relaxed)
    }

    /// Whether a connection answers, without counting the check as a statement of the request.
    pub fn answers(&self, conn: &mut DbConnection) -> bool {
        let ok = conn.batch_execute("SELECT 1").is_ok();
        self.statements.fetch_sub(1, Ordering::Relaxed);
        ok
    }

    /// A statement each new PostgreSQL connection runs before it is used.
    /// Gives every PostgreSQL connection a `statement_timeout` (none: the server's).
    pub fn with_statement_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.statement_timeout_ms = timeout.map(|t| t.as_millis().max(1));
        self
    }

    pub fn with_pg_init(mut self, statement: Option<&'static str>) -> Self {
        self.pg_init = statement;
        self
    }
}

/// A statement as diesel shows it (`SELECT … WHERE x = ? -- binds: ["value"]`), without its bound values.
pub fn without_binds(shown: &str) -> &str {
    shown.split(" -- binds: ").next().unwrap_or_default()
}

fn instrument(
    conn: &mut DbConnection,
    counter: Arc<AtomicU64>,
    kept: Arc<AtomicU64>,
    slow: Option<std::time::Duration>,
) {
    let mut started: Option<std::time::Instant> = None;
    let instrumentation = move |event: InstrumentationEvent<'_>| match event {
        InstrumentationEvent::StartQuery { .. } => {
            counter.fetch_add(1, Ordering::Relaxed);
            if slow.is_some() {
                started = Some(std::time::Instant::now());
            }
        }
        InstrumentationEvent::CacheQuery { .. } => {
            kept.fetch_add(1, Ordering::Relaxed);
        }
        InstrumentationEvent::FinishQuery { query, .. } => {
            let (Some(threshold), Some(at)) = (slow, started.take()) else { return };
            let took = at.elapsed();
            if took >= threshold {
                // The SQL is the code's; the bound values (search words, names, confidential text) stay out.
                let shown = query.to_string();
                let sql = without_binds(&shown);
                tracing::warn!(target: "hrc::slow_query", ms = took.as_millis() as u64, sql, "slow SQL statement");
            }
        }
        _ => {}
    };
    match conn {
        DbConnection::Pg(c) => c.set_instrumentation(instrumentation),
        DbConnection::Sqlite(c) => c.set_instrumentation(instrumentation),
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = R2d2Error;

    fn connect(&self) -> Result<DbConnection, R2d2Error> {
        let mut conn = establish(&self.url).map_err(R2d2Error::ConnectionError)?;
        if let (Some(statement), DbConnection::Pg(pg)) = (self.pg_init, &mut conn) {
            pg.batch_execute(statement).map_err(R2d2Error::QueryError)?;
        }
        if let (Some(ms), DbConnection::Pg(pg)) = (self.statement_timeout_ms, &mut conn) {
            pg.batch_execute(&format!("SET statement_timeout = {ms}")).map_err(R2d2Error::QueryError)?;
        }
        if let DbConnection::Pg(pg) = &mut conn {
            // No JIT compilation: it pays only on queries that run for seconds, and an API's run for milliseconds.
            // On a count over a million recommendations it cost 170 ms of a 636 ms statement (466 ms without it).
            pg.batch_execute("SET jit = off").map_err(R2d2Error::QueryError)?;
        }
        instrument(&mut conn, self.statements.clone(), self.kept.clone(), self.slow_statement);
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), R2d2Error> {
        conn.batch_execute("SELECT 1").map_err(R2d2Error::QueryError)
    }

    /// A connection goes back to the pool unless its work panicked or left a transaction that could be neither
    /// committed nor rolled back (diesel's own checks). It is also sent a statement on its way back while
    /// connections are suspect (after a query failed because the server went away): then a dead one is discarded,
    /// and the pool opens a new one when the server is back. The rest of the time this costs nothing.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || conn.is_broken() || (self.suspecting() && !self.answers(conn))
    }
}

#[cfg(test)]
mod slow_log_tests {
    use diesel::prelude::*;

    #[test]
    fn the_slow_log_shows_the_sql_and_never_the_values() {
        use crate::schema::recommendations;
        let query = recommendations::table.filter(recommendations::text_en.eq("a confidential search word"));
        let shown = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&query).to_string();
        assert!(shown.contains("a confidential search word"), "diesel shows the value: {shown}");
        let logged = super::without_binds(&shown);
        assert!(logged.contains("FROM `recommendations`"), "{logged}");
        assert!(!logged.contains("confidential"), "{logged}");
    }
}
