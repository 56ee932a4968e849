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
                registry.lock().unwrap().push(link.abort_handle());
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
