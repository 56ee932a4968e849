use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hrc_tests::{first_code, on_both_backends, StatusCode, TestApp, TEST_SECRET};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};

const VIEWER: &str = "{ viewer { subject roles country } }";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Claims as the server expects them, to be altered by each case.
fn claims(app: &TestApp) -> Value {
    json!({
        "sub": "tester",
        "roles": ["secretariat"],
        "iss": app.settings.jwt_issuer,
        "aud": app.settings.jwt_audience,
        "iat": now(),
        "exp": now() + 600,
    })
}

fn sign(claims: &Value, secret: &str) -> String {
    encode(&Header::default(), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

/// Sends the viewer query with a raw Authorization header and expects a refusal.
async fn assert_refused(app: &TestApp, authorization: &str, case: &str) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("authorization", authorization)
        .json(&json!({ "query": VIEWER }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{case}");
    assert!(response.headers().contains_key("www-authenticate"), "{case}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_code(&body), "UNAUTHENTICATED", "{case}: {body}");
    assert!(body.get("data").is_none(), "{case}: no data for a refused token: {body}");
}

async fn a_token_signed_with_the_server_key_identifies_the_caller(app: TestApp) {
    let token = app.token("alice", &["state_focal_point", "partner"], Some("npl"));
    let data = app.query_as(VIEWER, Some(&token)).await;
    assert_eq!(data["viewer"]["subject"], "alice");
    assert_eq!(data["viewer"]["roles"], json!(["PARTNER", "STATE_FOCAL_POINT"]));
    assert_eq!(data["viewer"]["country"], "NPL");
}

async fn an_anonymous_caller_has_no_viewer(app: TestApp) {
    let data = app.query(VIEWER).await;
    assert!(data["viewer"].is_null());
}

async fn forged_expired_and_unsigned_tokens_are_refused(app: TestApp) {
    let good = claims(&app);
    assert_refused(&app, &format!("Bearer {}", sign(&good, "another-secret-another-secret-0123456789")), "forged")
        .await;

    let mut expired = good.clone();
    expired["exp"] = json!(now() - 3600);
    assert_refused(&app, &format!("Bearer {}", sign(&expired, TEST_SECRET)), "expired").await;

    let mut not_yet = good.clone();
    not_yet["nbf"] = json!(now() + 3600);
    assert_refused(&app, &format!("Bearer {}", sign(&not_yet, TEST_SECRET)), "not yet valid").await;

    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(good.to_string());
    assert_refused(&app, &format!("Bearer {header}.{payload}."), "alg none").await;

    let signed = sign(&good, TEST_SECRET);
    let mut parts: Vec<&str> = signed.split('.').collect();
    let mut elevated = good.clone();
    elevated["roles"] = json!(["complaint_secretariat"]);
    let tampered_payload = URL_SAFE_NO_PAD.encode(elevated.to_string());
    parts[1] = &tampered_payload;
    assert_refused(&app, &format!("Bearer {}", parts.join(".")), "tampered").await;

    let mut wrong_audience = good.clone();
    wrong_audience["aud"] = json!("someone-else");
    assert_refused(&app, &format!("Bearer {}", sign(&wrong_audience, TEST_SECRET)), "audience").await;

    let mut wrong_issuer = good.clone();
    wrong_issuer["iss"] = json!("someone-else");
    assert_refused(&app, &format!("Bearer {}", sign(&wrong_issuer, TEST_SECRET)), "issuer").await;

    let mut no_subject = good.clone();
    no_subject.as_object_mut().unwrap().remove("sub");
    assert_refused(&app, &format!("Bearer {}", sign(&no_subject, TEST_SECRET)), "no subject").await;

    assert_refused(&app, "Bearer not.a.token", "garbage").await;
    assert_refused(&app, "Basic dXNlcjpwYXNz", "not bearer").await;
}

async fn unknown_roles_grant_nothing(app: TestApp) {
    let mut c = claims(&app);
    c["roles"] = json!(["superuser", "secretariat"]);
    let data = app.query_as(VIEWER, Some(&sign(&c, TEST_SECRET))).await;
    assert_eq!(data["viewer"]["roles"], json!(["SECRETARIAT"]));
}

async fn a_state_scoped_role_without_a_country_is_refused(app: TestApp) {
    let mut c = claims(&app);
    c["roles"] = json!(["state_focal_point"]);
    assert_refused(&app, &format!("Bearer {}", sign(&c, TEST_SECRET)), "no country").await;
    c["country"] = json!("France");
    assert_refused(&app, &format!("Bearer {}", sign(&c, TEST_SECRET)), "country not a code").await;
}

on_both_backends!(
    a_token_signed_with_the_server_key_identifies_the_caller,
    an_anonymous_caller_has_no_viewer,
    forged_expired_and_unsigned_tokens_are_refused,
    unknown_roles_grant_nothing,
    a_state_scoped_role_without_a_country_is_refused,
);
