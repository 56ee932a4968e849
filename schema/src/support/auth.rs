//! Bearer tokens: the caller's identity and roles, how tokens are checked, and (for development) how they are made.
//!
//! Algorithms are pinned per key: a token is checked only against keys configured for its header's algorithm, so
//! `alg: none` and algorithm-confusion tokens fail. HS256 serves development; production uses RS256 or EdDSA public
//! keys, from PEM files or a JWKS file whose keys tokens select by `kid` (see [`VerificationKey`]).

use std::collections::BTreeSet;

use jsonwebtoken::{decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The roles of DESIGN.md's access table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum)]
pub enum Role {
    /// A partner system (national database, UN country team, research institute): public data.
    Partner,
    /// A State's focal point: its own State's records.
    StateFocalPoint,
    /// A member of the Implementation Fund's advisory committee (represents one State).
    FundCommittee,
    /// The fund's secretariat (OHCHR): the request workflow, decisions and disbursements.
    FundSecretariat,
    /// OHCHR secretariat staff.
    Secretariat,
    /// The officer handling intimidation and reprisal cases.
    ReprisalsOfficer,
    /// A member of a complaint-procedure working group.
    ComplaintWg,
    /// The complaint procedure's secretariat.
    ComplaintSecretariat,
    /// The Council's Bureau.
    CouncilBureau,
    /// Manages users and configuration; sees no confidential content by being admin.
    Admin,
}

impl Role {
    /// Every role, in the order of the access table.
    pub const ALL: [Role; 10] = [
        Role::Partner,
        Role::StateFocalPoint,
        Role::FundCommittee,
        Role::FundSecretariat,
        Role::Secretariat,
        Role::ReprisalsOfficer,
        Role::ComplaintWg,
        Role::ComplaintSecretariat,
        Role::CouncilBureau,
        Role::Admin,
    ];

    /// The name used in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Partner => "partner",
            Role::StateFocalPoint => "state_focal_point",
            Role::FundCommittee => "fund_committee",
            Role::FundSecretariat => "fund_secretariat",
            Role::Secretariat => "secretariat",
            Role::ReprisalsOfficer => "reprisals_officer",
            Role::ComplaintWg => "complaint_wg",
            Role::ComplaintSecretariat => "complaint_secretariat",
            Role::CouncilBureau => "council_bureau",
            Role::Admin => "admin",
        }
    }

    /// The role a token names, if it is one we know.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Roles that act for one State and so need the token's `country` claim.
    pub fn is_state_scoped(self) -> bool {
        matches!(self, Role::StateFocalPoint | Role::FundCommittee)
    }
}

/// Who is calling: built from a verified token. Anonymous callers have no `Viewer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub subject: String,
    /// Known roles only: a role name we do not know grants nothing.
    pub roles: BTreeSet<Role>,
    /// ISO 3166-1 alpha-3 code of the State the caller acts for.
    pub country: Option<String>,
}

impl Viewer {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The claims of our tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// A key tokens are checked against. Each is pinned to one algorithm: a token is checked only with a key of its
/// header's algorithm, so `alg: none` and algorithm-confusion tokens (HS256 signed with a public key) fail.
#[derive(Clone)]
pub enum VerificationKey {
    /// An HS256 shared secret (development, or a trusted internal issuer).
    Hs256(Vec<u8>),
    /// An RS256 public key in PEM; it checks tokens without a `kid`.
    Rs256Pem(Vec<u8>),
    /// An Ed25519 (EdDSA) public key in PEM; it checks tokens without a `kid`.
    EdDsaPem(Vec<u8>),
    /// A JWKS file (an identity provider's published keys): tokens name their key by `kid`. The file is read again
    /// when it changes, so keys rotate without a restart, and during a rotation both keys are valid.
    JwksFile(std::path::PathBuf),
}

impl std::fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerificationKey::Hs256(_) => f.write_str("Hs256(<secret>)"),
            VerificationKey::Rs256Pem(_) => f.write_str("Rs256Pem"),
            VerificationKey::EdDsaPem(_) => f.write_str("EdDsaPem"),
            VerificationKey::JwksFile(path) => write!(f, "JwksFile({})", path.display()),
        }
    }
}

/// How tokens are checked.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub issuer: String,
    pub audience: String,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    pub leeway_seconds: u64,
    /// The keys tokens may be signed with (at least one).
    pub keys: Vec<VerificationKey>,
}

/// Why a token was refused. Logged by the server; the caller only learns that the token is invalid.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the Authorization header is not a Bearer token")]
    NotBearer,
    #[error("token rejected: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    #[error("no configured key checks {0:?} tokens")]
    WrongAlgorithm(Algorithm),
    #[error("no configured key has kid {0:?}")]
    UnknownKey(String),
    #[error("role {0} acts for a State and needs a `country` claim")]
    MissingCountry(&'static str),
    #[error("`country` claim {0:?} is not an ISO 3166-1 alpha-3 code")]
    BadCountry(String),
    #[error("`sub` claim is empty")]
    EmptySubject,
}

/// Why the configured keys cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no verification key is configured")]
    NoKey,
    #[error("{what}: {source}")]
    Unreadable { what: String, source: jsonwebtoken::errors::Error },
    #[error("{0}")]
    Jwks(String),
}

/// One usable key: its `kid` (for JWKS keys), its pinned algorithm, and the key.
#[derive(Clone)]
struct RingKey {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// The keys of a JWKS file, and when the file was last looked at.
struct JwksState {
    keys: std::sync::Arc<Vec<RingKey>>,
    modified: Option<std::time::SystemTime>,
    checked: std::time::Instant,
}

/// How often a JWKS file is looked at for changes.
const JWKS_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);
/// How soon a token with an unknown `kid` may make us look at the JWKS file again.
const JWKS_FORCED_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// Reads a JWKS file into keys. Every key needs a `kid`, and an asymmetric algorithm (RS256 or EdDSA), given by `alg`
/// or implied by its type; a symmetric (`oct`) key in a JWKS is refused, since a JWKS is public.
fn read_jwks(path: &std::path::Path) -> Result<(Vec<RingKey>, Option<std::time::SystemTime>), KeyError> {
    use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
    let bad = |m: String| KeyError::Jwks(format!("JWKS file {}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let set: JwkSet = serde_json::from_str(&text).map_err(|e| bad(format!("not a JWKS: {e}")))?;
    let mut keys = Vec::new();
    for jwk in &set.keys {
        let kid = jwk.common.key_id.clone().ok_or_else(|| bad("a key has no kid".into()))?;
        use jsonwebtoken::jwk::KeyAlgorithm;
        let algorithm = match (&jwk.algorithm, jwk.common.key_algorithm) {
            (AlgorithmParameters::OctetKey(_), _) => return Err(bad(format!("key {kid:?} is symmetric"))),
            (AlgorithmParameters::RSA(_), Some(KeyAlgorithm::RS256) | None) => Algorithm::RS256,
            (AlgorithmParameters::OctetKeyPair(_), Some(KeyAlgorithm::EdDSA) | None) => Algorithm::EdDSA,
            _ => return Err(bad(format!("key {kid:?}: only RS256 and EdDSA keys are accepted"))),
        };
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|source| KeyError::Unreadable { what: format!("JWKS key {kid:?}"), source })?;
        keys.push(RingKey { kid: Some(kid), algorithm, key });
    }
    if keys.is_empty() {
        return Err(bad("it holds no key".into()));
    }
    Ok((keys, modified))
}

/// Checks and (with a secret key) issues tokens.
#[derive(Clone)]
pub struct Authenticator {
    settings: AuthSettings,
    /// Keys for tokens without a `kid`.
    fixed: std::sync::Arc<Vec<RingKey>>,
    jwks: Option<(std::path::PathBuf, std::sync::Arc<std::sync::RwLock<JwksState>>)>,
    encoding: Option<EncodingKey>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator").field("settings", &self.settings).finish()
    }
}

impl Authenticator {
    /// Reads the configured keys; fails if none is configured or one cannot be read.
    pub fn new(settings: AuthSettings) -> Result<Authenticator, KeyError> {
        let mut fixed = Vec::new();
        let mut jwks = None;
        let mut encoding = None;
        for key in &settings.keys {
            fn unreadable(what: &'static str) -> impl Fn(jsonwebtoken::errors::Error) -> KeyError {
                move |source| KeyError::Unreadable { what: what.to_owned(), source }
            }
            match key {
                VerificationKey::Hs256(secret) => {
                    fixed.push(RingKey {
                        kid: None,
                        algorithm: Algorithm::HS256,
                        key: DecodingKey::from_secret(secret),
                    });
                    encoding.get_or_insert_with(|| EncodingKey::from_secret(secret));
                }
                VerificationKey::Rs256Pem(pem) => fixed.push(RingKey {
                    kid: None,
                    algorithm: Algorithm::RS256,
                    key: DecodingKey::from_rsa_pem(pem).map_err(unreadable("RS256 public key"))?,
                }),
                VerificationKey::EdDsaPem(pem) => fixed.push(RingKey {
                    kid: None,
                    algorithm: Algorithm::EdDSA,
                    key: DecodingKey::from_ed_pem(pem).map_err(unreadable("EdDSA public key"))?,
                }),
                VerificationKey::JwksFile(path) => {
                    let (keys, modified) = read_jwks(path)?;
                    let state = JwksState { keys: keys.into(), modified, checked: std::time::Instant::now() };
                    jwks = Some((path.clone(), std::sync::Arc::new(std::sync::RwLock::new(state))));
                }
            }
        }
        if fixed.is_empty() && jwks.is_none() {
            return Err(KeyError::NoKey);
        }
        Ok(Authenticator { settings, fixed: fixed.into(), jwks, encoding })
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    /// Verifies the value of an `Authorization` header.
    pub fn verify_header(&self, header: &str) -> Result<Viewer, AuthError> {
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AuthError::NotBearer)?;
        self.verify(token)
    }

    /// The JWKS keys, read again if the file changed since it was last looked at: every 10 seconds, or, when a token
    /// names a `kid` we do not hold (`unknown_kid`), after one second, so a new key is picked up at once while a
    /// flood of made-up `kid`s cannot make us read the file more than once a second. A file that has become
    /// unreadable keeps the keys it had, and says so in the log.
    fn jwks_keys(&self, unknown_kid: bool) -> std::sync::Arc<Vec<RingKey>> {
        let Some((path, state)) = &self.jwks else { return Default::default() };
        let interval = if unknown_kid { JWKS_FORCED_INTERVAL } else { JWKS_CHECK_INTERVAL };
        let due = state.read().map(|s| s.checked.elapsed() >= interval).unwrap_or(true);
        if due {
            if let Ok(mut s) = state.write() {
                if s.checked.elapsed() >= interval {
                    s.checked = std::time::Instant::now();
                    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
                    if modified != s.modified {
                        match read_jwks(path) {
                            Ok((keys, modified)) => {
                                tracing::info!(keys = keys.len(), path = %path.display(), "JWKS reloaded");
                                s.keys = keys.into();
                                s.modified = modified;
                            }
                            Err(e) => {
                                tracing::error!(error = %e, "JWKS file changed but cannot be read; keeping the keys held")
                            }
                        }
                    }
                }
            }
        }
        state.read().map(|s| std::sync::Arc::clone(&s.keys)).unwrap_or_default()
    }

    /// Verifies a token: signature with a key pinned to the header's algorithm (chosen by `kid` when the token names
    /// one), then `exp`, `nbf`, `iss`, `aud` and `sub`.
    pub fn verify(&self, token: &str) -> Result<Viewer, AuthError> {
        let header = decode_header(token)?;
        // Keys are shared (`Arc`), so choosing them costs no copy per request.
        let candidates: std::sync::Arc<Vec<RingKey>> = match &header.kid {
            Some(kid) => {
                let find = |keys: std::sync::Arc<Vec<RingKey>>| {
                    keys.iter().find(|k| k.kid.as_deref() == Some(kid.as_str())).cloned()
                };
                let key = find(self.jwks_keys(false)).or_else(|| find(self.jwks_keys(true)));
                std::sync::Arc::new(vec![key.ok_or_else(|| AuthError::UnknownKey(kid.clone()))?])
            }
            None => std::sync::Arc::clone(&self.fixed),
        };
        let keys: Vec<&RingKey> = candidates.iter().filter(|k| k.algorithm == header.alg).collect();
        if keys.is_empty() {
            return Err(AuthError::WrongAlgorithm(header.alg));
        }
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = self.settings.leeway_seconds;
        let mut last = None;
        for key in keys {
            match decode::<Claims>(token, &key.key, &validation) {
                Ok(data) => return viewer_from_claims(data.claims),
                Err(e) => last = Some(e),
            }
        }
        Err(last.map(AuthError::Invalid).unwrap_or(AuthError::WrongAlgorithm(header.alg)))
    }

    /// Signs a token for a subject with roles (development and tests; production tokens come from the identity
    /// provider). `None` when no configured key can sign (only public keys are configured).
    pub fn issue(
        &self,
        subject: &str,
        roles: &[String],
        country: Option<&str>,
        ttl_seconds: i64,
    ) -> Option<Result<String, jsonwebtoken::errors::Error>> {
        let key = self.encoding.as_ref()?;
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: subject.to_owned(),
            roles: roles.to_vec(),
            country: country.map(str::to_owned),
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            exp: now + ttl_seconds,
            iat: now,
            nbf: None,
        };
        Some(encode(&Header::new(Algorithm::HS256), &claims, key))
    }
}

fn viewer_from_claims(claims: Claims) -> Result<Viewer, AuthError> {
    if claims.sub.trim().is_empty() {
        return Err(AuthError::EmptySubject);
    }
    let roles: BTreeSet<Role> = claims.roles.iter().filter_map(|r| Role::parse(r)).collect();
    let country = match claims.country {
        Some(c) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) => Some(c.to_ascii_uppercase()),
        Some(c) => return Err(AuthError::BadCountry(c)),
        None => None,
    };
    if country.is_none() {
        if let Some(role) = roles.iter().find(|r| r.is_state_scoped()) {
            return Err(AuthError::MissingCountry(role.as_str()));
        }
    }
    Ok(Viewer { subject: claims.sub, roles, country })
}

/// The caller, if it holds one of `allowed`: `UNAUTHENTICATED` for the anonymous public, `FORBIDDEN` otherwise.
pub fn require<'a>(
    ctx: &async_graphql::Context<'a>,
    allowed: &[Role],
) -> Result<&'a Viewer, crate::support::error::ApiError> {
    let viewer = crate::viewer(ctx).ok_or_else(|| {
        crate::support::error::ApiError::Unauthenticated("sign in with a bearer token to do this".into())
    })?;
    if allowed.iter().any(|role| viewer.has(*role)) {
        Ok(viewer)
    } else {
        Err(crate::support::error::ApiError::Forbidden)
    }
}
