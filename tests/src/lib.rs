//! Test harness: the real server, bound to port 0, over a fresh database per test.
//!
//! Every database test runs on SQLite, and on PostgreSQL when `HRC_TEST_DATABASE_URL` names a server (any database
//! on it: each test creates its own database there and drops it afterwards). With `HRC_TEST_REQUIRE_POSTGRES=1` a
//! PostgreSQL test fails instead of skipping when no URL is given, so CI cannot pass without running them.

pub mod fixtures;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use hrc_api::config::Environment;
use hrc_api::{Application, Settings};
pub use hrc_db::Backend;
use hrc_schema::support::auth::Authenticator;
use serde_json::{json, Value};

pub use reqwest::StatusCode;

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_URL_VAR: &str = "HRC_TEST_DATABASE_URL";
/// Set to `1` to make PostgreSQL tests fail rather than skip without a URL.
pub const PG_REQUIRED_VAR: &str = "HRC_TEST_REQUIRE_POSTGRES";

/// Runs each listed `async fn name(app: TestApp)` as two tests, `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let app = $crate::TestApp::spawn($crate::Backend::Sqlite).await.expect("SQLite is always available");
                    super::$name(app).await;
                }

                #[tokio::test]
                async fn postgres() {
                    if let Some(app) = $crate::TestApp::spawn($crate::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )+
    };
}

/// A PostgreSQL database made for one test, with its two roles, all dropped when the test ends.
struct PgDatabase {
    admin_url: String,
    name: String,
    roles: [String; 2],
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
            for role in &self.roles {
                let _ = conn.batch_execute(&format!("DROP ROLE IF EXISTS \"{role}\""));
            }
        }
    }
}

/// The URL of database `name` on the server of `url`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..].find('/').map(|i| i + scheme_end).unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// The URL of `url` as another role (the server must let it in without a password, as CI's trust auth does).
fn as_role(url: &str, role: &str) -> String {
    let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
    let rest = &url[scheme_end..];
    let host = match rest.find('@') {
        Some(at) if rest[..at].find('/').is_none() => &rest[at + 1..],
        _ => rest,
    };
    format!("{}{role}@{host}", &url[..scheme_end])
}

/// The PostgreSQL server URL for tests, or `None` (after saying so) when none is configured.
///
/// Unless the URL says otherwise (`sslmode=`), tests connect without TLS: the server is on loopback, and a thread
/// of a test that has ended, still inside libpq's OpenSSL as the process exits, crashes the exit with SIGSEGV after
/// every test passed (seen in CI; reproduced with threads connecting at exit, 2 exits in 15 with TLS, none without).
/// The servers the tests start stop their own threads (`teardown.rs`); this closes the window left by the last
/// test's. The TLS path has its own test, `postgres_tls.rs`.
pub fn postgres_url() -> Option<String> {
    match std::env::var(PG_URL_VAR).ok().filter(|u| !u.is_empty()) {
        Some(url) if url.contains("sslmode=") => Some(url),
        Some(url) => Some(format!("{url}{}sslmode=disable", if url.contains('?') { '&' } else { '?' })),
        None if std::env::var(PG_REQUIRED_VAR).as_deref() == Ok("1") => {
            panic!("{PG_REQUIRED_VAR}=1 but {PG_URL_VAR} is not set: the PostgreSQL tests cannot run")
        }
        None => {
            eprintln!("skipped on PostgreSQL: set {PG_URL_VAR} to run this test there too");
            None
        }
    }
}

/// A database for one test: a URL, and what keeps it alive.
///
/// On PostgreSQL it is made as production should be: the API's ordinary role owns the database (and is no
/// superuser); the confidential complaint store's role owns the schema `complaints` in it, on which the ordinary
/// role has no privilege. On SQLite the store is a second file.
pub struct TestDatabase {
    pub url: String,
    /// The confidential complaint store.
    pub confidential_url: String,
    pub backend: Backend,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl TestDatabase {
    /// The database's own temporary directory (the server's data dir).
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// A fresh, empty database; `None` for PostgreSQL when no server is configured.
    pub fn create(backend: Backend) -> Option<TestDatabase> {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => Some(TestDatabase {
                url: format!("sqlite://{}", dir.path().join("test.sqlite3").display()),
                confidential_url: format!("sqlite://{}", dir.path().join("confidential.sqlite3").display()),
                backend,
                _dir: dir,
                _pg: None,
            }),
            Backend::Postgres => {
                let admin_url = postgres_url()?;
                let id = uuid::Uuid::new_v4().simple().to_string();
                let name = format!("hrc_test_{id}");
                let (api_role, complaint_role) = (format!("hrc_api_{id}"), format!("hrc_complaints_{id}"));
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("{PG_URL_VAR} does not connect: {e}"));
                // One statement per call: CREATE DATABASE cannot share an implicit transaction.
                for statement in [
                    format!("CREATE ROLE \"{api_role}\" LOGIN"),
                    format!("CREATE ROLE \"{complaint_role}\" LOGIN"),
                    format!("CREATE DATABASE \"{name}\" OWNER \"{api_role}\""),
                ] {
                    admin.batch_execute(&statement).expect("create the test database and its roles");
                }
                let pg = PgDatabase {
                    admin_url: admin_url.clone(),
                    name: name.clone(),
                    roles: [api_role.clone(), complaint_role.clone()],
                };
                let database_url = with_database(&admin_url, &name);
                let mut in_database =
                    diesel::PgConnection::establish(&database_url).expect("connect to the test database");
                in_database
                    .batch_execute(&format!("CREATE SCHEMA complaints AUTHORIZATION \"{complaint_role}\""))
                    .expect("create the confidential schema");
                Some(TestDatabase {
                    url: as_role(&database_url, &api_role),
                    confidential_url: as_role(&database_url, &complaint_role),
                    backend,
                    _dir: dir,
                    _pg: Some(pg),
                })
            }
        }
    }
}

/// A running server over its own database, with an HTTP client.
pub struct TestApp {
    pub address: String,
    /// The server's own pool, to count the statements a request costs.
    pub db: hrc_db::Database,
    /// The server's pool over the confidential store.
    pub store: hrc_db::confidential::ConfidentialStore,
    pub backend: Backend,
    pub client: reqwest::Client,
    pub settings: Settings,
    pub auth: Authenticator,
    pub database: TestDatabase,
}

/// A secret for test tokens (32 bytes or more, as production requires).
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// Settings for a test server over a test database.
pub fn test_settings(database: &TestDatabase) -> Settings {
    Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: database.dir().to_path_buf(),
        database_url: database.url.clone(),
        database_read_url: None,
        confidential_database_url: database.confidential_url.clone(),
        environment: Environment::Development,
        jwt_issuer: "hrc-api-test".into(),
        jwt_audience: "hrc-api-test".into(),
        jwt_leeway_seconds: 5,
        jwt_secret: Some(TEST_SECRET.into()),
        jwt_rs256_key_file: None,
        jwt_eddsa_key_file: None,
        jwt_jwks_file: None,
        max_body_bytes: 64 * 1024,
        pool_size: 4,
        workers: Some(1),
        // The copy of the reference tables is on, as in production, with a time to live no test outlasts: a copy read
        // anew in the middle of a test would add its statements to those the test counts.
        limits: hrc_schema::Limits { reference_cache: Duration::from_secs(600), ..Default::default() },
        fund_quorum: 3,
        early_warning: Default::default(),
        // Many tests write to the database behind the server's back (fixtures, demo data), which no cache can
        // hear of: the response cache is off here, and on in the tests of caching (`enable_cache`).
        caching: hrc_api::config::Caching { response_cache_mb: 0, ..Default::default() },
        observability: Default::default(),
        graphiql_assets: None,
    }
}

impl TestApp {
    /// Starts a server over a fresh database of `backend`; `None` when that backend is not configured.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let database = TestDatabase::create(backend)?;
        let settings = test_settings(&database);
        Some(Self::spawn_with(settings, database).await)
    }

    /// Starts a server over a fresh database of `backend` with the response cache on (as it is by default).
    pub async fn spawn_cached(backend: Backend) -> TestApp {
        let database = TestDatabase::create(backend).expect("the backend is configured");
        let mut settings = test_settings(&database);
        settings.caching = Default::default();
        Self::spawn_with(settings, database).await
    }

    /// Starts a server over a fresh database of `backend` that keeps no counts in memory
    /// (`HRC_COUNT_CACHE_SECONDS=0`): for the tests of the statements a count costs in the database.
    pub async fn spawn_without_count_cache(backend: Backend) -> TestApp {
        let database = TestDatabase::create(backend).expect("the backend is configured");
        let mut settings = test_settings(&database);
        settings.limits.count_cache = Duration::ZERO;
        Self::spawn_with(settings, database).await
    }

    /// Starts a server with the given settings.
    pub async fn spawn_with(settings: Settings, database: TestDatabase) -> TestApp {
        let app = Application::build(&settings).expect("the server starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.database();
        let store = app.confidential_store();
        tokio::spawn(app.run_until_stopped());
        let (auth, _) = settings.authenticator().expect("authenticator");
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
        TestApp { address, db, store, backend: database.backend, client, settings, auth, database }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A token signed with the server's key.
    pub fn token(&self, subject: &str, roles: &[&str], country: Option<&str>) -> String {
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        self.auth.issue(subject, &roles, country, 600).expect("HS256 signs").expect("token")
    }

    /// POSTs a GraphQL request body; returns the status and the JSON body.
    pub async fn post(&self, body: &Value, token: Option<&str>) -> (StatusCode, Value) {
        let mut request = self.client.post(self.url("/graphql")).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON body");
        assert_errors_have_codes(&body);
        (status, body)
    }

    /// Announces on PostgreSQL's events channel that data changed, as another node or `hrc-api import` does.
    pub async fn announce_change(&self) {
        self.db
            .run(|c| {
                use diesel::RunQueryDsl;
                let event = serde_json::to_string(&hrc_schema::events::Event::DataChanged { origin: 0 }).unwrap();
                diesel::sql_query("SELECT pg_notify($1, $2)")
                    .bind::<diesel::sql_types::Text, _>(hrc_schema::events::CHANNEL)
                    .bind::<diesel::sql_types::Text, _>(event)
                    .execute(c)?;
                Ok(())
            })
            .await
            .expect("the change is announced");
    }

    /// How many statements the server ran for one anonymous query, and its `data`; fails the test on any error.
    pub async fn statements_of(&self, query: &str) -> (u64, Value) {
        let before = self.db.statements_executed();
        let (_, body) = self.post(&json!({ "query": query }), None).await;
        let after = self.db.statements_executed();
        assert!(body.get("errors").is_none(), "{body}");
        (after - before, body["data"].clone())
    }

    /// Runs a query anonymously and returns its `data`, failing the test on any error.
    pub async fn query(&self, query: &str) -> Value {
        self.query_as(query, None).await
    }

    /// Runs a query with a token and returns its `data`, failing the test on any error.
    pub async fn query_as(&self, query: &str, token: Option<&str>) -> Value {
        let (status, body) = self.post(&json!({ "query": query }), token).await;
        assert_eq!(status, StatusCode::OK, "body: {body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs a query expected to fail; returns the status and the first error's code.
    pub async fn query_error(&self, query: &str) -> (StatusCode, String, Value) {
        let (status, body) = self.post(&json!({ "query": query }), None).await;
        let code = first_code(&body);
        (status, code, body)
    }
}

/// The `extensions.code` of a response's first error (panics if there is no error).
pub fn first_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error with a code: {body}"))
        .to_owned()
}

/// Every error in a GraphQL response carries `extensions.code`.
pub fn assert_errors_have_codes(body: &Value) {
    if let Some(errors) = body.get("errors") {
        let errors = errors.as_array().unwrap_or_else(|| panic!("errors is not a list: {body}"));
        assert!(!errors.is_empty(), "an empty errors list: {body}");
        for error in errors {
            assert!(
                error["extensions"]["code"].as_str().is_some_and(|c| !c.is_empty()),
                "an error without extensions.code: {error}"
            );
            assert!(error["message"].as_str().is_some(), "an error without a message: {error}");
        }
    }
}

/// Opens a GraphQL WebSocket (`graphql-transport-ws`) to the server, initialised with `token`, subscribes to `query`,
/// and returns the first message about it: `Some` of a `next` or `error` message, `None` if none came within
/// `wait` (a subscription that is open and has nothing yet). A connection refused at `connection_init` gives
/// `Some` of `{ "type": "closed", "code": <close code> }`.
pub async fn ws_first(app: &TestApp, token: Option<&str>, query: &str, wait: Duration) -> Option<Value> {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;
    let mut request = app.url("/graphql").replace("http://", "ws://").into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("the socket opens");
    let payload = match token {
        Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    let init = json!({ "type": "connection_init", "payload": payload });
    socket.send(Message::Text(init.to_string().into())).await.unwrap();
    let subscribe = json!({ "type": "subscribe", "id": "1", "payload": { "query": query } });
    let mut subscribed = false;
    loop {
        let next = tokio::time::timeout(wait, socket.next()).await;
        match next {
            Err(_) => return None,
            Ok(Some(Ok(Message::Text(text)))) => {
                let message: Value = serde_json::from_str(&text).unwrap();
                if message["type"] == "connection_ack" && !subscribed {
                    socket.send(Message::Text(subscribe.to_string().into())).await.unwrap();
                    subscribed = true;
                } else if message["type"] == "next" || message["type"] == "error" {
                    return Some(message);
                }
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                return Some(json!({ "type": "closed", "code": frame.map(|f| u16::from(f.code)).unwrap_or(0) }))
            }
            Ok(Some(Ok(_))) => {}
            Ok(_) => return Some(json!({ "type": "closed", "code": 0 })),
        }
    }
}
