//! Production keys: RS256 and EdDSA public keys from PEM files, and a JWKS file whose keys tokens choose by `kid`,
//! re-read when it changes so that keys rotate without a restart.

use std::path::{Path, PathBuf};

use hrc_tests::{first_code, Backend, StatusCode, TestApp, TestDatabase, TEST_SECRET};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

const VIEWER: &str = "{ viewer { subject roles } }";

fn key_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("keys").join(name)
}

fn private(name: &str, algorithm: Algorithm) -> EncodingKey {
    let pem = std::fs::read(key_file(name)).unwrap();
    match algorithm {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem).unwrap(),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(&pem).unwrap(),
        _ => EncodingKey::from_secret(&pem),
    }
}

/// A JWKS holding the public halves of the named Ed25519 keys, under the given kids.
fn write_jwks(path: &Path, keys: &[(&str, &str)]) {
    let keys = keys
        .iter()
        .map(|(kid, file)| {
            let mut jwk = Jwk::from_encoding_key(&private(file, Algorithm::EdDSA), Algorithm::EdDSA).unwrap();
            jwk.common.key_id = Some((*kid).to_owned());
            jwk
        })
        .collect();
    std::fs::write(path, serde_json::to_string(&JwkSet { keys }).unwrap()).unwrap();
}

fn claims(app: &TestApp, subject: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "sub": subject, "roles": ["partner"], "iss": app.settings.jwt_issuer, "aud": app.settings.jwt_audience,
            "iat": now, "exp": now + 600 })
}

fn sign(app: &TestApp, subject: &str, algorithm: Algorithm, kid: Option<&str>, key: &EncodingKey) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    encode(&header, &claims(app, subject), key).unwrap()
}

async fn viewer(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let response =
        app.client.post(app.url("/graphql")).bearer_auth(token).json(&json!({ "query": VIEWER })).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn accepted(app: &TestApp, token: &str, subject: &str, case: &str) {
    let (status, body) = viewer(app, token).await;
    assert_eq!(status, StatusCode::OK, "{case}: {body}");
    assert_eq!(body["data"]["viewer"]["subject"], subject, "{case}: {body}");
}

async fn refused(app: &TestApp, token: &str, case: &str) {
    let (status, body) = viewer(app, token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{case}: {body}");
    assert_eq!(first_code(&body), "UNAUTHENTICATED", "{case}");
}

async fn spawn(backend: Backend, jwks: &Path) -> Option<TestApp> {
    let database = TestDatabase::create(backend)?;
    let mut settings = hrc_tests::test_settings(&database);
    settings.jwt_rs256_key_file = Some(key_file("rsa.pub.pem"));
    settings.jwt_eddsa_key_file = Some(key_file("ed.pub.pem"));
    settings.jwt_jwks_file = Some(jwks.to_path_buf());
    Some(TestApp::spawn_with(settings, database).await)
}

async fn public_keys_and_a_rotating_jwks_are_honoured_and_nothing_else(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let jwks = dir.path().join("jwks.json");
    write_jwks(&jwks, &[("k1", "ed.pem")]);
    let Some(app) = spawn(backend, &jwks).await else { return };
    let rsa = private("rsa.pem", Algorithm::RS256);
    let ed = private("ed.pem", Algorithm::EdDSA);
    let ed2 = private("ed2.pem", Algorithm::EdDSA);

    accepted(&app, &sign(&app, "rs", Algorithm::RS256, None, &rsa), "rs", "RS256 from the PEM key").await;
    accepted(&app, &sign(&app, "ed", Algorithm::EdDSA, None, &ed), "ed", "EdDSA from the PEM key").await;
    accepted(&app, &sign(&app, "k1", Algorithm::EdDSA, Some("k1"), &ed), "k1", "JWKS key by kid").await;
    accepted(&app, &app.token("hs", &["partner"], None), "hs", "the HS256 secret, configured too").await;

    // Algorithm confusion: an HS256 token whose "secret" is the RSA public key.
    let public_pem = std::fs::read(key_file("rsa.pub.pem")).unwrap();
    refused(
        &app,
        &sign(&app, "x", Algorithm::HS256, None, &EncodingKey::from_secret(&public_pem)),
        "HS256 with a public key",
    )
    .await;
    refused(&app, &sign(&app, "x", Algorithm::EdDSA, None, &ed2), "EdDSA with a key not configured").await;
    refused(&app, &sign(&app, "x", Algorithm::EdDSA, Some("k1"), &ed2), "kid k1, signed with another key").await;
    refused(&app, &sign(&app, "x", Algorithm::EdDSA, Some("nope"), &ed), "unknown kid").await;
    refused(&app, &sign(&app, "x", Algorithm::RS256, Some("k1"), &rsa), "kid of an EdDSA key on an RS256 token").await;
    refused(
        &app,
        &sign(&app, "x", Algorithm::HS256, Some("k1"), &EncodingKey::from_secret(TEST_SECRET.as_bytes())),
        "HS256 naming a JWKS kid",
    )
    .await;

    // Rotation: the provider publishes k2 beside k1; both are valid at once, without a restart.
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    write_jwks(&jwks, &[("k1", "ed.pem"), ("k2", "ed2.pem")]);
    accepted(&app, &sign(&app, "k2", Algorithm::EdDSA, Some("k2"), &ed2), "k2", "the new key").await;
    accepted(&app, &sign(&app, "k1", Algorithm::EdDSA, Some("k1"), &ed), "k1", "the old key, still published").await;

    // A JWKS that becomes unreadable keeps the keys held.
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    std::fs::write(&jwks, "not json").unwrap();
    refused(&app, &sign(&app, "x", Algorithm::EdDSA, Some("k3"), &ed), "unknown kid, broken file").await;
    accepted(&app, &sign(&app, "k2", Algorithm::EdDSA, Some("k2"), &ed2), "k2", "k2 kept").await;
}

#[tokio::test]
async fn keys_sqlite() {
    public_keys_and_a_rotating_jwks_are_honoured_and_nothing_else(Backend::Sqlite).await;
}

#[tokio::test]
async fn keys_postgres() {
    public_keys_and_a_rotating_jwks_are_honoured_and_nothing_else(Backend::Postgres).await;
}
