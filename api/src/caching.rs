//! Caching for dashboards: persisted queries (with an allow-list mode) and an in-process cache of public responses.
//!
//! **Persisted queries** follow Apollo's protocol, which Apollo Client and urql speak:
//! `extensions.persistedQuery = { version: 1, sha256Hash }`, the SHA-256 of the document's text, with or without the
//! text. Documents are registered from `HRC_PERSISTED_QUERIES` (a `.graphql` file or a folder of them) at start, or
//! with `hrc-api persisted-queries add`; both go to the `persisted_queries` table, so every node knows them. Outside
//! allow-list mode a client may also register a document by sending it with its hash (kept in memory only, bounded:
//! an anonymous caller never writes to the database). In allow-list mode (`HRC_PERSISTED_QUERIES_ONLY=true`) only
//! registered documents run, whoever sends them.
//!
//! **The response cache** keeps the bodies of successful anonymous queries, keyed by document, operation, variables
//! and language, and an anonymous `GET`'s also by its URL and language (found before its parameters are read). Only
//! the anonymous public's responses are cached: nothing user-specific is ever kept or marked public. It empties when
//! data changes: at once for a mutation on this node, as soon as PostgreSQL's notification arrives for a change on
//! another node (or by `hrc-api`), and in any case after `HRC_RESPONSE_CACHE_SECONDS`. A response computed while a
//! change happened is not kept (the generation check).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_web::http::header::HeaderValue;
use actix_web::web::Bytes;
use async_graphql::{Request, Value};
use hrc_db::Database;
use sha2::{Digest, Sha256};

use crate::config::Caching;

/// The SHA-256 of a document's text, in lower-case hex, as clients send it.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a persisted-query request cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The hash names no document known here: send the document with it (Apollo's `PersistedQueryNotFound`).
    NotFound,
    /// The text does not have the hash sent with it.
    HashMismatch,
    /// Allow-list mode, and the document is not registered.
    NotAllowed,
    /// `extensions.persistedQuery` is not `{ version: 1, sha256Hash: "<64 hex digits>" }`.
    Malformed(String),
}

impl Refused {
    /// The error code.
    pub fn code(&self) -> &'static str {
        match self {
            Refused::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Refused::NotAllowed => "PERSISTED_QUERY_NOT_ALLOWED",
            Refused::HashMismatch | Refused::Malformed(_) => hrc_schema::code::BAD_REQUEST,
        }
    }

    /// The message.
    pub fn message(&self) -> String {
        match self {
            // Apollo's clients look for this exact message to resend the document.
            Refused::NotFound => "PersistedQueryNotFound".to_owned(),
            Refused::HashMismatch => "the document does not have the sha256Hash sent with it".to_owned(),
            Refused::NotAllowed => {
                "only registered documents run here: register it (hrc-api persisted-queries add), then send its \
                 sha256Hash"
                    .to_owned()
            }
            Refused::Malformed(why) => format!("extensions.persistedQuery {why}"),
        }
    }
}

/// The registered documents, and those clients registered themselves.
pub struct PersistedQueries {
    db: Database,
    registered: RwLock<HashMap<String, Arc<str>>>,
    automatic: moka::sync::Cache<String, Arc<str>>,
    only: bool,
    /// When the registered set was last read from the database (a miss rereads it at most once a second).
    reloaded: RwLock<Instant>,
}

impl PersistedQueries {
    /// Registers the documents of `settings.persisted_queries` and reads every registered one.
    pub fn load(db: Database, settings: &Caching) -> anyhow::Result<PersistedQueries> {
        if let Some(path) = &settings.persisted_queries {
            let added = register_files(&db, path)?;
            tracing::info!(added, path = %path.display(), "persisted queries registered");
        }
        let queries = PersistedQueries {
            db,
            registered: RwLock::new(HashMap::new()),
            automatic: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_idle(Duration::from_secs(86_400))
                .build(),
            only: settings.persisted_only,
            reloaded: RwLock::new(Instant::now()),
        };
        queries.reload()?;
        if queries.only && queries.registered.read().map(|r| r.is_empty()).unwrap_or(true) {
            tracing::warn!("allow-list mode with no registered document: every query will be refused");
        }
        Ok(queries)
    }

    /// Rereads the registered documents (after `hrc-api persisted-queries add`, say).
    pub fn reload(&self) -> anyhow::Result<()> {
        let mut conn = self.db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
        let all = hrc_db::models::persisted::all(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
        let map = all.into_iter().map(|(hash, document, _)| (hash, Arc::from(document))).collect();
        if let Ok(mut registered) = self.registered.write() {
            *registered = map;
        }
        if let Ok(mut at) = self.reloaded.write() {
            *at = Instant::now();
        }
        Ok(())
    }

    fn lookup(&self, hash: &str) -> Option<Arc<str>> {
        let found = self.registered.read().ok().and_then(|r| r.get(hash).cloned());
        if found.is_some() {
            return found;
        }
        let stale = self.reloaded.read().map(|at| at.elapsed() > Duration::from_secs(1)).unwrap_or(false);
        if stale && self.reload().is_ok() {
            return self.registered.read().ok().and_then(|r| r.get(hash).cloned());
        }
        None
    }

    /// Gives `request` its document from its persisted-query hash, registers one sent with its hash, and in
    /// allow-list mode refuses any document not registered. Blocking (it may read the database): call it off the
    /// async workers or accept a rare short read.
    pub fn resolve(&self, request: &mut Request) -> Result<(), Refused> {
        let hash = match request.extensions.get("persistedQuery") {
            None => None,
            Some(Value::Object(object)) => {
                if object.get("version") != Some(&Value::from(1)) {
                    return Err(Refused::Malformed("needs version 1".into()));
                }
                match object.get("sha256Hash") {
                    Some(Value::String(hash)) if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
                        Some(hash.to_ascii_lowercase())
                    }
                    _ => return Err(Refused::Malformed("needs sha256Hash, 64 hexadecimal digits".into())),
                }
            }
            Some(_) => return Err(Refused::Malformed("must be an object".into())),
        };
        match (hash, request.query.is_empty()) {
            (Some(hash), true) => {
                let document = match self.lookup(&hash) {
                    Some(document) => document,
                    None if self.only => return Err(Refused::NotAllowed),
                    None => self.automatic.get(&hash).ok_or(Refused::NotFound)?,
                };
                request.query = document.to_string();
                Ok(())
            }
            (Some(hash), false) => {
                if sha256_hex(&request.query) != hash {
                    return Err(Refused::HashMismatch);
                }
                if self.lookup(&hash).is_some() {
                    return Ok(());
                }
                if self.only {
                    return Err(Refused::NotAllowed);
                }
                self.automatic.insert(hash, Arc::from(request.query.as_str()));
                Ok(())
            }
            (None, _) if self.only => {
                if self.lookup(&sha256_hex(&request.query)).is_some() {
                    Ok(())
                } else {
                    Err(Refused::NotAllowed)
                }
            }
            (None, _) => Ok(()),
        }
    }
}

/// Registers the `.graphql` documents of a file or a folder (not recursive); how many were new.
pub fn register_files(db: &Database, path: &Path) -> anyhow::Result<usize> {
    let files = if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "graphql"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut added = 0;
    for file in files {
        let document =
            std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?;
        if let Err(e) = async_graphql::parser::parse_query(&document) {
            anyhow::bail!("{} is not a GraphQL document: {e}", file.display());
        }
        let hash = sha256_hex(&document);
        let source = file.display().to_string();
        let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
        let new = hrc_db::models::persisted::register(&mut conn, &hash, &document, &source)
            .map_err(|e| anyhow::anyhow!("registering {}: {e}", file.display()))?;
        added += usize::from(new);
    }
    Ok(added)
}

/// A cached response.
pub struct Cached {
    pub body: Bytes,
    /// The rate-limit points the answer cost when it ran: a hit is charged as much.
    pub cost: u64,
    pub etag: HeaderValue,
    pub content_language: &'static str,
}

/// The size of an XXH3 secret (the crate's `DEFAULT_SECRET_SIZE`, which it does not export).
const SECRET_SIZE: usize = 192;

/// A random XXH3 secret, for the process's keyed hashes.
fn random_secret() -> [u8; SECRET_SIZE] {
    let mut secret = [0u8; SECRET_SIZE];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
    secret
}

/// A request's variables written out as JSON, for a key.
fn written_variables(variables: &async_graphql::Variables) -> Vec<u8> {
    serde_json::to_vec(variables).unwrap_or_default()
}

/// The cache of public responses.
pub struct ResponseCache {
    cache: Option<moka::sync::Cache<u128, Arc<Cached>, KeyHasher>>,
    /// The process's random secret for the keys' hash: a key is a hash, not the request itself, and without a
    /// secret anyone could search offline for a query whose key is another's, and have its answer served for it.
    secret: [u8; SECRET_SIZE],
    generation: AtomicU64,
    /// `Cache-Control` of a public answer to a `GET`: `public, max-age=` the time an answer is kept.
    pub cache_control: HeaderValue,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ResponseCache {
    pub fn new(settings: &Caching) -> ResponseCache {
        let cache = (settings.response_cache_mb > 0 && settings.response_cache_seconds > 0).then(|| {
            moka::sync::Cache::builder()
                .weigher(|_: &u128, v: &Arc<Cached>| u32::try_from(v.body.len() + 128).unwrap_or(u32::MAX))
                .max_capacity(settings.response_cache_mb * 1024 * 1024)
                .time_to_live(Duration::from_secs(settings.response_cache_seconds))
                .build_with_hasher(KeyHasher::default())
        });
        ResponseCache {
            cache,
            secret: random_secret(),
            generation: AtomicU64::new(0),
            cache_control: HeaderValue::from_str(&format!("public, max-age={}", settings.response_cache_seconds))
                .unwrap_or_else(|_| HeaderValue::from_static("no-store")),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Empties the cache when this node's events say data changed elsewhere (another node, `hrc-api`, or while the
    /// listener was away), or when some were missed. This node's own changes emptied it at once, when they were
    /// made; heard back from PostgreSQL a moment later, they would only drop answers computed since. Other events
    /// (the fund's, early warnings') come from mutations, which announce a change of their own.
    pub fn follow(self: &Arc<Self>, events: &hrc_schema::events::Events) {
        events.on_changes_elsewhere(self, ResponseCache::invalidate);
    }

    pub fn enabled(&self) -> bool {
        self.cache.is_some()
    }

    /// The key of a request: document, operation, variables and language.
    pub fn key(&self, request: &Request, lang: &str) -> u128 {
        let variables = written_variables(&request.variables);
        let name = request.operation_name.as_deref().unwrap_or("");
        self.hash_parts(&[request.query.as_bytes(), name.as_bytes(), &variables, lang.as_bytes()])
    }

    /// The 128-bit hash of `parts` under the process's secret, each part followed by a NUL byte, so that no two
    /// lists of parts run together alike.
    fn hash_parts(&self, parts: &[&[u8]]) -> u128 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::with_secret(self.secret);
        for part in parts {
            hasher.update(part);
            hasher.update(b"\x00");
        }
        hasher.digest128()
    }

    /// The answer kept under `key`, counting the hit or the miss.
    pub fn get(&self, key: u128) -> Option<Arc<Cached>> {
        let found = self.cache.as_ref()?.get(&key);
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// The generation now: a response computed from now on may be kept if it is still this after.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a response computed during `generation`, unless data changed meanwhile.
    pub fn insert(&self, generation: u64, key: u128, cached: Arc<Cached>) {
        if let Some(cache) = &self.cache {
            if self.generation() == generation {
                cache.insert(key, cached);
                // An invalidation between the check and the insert may have emptied the cache before this entry
                // went in: take it out again.
                if self.generation() != generation {
                    cache.invalidate(&key);
                }
            }
        }
    }

    /// Empties the cache: data changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(cache) = &self.cache {
            cache.invalidate_all();
        }
    }

    /// Hits and misses so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}

/// The hasher of the caches keyed by a 128-bit hash: foldhash, randomly seeded per process. moka's default, std's
/// SipHash, cost about two thousand instructions a lookup on `{ __typename }`, to hash a key that is a hash already.
pub type KeyHasher = foldhash::fast::RandomState;

/// The ETag of a body.
pub fn etag(body: &[u8]) -> String {
    format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(body))
}

/// Whether `If-None-Match` names `etag`.
pub fn not_modified(req: &actix_web::HttpRequest, etag: &str) -> bool {
    req.headers().get(actix_web::http::header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',').map(str::trim).any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
    })
}

/// Parsed documents, by their text: dashboards send the same few documents again and again, and parsing one is a
/// good part of what a small query costs (the parser is a PEG one, and each request was parsed twice: once to learn
/// its operation's type, once to run it). Only documents that parse are kept, and at most `MAX_DOCUMENT_BYTES` of
/// them, so a caller sending endless new documents only evicts. The limits on a document's shape still apply to
/// every request: they run on the parsed document, wherever it comes from.
///
/// Only the anonymous public's documents are kept. A signed-in caller's document may carry restricted values
/// written inline (a complaint's text in a mutation, say); those are parsed and dropped, never held in memory after
/// their request, so no later request can learn from a cache hit's speed that someone sent them.
pub struct Documents {
    cache: moka::sync::Cache<u128, Arc<ParsedDocument>, KeyHasher>,
    /// Longer documents are not parsed here: the document limits refuse them before any parse.
    max_text: usize,
}

/// A document's text and its parse.
pub struct ParsedDocument {
    text: String,
    pub document: async_graphql::parser::types::ExecutableDocument,
}

/// The most document text kept parsed (the parse takes a few times its text's size).
const MAX_DOCUMENT_BYTES: u64 = 4 * 1024 * 1024;

impl Documents {
    /// A cache for documents of at most `max_text` bytes (the longest the document limits let run).
    pub fn new(max_text: usize) -> Documents {
        Documents {
            cache: moka::sync::Cache::builder()
                .weigher(|_: &u128, v: &Arc<ParsedDocument>| u32::try_from(v.text.len() + 64).unwrap_or(u32::MAX))
                .max_capacity(MAX_DOCUMENT_BYTES)
                .build_with_hasher(KeyHasher::default()),
            max_text,
        }
    }

    /// The parse of `text`, from the cache or parsed now, and kept if `keep` (an anonymous caller's document);
    /// `None` when it does not parse or is longer than the limit (running the request then reports why, with its
    /// code).
    pub fn parse(&self, text: &str, keep: bool) -> Option<Arc<ParsedDocument>> {
        if text.len() > self.max_text {
            return None;
        }
        if !keep {
            let document = async_graphql::parser::parse_query(text).ok()?;
            return Some(Arc::new(ParsedDocument { text: String::new(), document }));
        }
        let key = xxhash_rust::xxh3::xxh3_128(text.as_bytes());
        let parsed = match self.cache.get(&key).filter(|found| found.text == text) {
            Some(found) => found,
            None => {
                let document = async_graphql::parser::parse_query(text).ok()?;
                let parsed = Arc::new(ParsedDocument { text: text.to_owned(), document });
                self.cache.insert(key, parsed.clone());
                parsed
            }
        };
        Some(parsed)
    }

    /// How many documents are kept.
    pub fn len(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.entry_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_parsed_once_and_found_by_its_text() {
        let documents = Documents::new(32 * 1024);
        let first = documents.parse("{ __typename }", true).expect("it parses");
        let again = documents.parse("{ __typename }", true).expect("it parses");
        assert!(Arc::ptr_eq(&first, &again), "the second request must find the first one's parse");
        let other = documents.parse("query Q { __typename }", true).expect("it parses");
        assert!(!Arc::ptr_eq(&first, &other));
        assert!(matches!(other.document.operations, async_graphql::parser::types::DocumentOperations::Multiple(_)));
        assert_eq!(documents.len(), 2);
    }

    #[test]
    fn a_request_s_key_is_the_same_in_one_process_and_kept_secret_across_them() {
        let settings = Caching::default();
        let (cache, other) = (ResponseCache::new(&settings), ResponseCache::new(&settings));
        let request = Request::new("{ __typename }");
        assert_eq!(cache.key(&request, "en"), cache.key(&request, "en"));
        assert_ne!(cache.key(&request, "en"), cache.key(&request, "zh"));
        assert_ne!(cache.key(&request, "en"), cache.key(&Request::new("{ __typename }").operation_name("Q"), "en"));
        // Another process's secret: its keys cannot be computed from outside.
        assert_ne!(cache.key(&request, "en"), other.key(&request, "en"));
    }

    #[test]
    fn a_document_that_does_not_parse_is_not_kept() {
        let documents = Documents::new(32 * 1024);
        assert!(documents.parse("{ unclosed", true).is_none());
        assert!(documents.parse("{ unclosed", true).is_none());
        assert!(documents.is_empty());
    }

    #[test]
    fn a_document_over_the_length_limit_is_not_parsed() {
        let documents = Documents::new(20);
        assert!(documents.parse("{ __typename }", true).is_some());
        assert!(documents.parse("{ __typename __typename }", true).is_none(), "25 bytes, over the limit of 20");
        assert_eq!(documents.len(), 1);
    }

    #[test]
    fn a_signed_in_callers_document_is_parsed_but_not_kept() {
        let documents = Documents::new(32 * 1024);
        let text = r#"mutation { addNote(text: "a restricted value") { id } }"#;
        let first = documents.parse(text, false).expect("it parses");
        assert!(matches!(first.document.operations, async_graphql::parser::types::DocumentOperations::Single(_)));
        let again = documents.parse(text, false).expect("it parses");
        assert!(!Arc::ptr_eq(&first, &again), "nothing is found: nothing was kept");
        assert!(documents.is_empty(), "a signed-in caller's text must not stay in memory");
    }
}
