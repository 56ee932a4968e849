//! Settings, read from the environment in this one place.

use std::path::{Path, PathBuf};

use hrc_schema::support::auth::{AuthSettings, Authenticator, VerificationKey};
use hrc_schema::Limits;

/// Development or production. Production refuses development conveniences (a generated signing key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Why the settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {message}")]
    Invalid { name: &'static str, message: String },
    #[error(
        "HRC_ENV=production needs a verification key: set HRC_JWT_JWKS_FILE, HRC_JWT_RS256_PUBLIC_KEY_FILE, \
         HRC_JWT_EDDSA_PUBLIC_KEY_FILE, HRC_JWT_SECRET or HRC_JWT_SECRET_FILE"
    )]
    NoProductionKey,
    #[error("{0}")]
    Io(String),
}

/// All settings of the server and the tools.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on (`HRC_BIND`).
    pub bind: String,
    /// Where the SQLite file and the development key live (`HRC_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Database URL (`DATABASE_URL`): `postgres://…` or a SQLite path; default a SQLite file in the data dir.
    pub database_url: String,
    /// A read replica of that database (`DATABASE_READ_URL`), optional: public reads (anonymous GraphQL queries,
    /// the REST endpoints and exports) go to it; writes, and reads by signed-in callers (restricted data, and their
    /// own writes read back), stay on `database_url`. Its schema is the primary's: no migration runs on it.
    pub database_read_url: Option<String>,
    /// The confidential complaint store (`CONFIDENTIAL_DATABASE_URL`): a PostgreSQL URL whose role owns the schema
    /// `complaints` (and that the ordinary role cannot use), or a SQLite file of its own; default a second SQLite file
    /// in the data dir. Production on PostgreSQL must set it.
    pub confidential_database_url: String,
    pub environment: Environment,
    /// Token issuer and audience that tokens must carry (`HRC_JWT_ISSUER`, `HRC_JWT_AUDIENCE`).
    pub jwt_issuer: String,
    pub jwt_audience: String,
    /// Tolerated clock skew (`HRC_JWT_LEEWAY_SECONDS`).
    pub jwt_leeway_seconds: u64,
    /// HS256 secret (`HRC_JWT_SECRET`, or the contents of `HRC_JWT_SECRET_FILE`).
    pub jwt_secret: Option<String>,
    /// RS256 public key in PEM (`HRC_JWT_RS256_PUBLIC_KEY_FILE`), for tokens without a `kid`.
    pub jwt_rs256_key_file: Option<PathBuf>,
    /// EdDSA (Ed25519) public key in PEM (`HRC_JWT_EDDSA_PUBLIC_KEY_FILE`), for tokens without a `kid`.
    pub jwt_eddsa_key_file: Option<PathBuf>,
    /// An identity provider's JWKS, as a file (`HRC_JWT_JWKS_FILE`), re-read when it changes: tokens name their key
    /// by `kid`.
    pub jwt_jwks_file: Option<PathBuf>,
    /// Largest request body accepted (`HRC_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Database connections (`HRC_DB_POOL_SIZE`).
    pub pool_size: u32,
    /// HTTP worker threads (`HRC_WORKERS`); default one per core.
    pub workers: Option<usize>,
    /// Query shape limits (`HRC_MAX_DEPTH`, `HRC_MAX_COMPLEXITY`, `HRC_MAX_DOCUMENT_BYTES`, `HRC_MAX_ALIASES`,
    /// `HRC_REQUEST_TIMEOUT_MS`, `HRC_ANONYMOUS_INTROSPECTION`).
    pub limits: Limits,
    /// Reviews by committee members not of the requesting State that a fund decision needs (`HRC_FUND_QUORUM`).
    pub fund_quorum: i64,
    /// When a country's pattern of verified early-warning signals crosses the threshold of the analyses
    /// (`HRC_EARLY_WARNING_SIGNALS`, `HRC_EARLY_WARNING_WINDOW_DAYS`, `HRC_EARLY_WARNING_GRAVE`).
    pub early_warning: hrc_db::models::early_warning::Threshold,
    /// Persisted queries and the response cache (`HRC_PERSISTED_QUERIES`, `HRC_PERSISTED_QUERIES_ONLY`,
    /// `HRC_RESPONSE_CACHE_MB`, `HRC_RESPONSE_CACHE_SECONDS`).
    pub caching: Caching,
    /// Metrics and the slow logs.
    pub observability: Observability,
    /// A folder holding the npm packages `react`, `react-dom` and `graphiql`, served to the GraphiQL page instead of
    /// the public CDN it loads them from otherwise (for networks that cannot reach it).
    pub graphiql_assets: Option<PathBuf>,
}

/// Persisted queries and the response cache.
#[derive(Debug, Clone)]
pub struct Caching {
    /// A `.graphql` file, or a folder of them, registered at start (each file one document).
    pub persisted_queries: Option<PathBuf>,
    /// Allow-list mode: only registered documents run.
    pub persisted_only: bool,
    /// Most memory the cache of public responses holds, in MiB; 0 turns it off.
    pub response_cache_mb: u64,
    /// Longest a cached response is served, whatever happens (changes made on this node or announced by PostgreSQL
    /// evict at once); also the `max-age` of public GET responses.
    pub response_cache_seconds: u64,
}

/// Metrics and the slow logs.
#[derive(Debug, Clone)]
pub struct Observability {
    /// The bearer token `/metrics` asks for. Without one, development serves it to anyone and production not at all.
    pub metrics_token: Option<String>,
    /// SQL statements slower than this are logged (their SQL, never their values); 0 turns the log off.
    pub slow_query_ms: u64,
    /// Requests slower than this are logged with their operation name and request id; 0 turns the log off.
    pub slow_request_ms: u64,
}

impl Default for Observability {
    fn default() -> Self {
        Observability { metrics_token: None, slow_query_ms: 250, slow_request_ms: 1000 }
    }
}

impl Default for Caching {
    fn default() -> Self {
        Caching { persisted_queries: None, persisted_only: false, response_cache_mb: 64, response_cache_seconds: 60 }
    }
}

/// The early-warning threshold from the environment, each part checked.
fn early_warning_threshold() -> Result<hrc_db::models::early_warning::Threshold, ConfigError> {
    use hrc_db::models::early_warning::{SignalCategory, Threshold};
    let defaults = Threshold::default();
    let signals: usize = parsed("HRC_EARLY_WARNING_SIGNALS", defaults.signals)?;
    if !(1..=1_000).contains(&signals) {
        return Err(ConfigError::Invalid { name: "HRC_EARLY_WARNING_SIGNALS", message: "from 1 to 1000".into() });
    }
    let window_days: u32 = parsed("HRC_EARLY_WARNING_WINDOW_DAYS", defaults.window_days)?;
    if !(1..=366).contains(&window_days) {
        return Err(ConfigError::Invalid { name: "HRC_EARLY_WARNING_WINDOW_DAYS", message: "from 1 to 366".into() });
    }
    let grave = match var("HRC_EARLY_WARNING_GRAVE") {
        None => defaults.grave,
        Some(list) => list
            .split(',')
            .map(|name| {
                SignalCategory::parse(name.trim()).ok_or_else(|| ConfigError::Invalid {
                    name: "HRC_EARLY_WARNING_GRAVE",
                    message: format!(
                        "{:?} is not a category; categories: {}",
                        name.trim(),
                        SignalCategory::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(Threshold { signals, window_days, grave })
}

const MIN_SECRET_BYTES: usize = 32;
const DEV_KEY_FILE: &str = "jwt-dev-hs256.key";

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(text) => {
            text.trim().parse().map_err(|e: T::Err| ConfigError::Invalid { name, message: format!("{text:?}: {e}") })
        }
    }
}

impl Settings {
    /// Reads the settings from the environment, with the documented defaults.
    pub fn from_env() -> Result<Settings, ConfigError> {
        let data_dir = PathBuf::from(var("HRC_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let environment = match var("HRC_ENV").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "HRC_ENV",
                    message: format!("{other:?} is neither development nor production"),
                })
            }
        };
        let jwt_secret = match (var("HRC_JWT_SECRET"), var("HRC_JWT_SECRET_FILE")) {
            (Some(secret), _) => Some(secret),
            (None, Some(file)) => Some(
                std::fs::read_to_string(&file)
                    .map_err(|e| ConfigError::Io(format!("HRC_JWT_SECRET_FILE {file}: {e}")))?
                    .trim()
                    .to_owned(),
            ),
            (None, None) => None,
        };
        let defaults = Limits::default();
        let settings = Settings {
            bind: var("HRC_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            database_url: var("DATABASE_URL").unwrap_or_else(|| default_database_url(&data_dir)),
            database_read_url: var("DATABASE_READ_URL"),
            confidential_database_url: var("CONFIDENTIAL_DATABASE_URL")
                .unwrap_or_else(|| default_confidential_database_url(&data_dir)),
            data_dir,
            environment,
            jwt_issuer: var("HRC_JWT_ISSUER").unwrap_or_else(|| "hrc-api".into()),
            jwt_audience: var("HRC_JWT_AUDIENCE").unwrap_or_else(|| "hrc-api".into()),
            jwt_leeway_seconds: parsed("HRC_JWT_LEEWAY_SECONDS", 30)?,
            jwt_secret,
            jwt_rs256_key_file: var("HRC_JWT_RS256_PUBLIC_KEY_FILE").map(PathBuf::from),
            jwt_eddsa_key_file: var("HRC_JWT_EDDSA_PUBLIC_KEY_FILE").map(PathBuf::from),
            jwt_jwks_file: var("HRC_JWT_JWKS_FILE").map(PathBuf::from),
            max_body_bytes: parsed("HRC_MAX_BODY_BYTES", 256 * 1024)?,
            pool_size: parsed("HRC_DB_POOL_SIZE", 10)?,
            workers: var("HRC_WORKERS").map(|_| parsed("HRC_WORKERS", 1)).transpose()?,
            limits: Limits {
                depth: parsed("HRC_MAX_DEPTH", defaults.depth)?,
                complexity: parsed("HRC_MAX_COMPLEXITY", defaults.complexity)?,
                recursive_depth: defaults.recursive_depth,
                document_bytes: parsed("HRC_MAX_DOCUMENT_BYTES", defaults.document_bytes)?,
                aliases: parsed("HRC_MAX_ALIASES", defaults.aliases)?,
                timeout: std::time::Duration::from_millis(parsed(
                    "HRC_REQUEST_TIMEOUT_MS",
                    defaults.timeout.as_millis() as u64,
                )?),
                rate_points: parsed("HRC_RATE_LIMIT_POINTS", defaults.rate_points)?,
                rate_window: std::time::Duration::from_secs(parsed(
                    "HRC_RATE_LIMIT_WINDOW_SECONDS",
                    defaults.rate_window.as_secs(),
                )?),
                // Production hides the schema's shape from the anonymous public unless asked to show it.
                anonymous_introspection: parsed(
                    "HRC_ANONYMOUS_INTROSPECTION",
                    environment == Environment::Development,
                )?,
                reference_cache: std::time::Duration::from_secs(parsed(
                    "HRC_REFERENCE_CACHE_SECONDS",
                    defaults.reference_cache.as_secs(),
                )?),
                count_cache: std::time::Duration::from_secs(parsed(
                    "HRC_COUNT_CACHE_SECONDS",
                    defaults.count_cache.as_secs(),
                )?),
            },
            fund_quorum: parsed("HRC_FUND_QUORUM", 3)?,
            early_warning: early_warning_threshold()?,
            caching: Caching {
                persisted_queries: var("HRC_PERSISTED_QUERIES").map(PathBuf::from),
                persisted_only: parsed("HRC_PERSISTED_QUERIES_ONLY", false)?,
                response_cache_mb: parsed("HRC_RESPONSE_CACHE_MB", 64)?,
                response_cache_seconds: parsed("HRC_RESPONSE_CACHE_SECONDS", 60)?,
            },
            graphiql_assets: var("HRC_GRAPHIQL_ASSETS").map(PathBuf::from),
            observability: Observability {
                metrics_token: var("HRC_METRICS_TOKEN"),
                slow_query_ms: parsed("HRC_SLOW_QUERY_MS", 250)?,
                slow_request_ms: parsed("HRC_SLOW_REQUEST_MS", 1000)?,
            },
        };
        if settings.observability.metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(ConfigError::Invalid {
                name: "HRC_METRICS_TOKEN",
                message: "give at least 16 characters".into(),
            });
        }
        if !(1..=5).contains(&settings.fund_quorum) {
            return Err(ConfigError::Invalid {
                name: "HRC_FUND_QUORUM",
                message: "from 1 to 5 (the committee has five members)".into(),
            });
        }
        if settings.environment == Environment::Production
            && var("CONFIDENTIAL_DATABASE_URL").is_none()
            && hrc_db::Backend::from_url(&settings.database_url) == hrc_db::Backend::Postgres
        {
            return Err(ConfigError::Invalid {
                name: "CONFIDENTIAL_DATABASE_URL",
                message: "production on PostgreSQL needs the confidential complaint store's own URL (its own role \
                          and schema; see the README)"
                    .into(),
            });
        }
        if settings.pool_size == 0 {
            return Err(ConfigError::Invalid { name: "HRC_DB_POOL_SIZE", message: "must be at least 1".into() });
        }
        Ok(settings)
    }

    /// The authenticator these settings describe, and a line to tell the operator where its key came from.
    ///
    /// In development with no key configured, a random HS256 key is made once in the data dir and reused, so that
    /// `hrc-api token` and the server agree. Production refuses to run without a configured key.
    pub fn authenticator(&self) -> Result<(Authenticator, String), ConfigError> {
        let mut keys = Vec::new();
        let mut origins = Vec::new();
        if let Some(secret) = &self.jwt_secret {
            if secret.len() < MIN_SECRET_BYTES {
                return Err(ConfigError::Invalid {
                    name: "HRC_JWT_SECRET",
                    message: format!("an HS256 secret needs at least {MIN_SECRET_BYTES} bytes"),
                });
            }
            keys.push(VerificationKey::Hs256(secret.clone().into_bytes()));
            origins.push("HS256 key from HRC_JWT_SECRET".to_owned());
        }
        let read = |name: &'static str, path: &Path| {
            std::fs::read(path).map_err(|e| ConfigError::Io(format!("{name} {}: {e}", path.display())))
        };
        if let Some(path) = &self.jwt_rs256_key_file {
            keys.push(VerificationKey::Rs256Pem(read("HRC_JWT_RS256_PUBLIC_KEY_FILE", path)?));
            origins.push(format!("RS256 public key from {}", path.display()));
        }
        if let Some(path) = &self.jwt_eddsa_key_file {
            keys.push(VerificationKey::EdDsaPem(read("HRC_JWT_EDDSA_PUBLIC_KEY_FILE", path)?));
            origins.push(format!("EdDSA public key from {}", path.display()));
        }
        if let Some(path) = &self.jwt_jwks_file {
            keys.push(VerificationKey::JwksFile(path.clone()));
            origins.push(format!("JWKS from {} (re-read when it changes)", path.display()));
        }
        if keys.is_empty() {
            match self.environment {
                Environment::Production => return Err(ConfigError::NoProductionKey),
                Environment::Development => {
                    let path = self.data_dir.join(DEV_KEY_FILE);
                    keys.push(VerificationKey::Hs256(dev_key(&path)?));
                    origins.push(format!("development mode: HS256 key generated in {}", path.display()));
                }
            }
        }
        let settings = AuthSettings {
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
            leeway_seconds: self.jwt_leeway_seconds,
            keys,
        };
        let authenticator = Authenticator::new(settings)
            .map_err(|e| ConfigError::Invalid { name: "HRC_JWT_*", message: e.to_string() })?;
        Ok((authenticator, origins.join("; ")))
    }
}

fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("hrc.sqlite3").display())
}

fn default_confidential_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("hrc-confidential.sqlite3").display())
}

/// Reads the development key, creating it (random, readable by the owner only) the first time.
fn dev_key(path: &Path) -> Result<Vec<u8>, ConfigError> {
    use std::io::Write;
    let io = |e: std::io::Error| ConfigError::Io(format!("{}: {e}", path.display()));
    if let Ok(text) = std::fs::read_to_string(path) {
        return Ok(text.trim().as_bytes().to_vec());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let key: [u8; 32] = rand::random();
    let text: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(text.as_bytes()).map_err(io)?;
            Ok(text.into_bytes())
        }
        // Another process made it between our read and our create: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(path).map_err(io)?.trim().as_bytes().to_vec())
        }
        Err(e) => Err(io(e)),
    }
}
