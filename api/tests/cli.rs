//! The `hrc-api` binary as a user runs it: `serve`, `token`, `seed`, `export-schema`, and production's refusals.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hrc_tests::{Backend, TestDatabase};
use serde_json::{json, Value};

mod support;
use support::hrc;

/// A running `hrc-api serve`, stopped with SIGTERM when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data_dir: &Path, database_url: &str) -> Server {
        Server::start_with(data_dir, database_url, "warn", Stdio::inherit())
    }

    /// Starts the server with a log filter, its log (stderr) going to `log`.
    fn start_with(data_dir: &Path, database_url: &str, log_filter: &str, log: Stdio) -> Server {
        Server::start_over(hrc(data_dir, database_url), log_filter, log)
    }

    /// Starts the server from a prepared command.
    fn start_over(mut command: Command, log_filter: &str, log: Stdio) -> Server {
        let mut child = command
            .env("HRC_BIND", "127.0.0.1:0")
            .env("RUST_LOG", log_filter)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("hrc-api starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            assert!(Instant::now() < deadline, "the server did not print its address");
            let line = lines.next().expect("the server printed its address before exiting").unwrap();
            if let Some(url) = line.trim().strip_prefix("GraphQL").map(str::trim) {
                break url.split_whitespace().next().unwrap().trim_end_matches("/graphql").to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, base }
    }

    fn query(&self, query: &str, token: Option<&str>) -> (u16, Value) {
        let client = reqwest::blocking::Client::new();
        let mut request = client.post(format!("{}/graphql", self.base)).json(&json!({ "query": query }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().expect("request");
        (response.status().as_u16(), response.json().expect("JSON"))
    }

    /// Sends SIGTERM and returns whether the process exited cleanly.
    fn stop(self) -> bool {
        self.terminate();
        self.wait()
    }

    /// Sends SIGTERM.
    fn terminate(&self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    }

    /// Waits for the process to exit; whether it exited cleanly.
    fn wait(mut self) -> bool {
        let status = self.child.wait().expect("wait");
        std::mem::forget(self);
        status.success()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn token(data_dir: &Path, database_url: &str, args: &[&str]) -> std::process::Output {
    hrc(data_dir, database_url).arg("token").args(args).output().expect("hrc-api token runs")
}

fn serve_answers_and_accepts_its_own_tokens(backend: Backend) {
    let Some(database) = TestDatabase::create(backend) else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &database.url);

    let (status, body) =
        server.query(r#"{ resolution(symbol: "A/HRC/RES/45/31") { voteTally { yes no abstain } } }"#, None);
    assert_eq!(status, 200);
    assert_eq!(body["data"]["resolution"]["voteTally"], json!({ "yes": 32, "no": 3, "abstain": 11 }), "{body}");

    // Development mode: the server made a key in the data dir, and `token` with the same settings signs with it.
    let output =
        token(dir.path(), &database.url, &["--sub", "focal-npl", "--role", "state_focal_point", "--country", "npl"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let jwt = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let (status, body) = server.query("{ viewer { subject roles country } }", Some(&jwt));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["viewer"],
        json!({ "subject": "focal-npl", "roles": ["STATE_FOCAL_POINT"], "country": "NPL" })
    );

    // A token from another data dir (another key) is refused.
    let other = tempfile::tempdir().unwrap();
    let output = token(other.path(), &database.url, &["--sub", "x", "--role", "secretariat"]);
    let foreign = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let (status, body) = server.query("{ viewer { subject } }", Some(&foreign));
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

    assert!(server.stop(), "SIGTERM ends the server with status 0");

    // Seeding again from the command line changes nothing.
    let output = hrc(dir.path(), &database.url).arg("seed").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains(" 0 inserted, 0 updated, 0 deleted"), "{text}");
}

#[test]
fn serve_answers_and_accepts_its_own_tokens_on_sqlite() {
    serve_answers_and_accepts_its_own_tokens(Backend::Sqlite);
}

#[test]
fn serve_answers_and_accepts_its_own_tokens_on_postgres() {
    serve_answers_and_accepts_its_own_tokens(Backend::Postgres);
}

#[test]
fn production_refuses_to_start_without_a_configured_key() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
    let output = hrc(dir.path(), &url).env("HRC_ENV", "production").env("HRC_BIND", "127.0.0.1:0").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HRC_JWT_SECRET"), "{stderr}");
    assert!(!dir.path().join("jwt-dev-hs256.key").exists(), "production must not make a development key");

    let output = hrc(dir.path(), &url)
        .env("HRC_ENV", "production")
        .env("HRC_JWT_SECRET", "short")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(output.status.success(), "migrate needs no key");
    let output = hrc(dir.path(), &url)
        .env("HRC_ENV", "production")
        .env("HRC_JWT_SECRET", "short")
        .args(["token", "--sub", "x", "--role", "admin"])
        .output()
        .unwrap();
    assert!(!output.status.success(), "a short secret is refused");
}

#[test]
fn token_refuses_unknown_roles_and_state_roles_without_a_country() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
    let output = token(dir.path(), &url, &["--sub", "x", "--role", "superuser"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown role"));
    let output = token(dir.path(), &url, &["--sub", "x", "--role", "fund_committee"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--country"));
}

#[test]
fn export_schema_prints_the_sdl() {
    let dir = tempfile::tempdir().unwrap();
    let output = hrc(dir.path(), "sqlite::memory:").arg("export-schema").output().unwrap();
    assert!(output.status.success());
    let sdl = String::from_utf8(output.stdout).unwrap();
    for needle in ["type Query ", "voteTally: VoteTally", "enum Vote", "scalar Date", "type ResolutionConnection"] {
        assert!(sdl.contains(needle), "{needle} missing from the SDL");
    }
}

#[test]
fn a_database_that_cannot_be_reached_is_reported_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let output = hrc(dir.path(), "postgres://nobody:secret@127.0.0.1:1/none").arg("migrate").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Connection refused") || stderr.contains("connection"), "{stderr}");
    assert!(!stderr.contains("secret"), "the password must not be printed: {stderr}");
}

#[test]
fn the_request_log_has_paths_and_statuses_but_never_queries_or_variables() {
    let Some(database) = TestDatabase::create(Backend::Sqlite) else { return };
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = Server::start_with(dir.path(), &database.url, "info", Stdio::from(log));
    let marker = "CONFIDENTIALMARKER";
    let client = reqwest::blocking::Client::new();
    let get = client
        .get(format!("{}/graphql", server.base))
        .query(&[("query", format!("{{ country(isoCode: \"{marker}\") {{ name }} }}"))])
        .send()
        .unwrap();
    assert_eq!(get.status().as_u16(), 200);
    let post = client
        .post(format!("{}/graphql", server.base))
        .json(&json!({ "query": "query($s: String) { recommendations(filter: { search: $s }) { totalCount } }", "variables": { "s": marker } }))
        .send()
        .unwrap();
    assert_eq!(post.status().as_u16(), 200);
    assert!(server.stop());
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(text.contains("/graphql"), "requests are logged: {text}");
    assert!(!text.contains(marker), "a query or its variables reached the log: {text}");
}

/// Nothing of a confidential communication (its author, its summary, its rights) reaches the application log, not
/// even at the most verbose level, whether the request succeeds or fails; and `seed --demo` fills the store with
/// fictional communications only.
fn confidential_text_never_reaches_the_application_log(backend: Backend) {
    let Some(database) = TestDatabase::create(backend) else { return };
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut command = hrc(dir.path(), &database.url);
    command.env("CONFIDENTIAL_DATABASE_URL", &database.confidential_url);
    let server = Server::start_over(command, "trace", Stdio::from(log));
    let output = token(dir.path(), &database.url, &["--sub", "cs-officer", "--role", "complaint_secretariat"]);
    let jwt = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let (status, body) = server.query(
        r#"mutation { registerComplaintCommunication(input: { receivedOn: "2024-05-01", authorKind: INDIVIDUAL,
            authorName: "AUTHORMARKER", authorContact: "CONTACTMARKER", country: "NPL", rightsAlleged: ["RIGHTMARKER"],
            summary: "SUMMARYMARKER", fictional: true }) { id version } }"#,
        Some(&jwt),
    );
    assert_eq!(status, 200, "{body}");
    let id = body["data"]["registerComplaintCommunication"]["id"].as_str().expect("registered").to_owned();
    let (_, body) = server.query(
        &format!(r#"{{ complaintCommunication(id: "{id}") {{ summary rightsAlleged author {{ name contact }} }} }}"#),
        Some(&jwt),
    );
    assert_eq!(body["data"]["complaintCommunication"]["author"]["name"], "AUTHORMARKER", "{body}");
    // Failures too: a transition the workflow refuses, a stale version, bad input naming a marker.
    let (_, body) = server.query(
        &format!(r#"mutation {{ moveComplaintCommunication(id: "{id}", expectedVersion: 1, to: REFERRED_TO_COUNCIL, note: "NOTEMARKER") {{ status }} }}"#),
        Some(&jwt),
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    let (_, body) = server.query(
        &format!(r#"mutation {{ moveComplaintCommunication(id: "{id}", expectedVersion: 9, to: SCREENED_OUT, note: "NOTEMARKER") {{ status }} }}"#),
        Some(&jwt),
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "CONFLICT", "{body}");
    let (_, body) = server.query(
        r#"mutation { registerComplaintCommunication(input: { receivedOn: "2024-05-01", authorKind: GROUP,
            authorName: "AUTHORMARKER", country: "ZZZ", rightsAlleged: ["RIGHTMARKER"], summary: "SUMMARYMARKER" }) { id } }"#,
        Some(&jwt),
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");

    // The restricted domains: a signal's protected source and the reasons of its steps, a reprisal case's person.
    let analyst = token(dir.path(), &database.url, &["--sub", "analyst", "--role", "secretariat"]);
    let analyst = String::from_utf8(analyst.stdout).unwrap().trim().to_owned();
    let signal = |country: &str| {
        format!(
            r#"mutation {{ reportEarlyWarningSignal(input: {{ country: "{country}", observedOn: "2025-01-02", reportedOn: "2025-01-03",
                sourceKind: HUMAN_RIGHTS_DEFENDER, sourceReference: "SOURCEMARKER", category: TORTURE_SURGE, severity: HIGH,
                description: "SIGNALMARKER" }}, note: "REASONMARKER") {{ id version source {{ reference }} }} }}"#
        )
    };
    let (_, body) = server.query(&signal("NPL"), Some(&analyst));
    assert_eq!(body["data"]["reportEarlyWarningSignal"]["source"]["reference"], "SOURCEMARKER", "{body}");
    let signal_id = body["data"]["reportEarlyWarningSignal"]["id"].as_str().unwrap().to_owned();
    let (_, body) = server.query(&signal("ZZZ"), Some(&analyst));
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    let (_, body) = server.query(
        &format!(r#"mutation {{ moveEarlyWarningSignal(id: "{signal_id}", expectedVersion: 1, to: VERIFIED, reason: "REASONMARKER") {{ status }} }}"#),
        Some(&analyst),
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    let officer = token(dir.path(), &database.url, &["--sub", "officer", "--role", "reprisals_officer"]);
    let officer = String::from_utf8(officer.stdout).unwrap().trim().to_owned();
    let case = |country: &str| {
        format!(
            r#"mutation {{ recordReprisalCase(input: {{ country: "{country}", mechanism: "upr", occasion: UPR, personKind: JOURNALIST,
                personName: "PERSONMARKER", personDetails: "DETAILMARKER", summary: "CASEMARKER", acts: [THREATS],
                firstActOn: "2024-01-01" }}) {{ id identity {{ name }} }} }}"#
        )
    };
    let (_, body) = server.query(&case("BDI"), Some(&officer));
    assert_eq!(body["data"]["recordReprisalCase"]["identity"]["name"], "PERSONMARKER", "{body}");
    let (_, body) = server.query(&case("ZZZ"), Some(&officer));
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");

    assert!(server.stop());
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(text.contains("/graphql"), "requests are logged: {}", &text[..text.len().min(2_000)]);
    for marker in [
        "AUTHORMARKER",
        "CONTACTMARKER",
        "RIGHTMARKER",
        "SUMMARYMARKER",
        "NOTEMARKER",
        "SOURCEMARKER",
        "SIGNALMARKER",
        "REASONMARKER",
        "PERSONMARKER",
        "DETAILMARKER",
        "CASEMARKER",
    ] {
        assert!(!text.contains(marker), "{marker} reached the application log");
    }

    let output = hrc(dir.path(), &database.url)
        .env("CONFIDENTIAL_DATABASE_URL", &database.confidential_url)
        .args(["seed", "--demo", "--scale", "50"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("confidential store (FICTIONAL): 40 complaint communications"), "{text}");
    assert!(text.contains("early warning (FICTIONAL): 150 signals"), "{text}");
    assert!(text.contains("reprisal cases (FICTIONAL): 40 cases"), "{text}");
    assert!(text.contains("roster of experts (FICTIONAL): 30 experts"), "{text}");
}

#[test]
fn confidential_text_never_reaches_the_application_log_on_sqlite() {
    confidential_text_never_reaches_the_application_log(Backend::Sqlite);
}

#[test]
fn confidential_text_never_reaches_the_application_log_on_postgres() {
    confidential_text_never_reaches_the_application_log(Backend::Postgres);
}

#[test]
fn the_confidential_store_must_be_apart_from_the_public_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
    let output = hrc(dir.path(), &url)
        .env("CONFIDENTIAL_DATABASE_URL", &url)
        .env("HRC_BIND", "127.0.0.1:0")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("same SQLite file"), "{stderr}");
    // Production on PostgreSQL without the store's own URL refuses to start.
    let output = hrc(dir.path(), "postgres://hrc@127.0.0.1:1/hrc")
        .env("HRC_ENV", "production")
        .env("HRC_JWT_SECRET", "a-production-secret-of-at-least-32-bytes!")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CONFIDENTIAL_DATABASE_URL"), "{stderr}");
}

/// An event raised through one `hrc-api` process reaches a subscriber of another, through PostgreSQL: a fund event
/// and an early-warning one.
#[test]
fn a_fund_event_raised_on_one_process_reaches_a_subscriber_of_another() {
    let Some(database) = TestDatabase::create(Backend::Postgres) else { return };
    const SECRET: &str = "a-shared-test-secret-of-at-least-32-bytes";
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let start = |dir: &Path| {
        let mut command = hrc(dir, &database.url);
        command.env("HRC_JWT_SECRET", SECRET);
        Server::start_over(command, "warn", Stdio::inherit())
    };
    let (a, b) = (start(dir_a.path()), start(dir_b.path()));
    let mint = |args: &[&str]| {
        let output =
            hrc(dir_a.path(), &database.url).env("HRC_JWT_SECRET", SECRET).arg("token").args(args).output().unwrap();
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    // One subscriber for both kinds of event: the fund's secretariat and an OHCHR analyst.
    let fund_secretariat = mint(&["--sub", "fs", "--role", "fund_secretariat", "--role", "secretariat"]);
    let focal = mint(&["--sub", "focal-npl", "--role", "state_focal_point", "--country", "NPL"]);

    // Subscribe on A.
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("{}/graphql", a.base.replace("http://", "ws://")).into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tungstenite::connect(request).expect("the socket opens");
    if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_ref() {
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    }
    let send = |socket: &mut tungstenite::WebSocket<_>, value: Value| {
        socket.send(tungstenite::Message::Text(value.to_string().into())).unwrap()
    };
    let read = |socket: &mut tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>| loop {
        match socket.read().expect("a message within 10 s") {
            tungstenite::Message::Text(text) => break serde_json::from_str::<Value>(&text).unwrap(),
            _ => continue,
        }
    };
    send(&mut socket, json!({ "type": "connection_init", "payload": { "token": fund_secretariat } }));
    assert_eq!(read(&mut socket)["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "type": "subscribe", "id": "s", "payload": { "query": "subscription { fundRequestEvents { key change } }" } }),
    );
    send(
        &mut socket,
        json!({ "type": "subscribe", "id": "e", "payload": { "query": "subscription { earlyWarningSignalEvents { key change } }" } }),
    );
    std::thread::sleep(Duration::from_millis(500));

    // Raise the event through B.
    let (status, body) = b.query(
        r#"mutation { createFundRequest(input: { fund: "implementation-fund", title: "FICTIONAL cross-process test",
            needsAssessment: "FICTIONAL", amount: "1000.00", currency: "USD" }) { key } }"#,
        Some(&focal),
    );
    assert_eq!(status, 200, "{body}");
    let key = body["data"]["createFundRequest"]["key"].as_str().expect("created").to_owned();
    let event = read(&mut socket);
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(event["payload"]["data"]["fundRequestEvents"], json!({ "key": key, "change": "CREATED" }));
    // An early-warning signal reported through B reaches A's subscriber too.
    let (status, body) = b.query(
        r#"mutation { reportEarlyWarningSignal(input: { country: "NPL", observedOn: "2025-01-02", reportedOn: "2025-01-02",
            sourceKind: CIVIL_SOCIETY, sourceReference: "FICTIONAL", category: OTHER, severity: LOW, description: "FICTIONAL" }) { key } }"#,
        Some(&fund_secretariat),
    );
    assert_eq!(status, 200, "{body}");
    let key = body["data"]["reportEarlyWarningSignal"]["key"].as_str().expect("reported").to_owned();
    let event = read(&mut socket);
    assert_eq!(event["id"], "e", "{event}");
    assert_eq!(event["payload"]["data"]["earlyWarningSignalEvents"], json!({ "key": key, "change": "REPORTED" }));
    assert!(a.stop() && b.stop());
}

/// The cache of public answers on one process is emptied by a change made through another, through PostgreSQL: a
/// mutation on another server, and an `hrc-api import` run beside them.
#[test]
fn a_change_through_another_process_empties_the_cache_of_public_answers() {
    let Some(database) = TestDatabase::create(Backend::Postgres) else { return };
    const SECRET: &str = "a-shared-test-secret-of-at-least-32-bytes";
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let start = |dir: &Path| {
        let mut command = hrc(dir, &database.url);
        command.env("HRC_JWT_SECRET", SECRET).env("HRC_RESPONSE_CACHE_SECONDS", "3600");
        Server::start_over(command, "warn", Stdio::inherit())
    };
    let (a, b) = (start(dir_a.path()), start(dir_b.path()));
    let client = reqwest::blocking::Client::new();
    let latest = "{ recommendations(first: 1, orderBy: { field: ID, direction: DESC }) { nodes { key } } }";
    let get = || {
        let response = client.get(format!("{}/graphql", a.base)).query(&[("query", latest)]).send().unwrap();
        let cache = response.headers().get("x-cache").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let body: Value = response.json().unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        (cache, body["data"]["recommendations"]["nodes"][0]["key"].as_str().unwrap_or_default().to_owned())
    };
    let (_, before) = get();
    assert_eq!(get(), ("hit".to_owned(), before.clone()), "A answers from its cache");

    let output = hrc(dir_b.path(), &database.url)
        .env("HRC_JWT_SECRET", SECRET)
        .args(["token", "--sub", "officer", "--role", "secretariat"])
        .output()
        .unwrap();
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let (status, body) = b.query(
        r#"mutation { createRecommendation(input: { key: "FICTIONAL:cache-test", sourceKind: REPORT,
            addressee: HUMAN_RIGHTS_COUNCIL, textEn: "FICTIONAL cross-process cache test", source: "test" }) { key } }"#,
        Some(&token),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = get();
    while seen.1 != "FICTIONAL:cache-test" && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        seen = get();
    }
    assert_eq!(seen.1, "FICTIONAL:cache-test", "B's change reached A's cache within 5 s");

    // A command-line import beside the servers announces its change too.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/import/uhri-sample.csv");
    let imported = hrc(dir_b.path(), &database.url)
        .args(["import", "recommendations", "--fictional"])
        .arg(&sample)
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = get();
    while seen.1 == "FICTIONAL:cache-test" && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        seen = get();
    }
    assert_eq!(seen.1, "uhri:T-1005", "the import reached A's cache within 5 s");
    assert!(a.stop() && b.stop());
}

/// With an OTLP endpoint set, the request spans are exported as OpenTelemetry traces (OTLP/HTTP, protobuf), with the
/// service name and the request's route, and without the query or its variables.
#[test]
fn spans_are_exported_over_otlp_when_an_endpoint_is_set() {
    use std::io::{Read, Write};
    let Some(database) = TestDatabase::create(Backend::Sqlite) else { return };
    let dir = tempfile::tempdir().unwrap();
    // A collector that records each request it is sent.
    let collector = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", collector.local_addr().unwrap());
    let (sent, received) = std::sync::mpsc::channel::<(String, String, Vec<u8>)>();
    std::thread::spawn(move || {
        for stream in collector.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut data = Vec::new();
            let mut buffer = [0u8; 8192];
            let (head, body) = loop {
                let n = stream.read(&mut buffer).unwrap_or(0);
                if n == 0 {
                    break (String::new(), Vec::new());
                }
                data.extend_from_slice(&buffer[..n]);
                if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&data[..end]).to_string();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                        })
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    let mut body = data[end + 4..].to_vec();
                    while body.len() < length {
                        let n = stream.read(&mut buffer).unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        body.extend_from_slice(&buffer[..n]);
                    }
                    break (head, body);
                }
            };
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n");
            let path = head.lines().next().unwrap_or_default().to_owned();
            let content_type = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("content-type:"))
                .unwrap_or_default()
                .to_owned();
            let _ = sent.send((path, content_type, body));
        }
    });
    let mut command = hrc(dir.path(), &database.url);
    command.env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint).env("OTEL_BSP_SCHEDULE_DELAY", "100");
    let server = Server::start_over(command, "info", Stdio::null());
    let client = reqwest::blocking::Client::new();
    let body = json!({
        "query": "query Secretive($word: String) { recommendations(first: 1, filter: { search: $word }) { totalCount } }",
        "variables": { "word": "otlpsecretword" },
    });
    let answer: Value = client.post(format!("{}/graphql", server.base)).json(&body).send().unwrap().json().unwrap();
    assert!(answer.get("errors").is_none(), "{answer}");
    assert!(server.stop(), "the server exits cleanly, flushing its spans");
    let mut exports = Vec::new();
    while let Ok(export) = received.recv_timeout(Duration::from_secs(10)) {
        exports.push(export);
        if exports.iter().any(|(_, _, body)| body.windows(8).any(|w| w == b"/graphql")) {
            break;
        }
    }
    assert!(!exports.is_empty(), "spans were exported");
    let (path, content_type, _) = &exports[0];
    assert!(path.starts_with("POST /v1/traces "), "{path}");
    assert!(content_type.contains("application/x-protobuf"), "{content_type}");
    let all: Vec<u8> = exports.iter().flat_map(|(_, _, body)| body.clone()).collect();
    let has = |needle: &[u8]| all.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"hrc-api"), "the service name");
    assert!(has(b"/graphql"), "the request span's path");
    assert!(!has(b"otlpsecretword") && !has(b"Secretive"), "no query, operation or variable in the spans");
}

/// SIGTERM with a subscription open: the event raised just before it is still delivered, the socket is closed with
/// 1001 (going away, so that the client reconnects to another node), and the process exits 0 at once, not after the
/// 10 s allowed to requests in flight.
#[test]
fn sigterm_delivers_a_subscription_its_last_event_then_closes_it_as_going_away() {
    let Some(database) = TestDatabase::create(Backend::Sqlite) else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &database.url);
    let mint =
        |args: &[&str]| String::from_utf8(token(dir.path(), &database.url, args).stdout).unwrap().trim().to_owned();
    let watcher = mint(&["--sub", "fs", "--role", "fund_secretariat"]);
    let focal = mint(&["--sub", "focal-npl", "--role", "state_focal_point", "--country", "NPL"]);
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("{}/graphql", server.base.replace("http://", "ws://")).into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tungstenite::connect(request).expect("the socket opens");
    if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_ref() {
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    }
    let send = |socket: &mut tungstenite::WebSocket<_>, value: Value| {
        socket.send(tungstenite::Message::Text(value.to_string().into())).unwrap()
    };
    send(&mut socket, json!({ "type": "connection_init", "payload": { "token": watcher } }));
    assert!(socket.read().unwrap().to_text().unwrap().contains("connection_ack"));
    send(
        &mut socket,
        json!({ "type": "subscribe", "id": "s", "payload": { "query": "subscription { fundRequestEvents { key change } }" } }),
    );
    std::thread::sleep(Duration::from_millis(300));
    let (status, body) = server.query(
        r#"mutation { createFundRequest(input: { fund: "implementation-fund", title: "FICTIONAL last event", needsAssessment: "FICTIONAL",
            amount: "1000.00", currency: "USD" }) { key } }"#,
        Some(&focal),
    );
    assert_eq!(status, 200, "{body}");
    let key = body["data"]["createFundRequest"]["key"].as_str().expect("created").to_owned();
    let signalled = Instant::now();
    server.terminate();
    let mut event = None;
    let close = loop {
        match socket.read() {
            Ok(tungstenite::Message::Text(text)) => event = Some(serde_json::from_str::<Value>(&text).unwrap()),
            Ok(tungstenite::Message::Close(frame)) => break frame,
            Ok(_) => continue,
            Err(e) => panic!("the socket ended without a close frame: {e}"),
        }
    };
    let event = event.expect("the last event was delivered");
    assert_eq!(event["payload"]["data"]["fundRequestEvents"], json!({ "key": key, "change": "CREATED" }));
    let close = close.expect("a close frame with a code");
    assert_eq!(u16::from(close.code), 1001, "{close:?}");
    assert!(server.wait(), "the process exits 0");
    let took = signalled.elapsed();
    eprintln!("stopped {took:?} after SIGTERM with a subscription open");
    assert!(took < Duration::from_secs(5), "the socket did not hold the stop back: {took:?}");
}

/// SIGTERM lets a request in flight finish with its whole answer, then the process exits 0.
#[test]
fn sigterm_lets_requests_in_flight_finish() {
    let Some(database) = TestDatabase::create(Backend::Sqlite) else { return };
    let dir = tempfile::tempdir().unwrap();
    // Enough fictional data that the aggregate below takes a while.
    let output = hrc(dir.path(), &database.url).args(["seed", "--demo", "--scale", "20000"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let server = Server::start(dir.path(), &database.url);
    let query = "{ a: recommendationCounts(groupBy: [THEME, COUNTRY]) { count } b: recommendationCounts(groupBy: [SDG_GOAL, RESPONSE]) { count } c: recommendationCounts(groupBy: [AFFECTED_PERSONS, COUNTRY]) { count } }";
    let started = Instant::now();
    let (status, _) = server.query(query, None);
    let took = started.elapsed();
    assert_eq!(status, 200);
    let base = server.base.clone();
    let in_flight = std::thread::spawn(move || {
        let client = reqwest::blocking::Client::new();
        let response =
            client.post(format!("{base}/graphql")).json(&json!({ "query": query })).send().expect("answered");
        (response.status().as_u16(), response.json::<Value>().expect("a whole JSON body"))
    });
    // Signal while the request runs: a quarter of the time it took on the idle server.
    std::thread::sleep(took / 4);
    let exited_cleanly = server.stop();
    let (status, body) = in_flight.join().unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    assert!(body["data"]["a"].as_array().is_some_and(|a| !a.is_empty()), "{body}");
    assert!(exited_cleanly, "the process exits 0 after finishing the request");
    eprintln!("the request took {took:?} on the idle server");
    assert!(took > Duration::from_millis(40), "the request must be slow enough to be in flight: {took:?}");
}

fn export_writes_every_selected_record_as_ndjson_or_csv(backend: Backend) {
    let Some(database) = TestDatabase::create(backend) else { return };
    let dir = tempfile::tempdir().unwrap();
    let seeded = hrc(dir.path(), &database.url).args(["seed", "--demo", "--scale", "300"]).output().unwrap();
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));

    let ndjson = hrc(dir.path(), &database.url)
        .args(["export", "recommendations", "--where", "fictional=true&sort=-id"])
        .output()
        .unwrap();
    assert!(ndjson.status.success(), "{}", String::from_utf8_lossy(&ndjson.stderr));
    let lines: Vec<Value> = String::from_utf8(ndjson.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON record"))
        .collect();
    assert_eq!(lines.len(), 300, "every fictional recommendation, none of the real");
    assert!(lines.iter().all(|r| r["fictional"] == true));
    let ids: Vec<&str> = lines.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let file = dir.path().join("recommendations.csv");
    let csv = hrc(dir.path(), &database.url)
        .args(["export", "recommendations", "--format", "csv", "--where", "fictional=true&sort=-id", "--output"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(csv.status.success(), "{}", String::from_utf8_lossy(&csv.stderr));
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let rows: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(rows, ids, "the same records in the same order, newest first");

    let refused = hrc(dir.path(), &database.url).args(["export", "visits", "--where", "year=abc"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("year") && message.contains("BAD_USER_INPUT"), "{message}");
    let unknown = hrc(dir.path(), &database.url).args(["export", "complaints"]).output().unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("recommendations, mandates or visits"));
}

#[test]
fn export_writes_every_selected_record_as_ndjson_or_csv_on_sqlite() {
    export_writes_every_selected_record_as_ndjson_or_csv(Backend::Sqlite);
}

#[test]
fn export_writes_every_selected_record_as_ndjson_or_csv_on_postgres() {
    export_writes_every_selected_record_as_ndjson_or_csv(Backend::Postgres);
}
