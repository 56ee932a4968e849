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

async fn a_seeded_row_changed_in_the_database_is_restored_by_the_next_load(app: TestApp) {
    let before = app.query(r#"{ country(isoCode: "NPL") { name updatedAt } }"#).await;
    let url = app.database.url.clone();
    let report = tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        conn.batch_execute("UPDATE countries SET name_en = 'Changed' WHERE iso3 = 'NPL'").unwrap();
        hrc_db::seed::load(&mut conn).unwrap()
    })
    .await
    .unwrap();
    assert_eq!((report.updated, report.inserted, report.deleted), (1, 0, 0), "{report:?}");
    let after = app.query(r#"{ country(isoCode: "NPL") { name updatedAt } }"#).await;
    assert_eq!(after["country"]["name"], "Nepal");
    assert_ne!(after["country"]["updatedAt"], before["country"]["updatedAt"], "updatedAt must move");
}

on_both_backends!(
    loading_the_seed_data_again_changes_nothing,
    a_seeded_row_changed_in_the_database_is_restored_by_the_next_load
);
