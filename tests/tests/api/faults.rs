//! Database faults: with PostgreSQL out of reach mid-run (a proxy between the API and the server drops every
//! connection and refuses new ones), requests get `503` with `DATABASE_UNAVAILABLE` and readiness fails, nothing
//! panics, and service resumes by itself once the server is back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hrc_tests::{first_code, test_settings, Backend, TestApp, TestDatabase};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};

/// A TCP proxy to PostgreSQL that can cut every connection and refuse new ones, then let them through again.
struct Proxy {
    port: u16,
    open: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<tokio::task::AbortHandle>>> = Arc::default();
        let (accepting, registry) = (open.clone(), links.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else { continue };
                if !accepting.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let target = target.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                let handle = link.abort_handle();
                registry.lock().unwrap().push(handle.clone());
                // A connection accepted just as the cut began must not slip past it (seen in CI: one such link kept
                // serving every write through a 6 s cut).
                if !accepting.load(Ordering::SeqCst) {
                    handle.abort();
                }
            }
        });
        Proxy { port, open, links }
    }

    /// The server "stops": every connection drops, new ones are refused.
    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    /// The server is back.
    fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

// Several threads: the server starts synchronously, through the proxy that this runtime drives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_get_503_while_postgres_is_away_and_service_resumes_by_itself() {
    let Some(database) = TestDatabase::create(Backend::Postgres) else { return };
    let proxy = Proxy::start("127.0.0.1:5432".into()).await;
    let mut settings = test_settings(&database);
    let Some((before, after)) = database.url.split_once("@127.0.0.1:5432/") else {
        panic!("this test expects the PostgreSQL server at 127.0.0.1:5432: {}", database.url)
    };
    settings.database_url = format!("{before}@127.0.0.1:{}/{after}", proxy.port);
    let app = TestApp::spawn_with(settings, database).await;
    let query = json!({ "query": "{ countries(regionalGroup: WESTERN_EUROPEAN_OTHERS) { isoCode } }" });
    for _ in 0..3 {
        let (status, body) = app.post(&query, None).await;
        assert_eq!(status, 200, "{body}");
    }

    proxy.cut();
    let started = Instant::now();
    let (status, body) = app.post(&query, None).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(first_code(&body), "DATABASE_UNAVAILABLE");
    assert!(body["errors"][0]["extensions"]["requestId"].is_string(), "{body}");
    assert!(!body.to_string().contains("5432"), "no connection detail reaches the caller: {body}");
    let ready = app.client.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let live = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert_eq!(live.status(), 200, "the process itself is fine");
    eprintln!("refused in {:?}", started.elapsed());

    proxy.restore();
    let back = Instant::now();
    let mut failures = 0;
    loop {
        let (status, body) = app.post(&query, None).await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "only DATABASE_UNAVAILABLE while recovering: {body}");
        failures += 1;
        assert!(back.elapsed() < Duration::from_secs(15), "service did not resume within 15 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("resumed {:?} after the server's return, {failures} requests refused meanwhile", back.elapsed());
    // And it stays resumed: the dead connections were discarded.
    for _ in 0..20 {
        let (status, body) = app.post(&query, None).await;
        assert_eq!(status, 200, "{body}");
    }
    let ready = app.client.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
}

/// Fund-workflow writes while PostgreSQL goes away and comes back: each is committed and acknowledged, or refused
/// (`503`, or a `CONFLICT` when a submission's draft is not there), never half-applied. Two streams write at once: a
/// draft (a request row, its key, two recommendation links and its first event, in one transaction), then its
/// submission (status, criteria version and event). No write asked for in the cut is acknowledged before the
/// server's return, and each stream is whole again soon after it. Afterwards the database, read directly, holds every
/// acknowledged write, and every request in it is whole, acknowledged or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fund_writes_are_committed_and_acknowledged_or_refused_never_half_applied() {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};

    let Some(database) = TestDatabase::create(Backend::Postgres) else { return };
    let direct_url = database.url.clone();
    let proxy = Proxy::start("127.0.0.1:5432".into()).await;
    let mut settings = test_settings(&database);
    let (before, after) = database.url.split_once("@127.0.0.1:5432/").expect("the server at 127.0.0.1:5432");
    settings.database_url = format!("{before}@127.0.0.1:{}/{after}", proxy.port);
    let app = Arc::new(TestApp::spawn_with(settings, database).await);
    hrc_tests::fixtures::fund_criteria(&app).await;
    let items: Vec<_> = (0..2).map(|n| hrc_tests::fixtures::FakeRecommendation::numbered("NPL", n)).collect();
    hrc_tests::fixtures::insert_recommendations(&direct_url, &items);
    let data = app.query("{ recommendations(filter: { fictional: true }) { edges { node { key } } } }").await;
    let keys: Vec<String> = data["recommendations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["key"].as_str().unwrap().to_owned())
        .collect();
    let focal = app.token("focal-npl", &["state_focal_point"], Some("NPL"));

    // Each stream writes until, after the server's return, three writes in a row were acknowledged whole (or for
    // 45 s at most). It returns (title, draft acknowledged, submission acknowledged) per write, when each
    // acknowledged write was asked for and answered, and how long after the return its first whole write came.
    let restored: Arc<Mutex<Option<Instant>>> = Arc::default();
    let stream = |stream: usize| {
        let (app, focal, keys, restored) = (app.clone(), focal.clone(), keys.clone(), restored.clone());
        tokio::spawn(async move {
            let (mut outcomes, mut acknowledged_at) = (Vec::new(), Vec::new());
            let started = Instant::now();
            let (mut whole_in_a_row, mut resumed_after) = (0, None);
            let mut n = 0;
            while whole_in_a_row < 3 && started.elapsed() < Duration::from_secs(45) {
                n += 1;
                let back = *restored.lock().unwrap();
                let title = format!("FICTIONAL stream {stream} write {n}");
                let create = format!(
                    r#"mutation {{ createFundRequest(input: {{ fund: "implementation-fund", title: "{title}", needsAssessment: "FICTIONAL",
                        amount: "1000.00", currency: "USD", recommendations: ["{}", "{}"] }}) {{ id version }} }}"#,
                    keys[0], keys[1]
                );
                let asked = Instant::now();
                let (status, body) = app.post(&json!({ "query": create }), Some(&focal)).await;
                assert!(status == 200 || status == 503, "{title}: only acknowledged or refused: {status} {body}");
                let created = body["data"]["createFundRequest"].clone();
                if !created.is_null() {
                    acknowledged_at.push((asked, Instant::now()));
                }
                let submitted = if created.is_null() {
                    assert_eq!(first_code(&body), "DATABASE_UNAVAILABLE", "{title}: {body}");
                    outcomes.push((title, false, false));
                    false
                } else {
                    let submit = format!(
                        r#"mutation {{ submitFundRequest(id: "{}", expectedVersion: {}) {{ status }} }}"#,
                        created["id"].as_str().unwrap(),
                        created["version"]
                    );
                    let asked = Instant::now();
                    let (status, body) = app.post(&json!({ "query": submit }), Some(&focal)).await;
                    assert!(status == 200 || status == 503, "{title}: only acknowledged or refused: {status} {body}");
                    let submitted = body["data"]["submitFundRequest"]["status"] == "SUBMITTED";
                    if submitted {
                        acknowledged_at.push((asked, Instant::now()));
                    } else {
                        assert_eq!(first_code(&body), "DATABASE_UNAVAILABLE", "{title}: {body}");
                    }
                    outcomes.push((title, true, submitted));
                    submitted
                };
                // Only writes begun after the return count towards the end of the stream.
                match back {
                    Some(back) if submitted => {
                        whole_in_a_row += 1;
                        resumed_after.get_or_insert(back.elapsed());
                    }
                    Some(_) => whole_in_a_row = 0,
                    None => {}
                }
            }
            (outcomes, acknowledged_at, whole_in_a_row, resumed_after)
        })
    };
    let streams = [stream(1), stream(2)];
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.cut();
    let cut_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(6)).await;
    let restored_at = Instant::now();
    proxy.restore();
    *restored.lock().unwrap() = Some(restored_at);
    let mut outcomes = Vec::new();
    for (n, s) in streams.into_iter().enumerate() {
        let (written, acknowledged_at, whole_in_a_row, resumed_after) = s.await.expect("a stream panicked");
        // A write asked for while the server was away was not acknowledged before its return: the cut did cut (a
        // moment is allowed for the proxy's links to end).
        let in_the_cut = |(asked, answered): &&(Instant, Instant)| {
            *asked > cut_at + Duration::from_millis(200) && *answered < restored_at
        };
        let early: Vec<Duration> =
            acknowledged_at.iter().filter(in_the_cut).map(|(asked, _)| *asked - cut_at).collect();
        assert!(early.is_empty(), "stream {}: writes asked {early:?} into the cut acknowledged within it", n + 1);
        eprintln!("stream {}: {} writes, whole again {resumed_after:?} after the return", n + 1, written.len());
        assert_eq!(whole_in_a_row, 3, "stream {}: service did not resume within 45 s", n + 1);
        let resumed_after = resumed_after.expect("resumed");
        assert!(resumed_after < Duration::from_secs(15), "stream {}: resumed only after {resumed_after:?}", n + 1);
        outcomes.extend(written);
    }
    let refused = outcomes.iter().filter(|o| !o.1 || !o.2).count();
    let acknowledged = outcomes.iter().filter(|o| o.1).count();
    // Whether a write in the cut is refused or waits for the server's return depends on when it asked for a
    // connection (a request waits up to the pool's 5 s for one): either is right, a write acknowledged in the cut
    // is not (above).
    eprintln!("{} writes: {acknowledged} drafts acknowledged, {refused} refused (draft or submission)", outcomes.len());

    #[derive(QueryableByName, Debug)]
    struct Row {
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Text)]
        key: String,
        #[diesel(sql_type = Text)]
        status: String,
        #[diesel(sql_type = BigInt)]
        links: i64,
        #[diesel(sql_type = BigInt)]
        drafts: i64,
        #[diesel(sql_type = BigInt)]
        submissions: i64,
        #[diesel(sql_type = BigInt)]
        criteria: i64,
    }
    let mut conn = diesel::PgConnection::establish(&direct_url).unwrap();
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT r.title, r.key, r.status,
            (SELECT count(*) FROM fund_request_recommendations l WHERE l.request_id = r.id) AS links,
            (SELECT count(*) FROM fund_request_events e WHERE e.request_id = r.id AND e.to_status = 'DRAFT') AS drafts,
            (SELECT count(*) FROM fund_request_events e WHERE e.request_id = r.id AND e.to_status = 'SUBMITTED') AS submissions,
            (CASE WHEN r.criteria_version_id IS NULL THEN 0 ELSE 1 END)::bigint AS criteria
         FROM fund_requests r",
    )
    .load(&mut conn)
    .unwrap();
    // Every request there is whole.
    for row in &rows {
        assert!(row.key.starts_with("FR-"), "a provisional key was left: {row:?}");
        assert_eq!((row.links, row.drafts), (2, 1), "a draft half there: {row:?}");
        let submitted = row.status == "SUBMITTED";
        assert_eq!((row.submissions, row.criteria), if submitted { (1, 1) } else { (0, 0) }, "{row:?}");
        assert!(submitted || row.status == "DRAFT", "{row:?}");
    }
    // Every acknowledged write is there.
    for (title, drafted, submitted) in &outcomes {
        let row = rows.iter().find(|r| &r.title == title);
        if *drafted {
            let row = row.unwrap_or_else(|| panic!("acknowledged draft {title:?} is missing"));
            if *submitted {
                assert_eq!(row.status, "SUBMITTED", "acknowledged submission of {title:?} is missing");
            }
        }
    }
    let lost_acks = rows.iter().filter(|r| outcomes.iter().any(|o| o.0 == r.title && !o.1)).count();
    eprintln!("{} requests in the database ({lost_acks} committed whose answer was lost in the cut)", rows.len());
}
