//! Start-up: the database (connect, migrate, seed), the schema, and the HTTP server bound to its listener.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use hrc_db::confidential::ConfidentialStore;
use hrc_db::{Backend, Database, PoolSettings, SeedReport};
use hrc_schema::support::auth::Authenticator;
use hrc_schema::AppSchema;
use tracing_actix_web::TracingLogger;

use crate::config::{Environment, Settings};
use crate::routes;

/// What every request handler shares.
pub struct AppState {
    pub schema: AppSchema,
    pub auth: Authenticator,
    pub db: Database,
    /// The read replica's pool (`DATABASE_READ_URL`), if there is one.
    pub read_db: Option<Database>,
    pub max_body_bytes: usize,
    /// Turns true when the server starts to stop: WebSockets then deliver what is ready and close.
    pub stopping: tokio::sync::watch::Receiver<bool>,
    /// The node's event hub (a mutation announces that data changed).
    pub events: hrc_schema::events::Events,
    /// Registered and client-registered documents, and the allow-list.
    pub persisted: crate::caching::PersistedQueries,
    /// The cache of public responses.
    pub cache: std::sync::Arc<crate::caching::ResponseCache>,
    /// Prometheus metrics, and who may read them.
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
    pub metrics_access: MetricsAccess,
    /// Requests slower than this are logged.
    pub slow_request: Option<Duration>,
    /// GraphQL executions under way at once: four per database connection. The rest wait their turn before they
    /// start, holding no memory for answers that could not go faster anyway (256 clients of a 50-item page peaked at
    /// 181 MB without it).
    pub executions: std::sync::Arc<tokio::sync::Semaphore>,
    /// How long a request waits for its turn (the request time limit).
    pub execution_wait: Duration,
    /// The GraphiQL page, made once; and the folder of its assets when they are served from here.
    pub graphiql: crate::routes::graphiql::Page,
    /// Documents already parsed.
    pub documents: crate::caching::Documents,
}

impl AppState {
    /// Where public reads go: the read replica if there is one, else the primary.
    pub fn public_db(&self) -> &Database {
        self.read_db.as_ref().unwrap_or(&self.db)
    }
}

/// Who may read `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Anyone (development without a token).
    Open,
    /// Callers that send this bearer token.
    Token(String),
    /// Nobody: production without a token answers `404`.
    Off,
}

impl MetricsAccess {
    /// A token guards the metrics; without one, development opens them and production turns them off.
    pub fn decide(token: Option<String>, production: bool) -> MetricsAccess {
        match (token, production) {
            (Some(token), _) => MetricsAccess::Token(token),
            (None, true) => MetricsAccess::Off,
            (None, false) => MetricsAccess::Open,
        }
    }
}

/// What preparing the database did.
#[derive(Debug)]
pub struct Prepared {
    pub migrations: Vec<String>,
    /// The confidential store's migrations applied.
    pub confidential_migrations: Vec<String>,
    pub seed: SeedReport,
}

/// Applies pending migrations and (if asked) loads the reference and seed data, over one connection of its own: the
/// command-line tools need no pool, and a pool's background threads must not outlive a short-lived process.
pub fn prepare_database(settings: &Settings, seed: bool) -> anyhow::Result<Prepared> {
    for url in [&settings.database_url, &settings.confidential_database_url] {
        if Backend::from_url(url) == Backend::Sqlite {
            let path = std::path::Path::new(hrc_db::connection::sqlite_path(url));
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
        }
    }
    check_separation(settings)?;
    let mut conn = hrc_db::connection::establish(&settings.database_url)
        .with_context(|| format!("connecting to {}", redact(&settings.database_url)))?;
    let migrations = hrc_db::migrations::run_pending(&mut conn).map_err(|e| anyhow::anyhow!("migrating: {e}"))?;
    let seed =
        if seed { hrc_db::seed::load(&mut conn).context("loading the seed data")? } else { SeedReport::default() };
    let confidential_migrations = hrc_db::confidential::prepare(&settings.confidential_database_url)
        .with_context(|| format!("preparing the confidential store {}", redact(&settings.confidential_database_url)))?;
    // The ordinary role must have no way into the confidential schema. Checked after both are ready, since the store
    // may live in the same PostgreSQL database.
    if hrc_db::confidential::can_use_pg_schema(&mut conn).context("checking the confidential schema's privileges")? {
        let message = format!(
            "the role of DATABASE_URL may use the confidential schema {:?}: give the complaint store its own role \
             (see the README)",
            hrc_db::confidential::PG_SCHEMA
        );
        match settings.environment {
            Environment::Production => anyhow::bail!(message),
            Environment::Development => tracing::warn!("{message} (allowed in development only)"),
        }
    }
    Ok(Prepared { migrations, confidential_migrations, seed })
}

/// The confidential store must not be the public database: not the same SQLite file, not the same PostgreSQL role.
fn check_separation(settings: &Settings) -> anyhow::Result<()> {
    let (public, confidential) = (&settings.database_url, &settings.confidential_database_url);
    match (Backend::from_url(public), Backend::from_url(confidential)) {
        (Backend::Sqlite, Backend::Sqlite) => {
            let canonical = |url: &str| {
                let path = std::path::Path::new(hrc_db::connection::sqlite_path(url));
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
                std::fs::canonicalize(dir).map(|d| d.join(path.file_name().unwrap_or_default())).ok()
            };
            if canonical(public).is_some_and(|p| Some(p) == canonical(confidential)) {
                anyhow::bail!(
                    "CONFIDENTIAL_DATABASE_URL names the same SQLite file as DATABASE_URL: give it its own file"
                );
            }
        }
        (Backend::Postgres, Backend::Postgres) if public == confidential => {
            anyhow::bail!("CONFIDENTIAL_DATABASE_URL is DATABASE_URL: the complaint store needs its own database role")
        }
        _ => {}
    }
    Ok(())
}

/// The confidential store's pool.
pub fn connect_store(settings: &Settings) -> anyhow::Result<ConfidentialStore> {
    // The store is small and its callers few.
    let pool = PoolSettings {
        max_size: settings.pool_size.min(4),
        statement_timeout: Some(statement_timeout(settings)),
        slow_statement: slow_statement(settings),
        ..PoolSettings::default()
    };
    ConfidentialStore::connect(&settings.confidential_database_url, &pool).with_context(|| {
        format!("connecting to the confidential store {}", redact(&settings.confidential_database_url))
    })
}

/// How long one PostgreSQL statement may run: a second past the request's time limit, so that the request is
/// answered `TIMEOUT` first and its statement is then cancelled, freeing the connection.
fn statement_timeout(settings: &Settings) -> Duration {
    settings.limits.timeout + Duration::from_secs(1)
}

fn slow_statement(settings: &Settings) -> Option<Duration> {
    let ms = settings.observability.slow_query_ms;
    (ms > 0).then(|| Duration::from_millis(ms))
}

/// The connection pool the server uses.
pub fn connect_pool(settings: &Settings) -> anyhow::Result<Database> {
    Database::connect(&settings.database_url, &public_pool_settings(settings))
        .with_context(|| format!("connecting to {}", redact(&settings.database_url)))
}

/// The sizing and limits of the public database's pools (the primary's and the replica's).
fn public_pool_settings(settings: &Settings) -> PoolSettings {
    PoolSettings {
        max_size: settings.pool_size,
        statement_timeout: Some(statement_timeout(settings)),
        slow_statement: slow_statement(settings),
        ..PoolSettings::default()
    }
}

/// The pool of the read replica, when `DATABASE_READ_URL` names one.
pub fn connect_read_pool(settings: &Settings) -> anyhow::Result<Option<Database>> {
    let Some(url) = &settings.database_read_url else { return Ok(None) };
    let read = Database::connect(url, &public_pool_settings(settings))
        .with_context(|| format!("connecting to the replica {}", redact(url)))?;
    if read.backend() != Backend::from_url(&settings.database_url) {
        anyhow::bail!("DATABASE_READ_URL must be a replica of DATABASE_URL, on the same kind of database");
    }
    Ok(Some(read.into_replica()))
}

/// A database URL with any password hidden, for logs and messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The schema over the two pools, with the settings' limits and policies, and the event hub it publishes to.
pub fn build_schema(
    settings: &Settings,
    db: &Database,
    store: &ConfidentialStore,
) -> (AppSchema, hrc_schema::events::Events) {
    let policy = hrc_schema::fund::FundPolicy { quorum: settings.fund_quorum };
    let events = hrc_schema::events::Events::start(db.clone(), &settings.database_url);
    let early_warning = hrc_schema::early_warning::EarlyWarningPolicy(settings.early_warning.clone());
    let schema = hrc_schema::build(db.clone(), store.clone(), events.clone(), &settings.limits, policy, early_warning);
    (schema, events)
}

/// A running server.
pub struct Application {
    port: u16,
    server: Server,
    /// Where the signing key came from, for the start-up message.
    pub key_origin: String,
    pub prepared_migrations: Vec<String>,
    pub seed: SeedReport,
    pub backend: Backend,
    database: Database,
    store: ConfidentialStore,
    /// Tells the sockets the server is stopping.
    stopping: tokio::sync::watch::Sender<bool>,
    /// The node's event hub, whose publications under way finish before the sockets close.
    events: hrc_schema::events::Events,
}

impl Application {
    /// Prepares the database and binds the server (port 0 picks a free port; [`Application::port`] tells which).
    pub fn build(settings: &Settings) -> anyhow::Result<Application> {
        let (auth, key_origin) = settings.authenticator()?;
        let prepared = prepare_database(settings, true)?;
        let db = connect_pool(settings)?;
        let read_db = connect_read_pool(settings)?;
        let store = connect_store(settings)?;
        let (schema, events) = build_schema(settings, &db, &store);
        let persisted = crate::caching::PersistedQueries::load(db.clone(), &settings.caching)?;
        let cache = std::sync::Arc::new(crate::caching::ResponseCache::new(&settings.caching));
        let metrics = crate::metrics::Metrics::new(&db, read_db.as_ref(), &store);
        let metrics_access = MetricsAccess::decide(
            settings.observability.metrics_token.clone(),
            settings.environment == crate::config::Environment::Production,
        );
        if metrics_access == MetricsAccess::Off {
            tracing::info!("/metrics is off: production serves it only with HRC_METRICS_TOKEN set");
        }
        let slow_ms = settings.observability.slow_request_ms;
        let slow_request = (slow_ms > 0).then(|| Duration::from_millis(slow_ms));
        let listener = TcpListener::bind(&settings.bind).with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let backend = db.backend();
        let database = db.clone();
        let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
        let state = web::Data::new(AppState {
            schema,
            auth,
            db,
            read_db,
            max_body_bytes: settings.max_body_bytes,
            stopping: stopping_rx,
            events: events.clone(),
            persisted,
            cache,
            metrics,
            metrics_access,
            slow_request,
            executions: std::sync::Arc::new(tokio::sync::Semaphore::new((settings.pool_size as usize * 4).max(8))),
            execution_wait: settings.limits.timeout,
            graphiql: crate::routes::graphiql::Page::new(settings.graphiql_assets.clone()),
            documents: crate::caching::Documents::new(settings.limits.document_bytes),
        });
        // The cache follows the node's events: a change here, or announced by PostgreSQL, empties it.
        state.cache.follow(&state.events);
        state.schema.reference().follow(&state.events);
        state.schema.counts().follow(&state.events);
        // The reference tables are read before the first request, so that it does not wait for them.
        match database.get() {
            Ok(mut conn) => {
                if let Err(e) = state.schema.reference().get_or_load(database.is_replica(), &mut conn) {
                    tracing::warn!(error = %e, "the reference tables could not be read ahead; the first request will");
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "the reference tables could not be read ahead; the first request will")
            }
        }
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(actix_web::middleware::from_fn(crate::routes::measure))
                .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
                .app_data(state.clone())
                .configure(routes::configure)
        })
        .shutdown_timeout(Duration::from_secs(10).as_secs())
        // Signals are ours (see `run_until_stopped`): sockets must hear of the stop before the server waits on them.
        .disable_signals();
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener)?.run();
        Ok(Application {
            port,
            server,
            key_origin,
            prepared_migrations: prepared.migrations,
            seed: prepared.seed,
            backend,
            database,
            store,
            stopping,
            events,
        })
    }

    /// The server's database pool (for tests and tools: counting statements, say).
    pub fn database(&self) -> Database {
        self.database.clone()
    }

    /// The confidential store's pool (for tests that check what the store holds).
    pub fn confidential_store(&self) -> ConfidentialStore {
        self.store.clone()
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop (SIGINT or SIGTERM): the server stops accepting; events being
    /// published go out (within 2 s); every WebSocket delivers the messages it has ready, then closes with 1001 (going away), so that clients reconnect elsewhere;
    /// requests in flight finish (within 10 s); the listener on PostgreSQL closes its connection (within 2 s); then
    /// the pools close with the process.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let (stopping, events) = (self.stopping, self.events);
        let listener = events.clone();
        tokio::spawn(async move {
            if wait_for_stop_signal().await.is_err() {
                return;
            }
            tracing::info!("stopping: closing WebSockets, finishing requests in flight");
            // No new connection; events of changes already acknowledged reach the sockets before they close.
            handle.pause().await;
            events.settle(Duration::from_secs(2)).await;
            let _ = stopping.send(true);
            handle.stop(true).await;
        });
        let served = self.server.await;
        // No thread is left inside libpq as the process exits.
        let stopped = tokio::task::spawn_blocking(move || listener.stop_listening());
        if tokio::time::timeout(Duration::from_secs(2), stopped).await.is_err() {
            tracing::warn!("the event listener did not stop within 2 s");
        }
        served
    }
}

/// Waits for SIGTERM or SIGINT; an error if they cannot be listened for (the server then runs until killed).
async fn wait_for_stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = terminate.recv() => Ok(()),
            interrupted = tokio::signal::ctrl_c() => interrupted,
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_from_database_urls() {
        assert_eq!(
            redact("postgres://hrc:s3cret@db:5432/hrc?sslmode=require"),
            "postgres://hrc:***@db:5432/hrc?sslmode=require"
        );
        assert_eq!(redact("postgres://hrc@db/hrc"), "postgres://hrc@db/hrc");
        assert_eq!(redact("sqlite://./data/hrc.sqlite3"), "sqlite://./data/hrc.sqlite3");
    }
}
