//! Bearer tokens: the caller's identity and roles, how tokens are checked, and (for development) how they are made.
//!
//! Algorithms are pinned per key: a token is checked only against the algorithm its key was configured with, so
//! `alg: none` and algorithm-confusion tokens fail. HS256 serves development; asymmetric keys (RS256, EdDSA) and a
//! JWKS file with `kid` rotation slot in as further [`VerificationKey`] variants.

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

/// A key that verifies tokens, with the one algorithm it accepts.
#[derive(Clone)]
pub enum VerificationKey {
    /// A shared secret (development, or a single trusted issuer).
    Hs256(Vec<u8>),
}

impl std::fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerificationKey::Hs256(_) => f.write_str("Hs256(<secret>)"),
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
    pub key: VerificationKey,
}

/// Why a token was refused. Logged by the server; the caller only learns that the token is invalid.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the Authorization header is not a Bearer token")]
    NotBearer,
    #[error("token rejected: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    #[error("token algorithm {0:?} is not the configured one")]
    WrongAlgorithm(Algorithm),
    #[error("role {0} acts for a State and needs a `country` claim")]
    MissingCountry(&'static str),
    #[error("`country` claim {0:?} is not an ISO 3166-1 alpha-3 code")]
    BadCountry(String),
    #[error("`sub` claim is empty")]
    EmptySubject,
}

/// Checks and (with a secret key) issues tokens.
#[derive(Clone)]
pub struct Authenticator {
    settings: AuthSettings,
    decoding: DecodingKey,
    encoding: Option<EncodingKey>,
    algorithm: Algorithm,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator").field("settings", &self.settings).finish()
    }
}

impl Authenticator {
    pub fn new(settings: AuthSettings) -> Authenticator {
        let (decoding, encoding, algorithm) = match &settings.key {
            VerificationKey::Hs256(secret) => {
                (DecodingKey::from_secret(secret), Some(EncodingKey::from_secret(secret)), Algorithm::HS256)
            }
        };
        Authenticator { settings, decoding, encoding, algorithm }
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

    /// Verifies a token: signature with the pinned algorithm, `exp`, `nbf`, `iss`, `aud` and `sub`.
    pub fn verify(&self, token: &str) -> Result<Viewer, AuthError> {
        let header = decode_header(token)?;
        if header.alg != self.algorithm {
            return Err(AuthError::WrongAlgorithm(header.alg));
        }
        let mut validation = Validation::new(self.algorithm);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = self.settings.leeway_seconds;
        let claims = decode::<Claims>(token, &self.decoding, &validation)?.claims;
        viewer_from_claims(claims)
    }

    /// Signs a token for a subject with roles (development and tests; production tokens come from the identity
    /// provider). `None` when the configured key cannot sign.
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
        Some(encode(&Header::new(self.algorithm), &claims, key))
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
pub fn require<'a>(ctx: &async_graphql::Context<'a>, allowed: &[Role]) -> Result<&'a Viewer, crate::error::ApiError> {
    let viewer = ctx
        .data_opt::<Viewer>()
        .ok_or_else(|| crate::error::ApiError::Unauthenticated("sign in with a bearer token to do this".into()))?;
    if allowed.iter().any(|role| viewer.has(*role)) {
        Ok(viewer)
    } else {
        Err(crate::error::ApiError::Forbidden)
    }
}
