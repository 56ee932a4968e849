use diesel::connection::SimpleConnection;
use hrc_tests::{on_both_backends, TestApp};

async fn loading_the_seed_data_again_changes_nothing(app: TestApp) {
    let url = app.database.url.clone();
    let report = tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        hrc_db::seed::load(&mut conn).unwrap()
    })
    .await
    .unwrap();
    assert!(!report.changed(), "{report:?}");
    assert!(report.unchanged > 500, "{report:?}");
}

/// Nepal as the list of countries gives it, which reads the database: the load below runs behind the server's back,
/// as `hrc-api seed` would, and on SQLite no process can tell the server; its copy of the reference tables, which
/// `country(isoCode:)` reads, holds the old row until its time to live (`reference_cache.rs` tests that copy).
async fn nepal(app: &TestApp) -> serde_json::Value {
    let data = app.query(r#"{ countries(regionalGroup: ASIA_PACIFIC) { isoCode name updatedAt } }"#).await;
    let found = data["countries"].as_array().unwrap().iter().find(|c| c["isoCode"] == "NPL").cloned();
    serde_json::json!({ "country": found.unwrap_or_else(|| panic!("no Nepal in {data}")) })
}

async fn a_seeded_row_changed_in_the_database_is_restored_by_the_next_load(app: TestApp) {
    let before = nepal(&app).await;
    let url = app.database.url.clone();
    let report = tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        conn.batch_execute("UPDATE countries SET name_en = 'Changed' WHERE iso3 = 'NPL'").unwrap();
        hrc_db::seed::load(&mut conn).unwrap()
    })
    .await
    .unwrap();
    assert_eq!((report.updated, report.inserted, report.deleted), (1, 0, 0), "{report:?}");
    let after = nepal(&app).await;
    assert_eq!(after["country"]["name"], "Nepal");
    assert_ne!(after["country"]["updatedAt"], before["country"]["updatedAt"], "updatedAt must move");

    // A versioned record restored by the seed moves its version, so a client holding the old one gets CONFLICT.
    let url = app.database.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        conn.batch_execute("UPDATE mandates SET name_en = 'Changed' WHERE key = 'sr-racism'").unwrap();
        hrc_db::seed::load(&mut conn).unwrap()
    })
    .await
    .unwrap();
    let data = app.query(r#"{ mandate(key: "sr-racism") { version name } }"#).await;
    assert_eq!(data["mandate"]["version"], 2);
    assert!(data["mandate"]["name"]
        .as_str()
        .unwrap()
        .starts_with("Special Rapporteur on contemporary forms of racism"));
}

on_both_backends!(
    loading_the_seed_data_again_changes_nothing,
    a_seeded_row_changed_in_the_database_is_restored_by_the_next_load,
    a_seed_load_waits_for_a_concurrent_writer,
);

/// On SQLite, a transaction that reads before it writes cannot wait for another writer (it gets SQLITE_BUSY at
/// once); the seed loader therefore takes the write lock first, and waits its turn behind a running write.
async fn a_seed_load_waits_for_a_concurrent_writer(app: TestApp) {
    let url = app.database.url.clone();
    let writer_url = url.clone();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let writer = std::thread::spawn(move || {
        let mut conn = hrc_db::connection::establish(&writer_url).unwrap();
        let begin = match app_backend_is_sqlite(&writer_url) {
            true => "BEGIN IMMEDIATE; UPDATE countries SET name_en = name_en WHERE iso3 = 'NPL';",
            false => "BEGIN; UPDATE countries SET name_en = name_en WHERE iso3 = 'NPL';",
        };
        conn.batch_execute(begin).unwrap();
        locked_tx.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(500));
        conn.batch_execute("COMMIT").unwrap();
    });
    locked_rx.recv().unwrap();
    let report = tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        hrc_db::seed::load(&mut conn)
    })
    .await
    .unwrap();
    writer.join().unwrap();
    let report = report.expect("the seed load waited for the writer instead of failing");
    assert!(!report.changed(), "{report:?}");
}

fn app_backend_is_sqlite(url: &str) -> bool {
    !url.starts_with("postgres")
}
