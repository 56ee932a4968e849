//! A server leaves no thread of its own behind on PostgreSQL: its event listener ends when the server is dropped
//! (as every test's server is), and when a stopping node asks it to.
//!
//! A listener that outlived its server kept reconnecting, every 2 s, to its test's dropped database, so that by the
//! end of a run some 150 of them were inside libpq; one of them inside OpenSSL as the process exited crashed the
//! exit with SIGSEGV after every test had passed. This is a binary of its own, with one test, so that the threads
//! it counts are its own.

use std::time::{Duration, Instant};

use hrc_tests::{test_settings, Backend, TestApp, TestDatabase};

/// The threads of this process that listen for events.
#[cfg(target_os = "linux")]
fn listeners() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim() == "events")
        .count()
}

/// Waits up to 5 s for the number of listening threads to be `expected`; the number when it gave up otherwise.
#[cfg(target_os = "linux")]
fn wait_for_listeners(expected: usize) -> usize {
    let start = Instant::now();
    loop {
        let now = listeners();
        if now == expected || start.elapsed() > Duration::from_secs(5) {
            return now;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn the_event_listener_ends_with_its_server_and_when_asked() {
    let Some(database) = TestDatabase::create(Backend::Postgres) else { return };
    assert_eq!(listeners(), 0, "no server runs yet");

    // As in every test: the test's app (and its database) goes at the end of the test, its runtime after it.
    let settings = test_settings(&database);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let app = TestApp::spawn_with(settings, database).await;
        let body = app.query("{ __typename }").await;
        assert_eq!(body["__typename"], "Query", "{body}");
        assert_eq!(listeners(), 1, "the server listens for events on PostgreSQL");

        // A hub of its own, stopped as a stopping node stops it, while the hub itself lives on.
        let hub = hrc_schema::events::Events::start(app.db.clone(), &app.settings.database_url);
        assert_eq!(wait_for_listeners(2), 2, "the second hub listens too");
        hub.stop_listening();
        assert_eq!(listeners(), 1, "stop_listening returns once its thread has ended");
        drop(hub);
        drop(app);
    });
    drop(runtime);
    assert_eq!(wait_for_listeners(0), 0, "the dropped server's listener is still running");
}
