//! The GraphiQL page, and its packages served from a folder (`HRC_GRAPHIQL_ASSETS`) for networks without the CDN:
//! only the page's packages, only `.js` and `.css`, nothing outside the folder. (`tests/graphiql/check.sh` runs the
//! page in headless Chromium.)

use hrc_tests::{on_both_backends, test_settings, TestApp, TestDatabase};
use reqwest::StatusCode;

async fn graphiql_is_served_with_its_packages_from_a_folder_and_nothing_else(app: TestApp) {
    let page = app.client.get(app.url("/graphql")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("https://unpkg.com/graphiql@"), "by default the page loads GraphiQL from the CDN");
    assert_eq!(
        app.client.get(app.url("/graphiql/assets/react/umd/react.development.js")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "without a folder nothing is served"
    );

    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(folder.path().join("react/umd")).unwrap();
    std::fs::write(folder.path().join("react/umd/react.development.js"), "window.React = {};").unwrap();
    std::fs::write(folder.path().join("react/package.json"), "{}").unwrap();
    std::fs::write(folder.path().join("secret.js"), "the operator's own file").unwrap();
    let database = TestDatabase::create(app.backend).expect("the backend is configured");
    let mut settings = test_settings(&database);
    settings.graphiql_assets = Some(folder.path().to_path_buf());
    let local = TestApp::spawn_with(settings, database).await;

    let html = local.client.get(local.url("/graphql")).header("accept", "text/html").send().await.unwrap();
    let html = html.text().await.unwrap();
    assert!(!html.contains("unpkg.com"), "{html}");
    for asset in ["/graphiql/assets/react/umd/react.development.js", "/graphiql/assets/graphiql/graphiql.min.js"] {
        assert!(html.contains(asset), "{asset} in {html}");
    }
    let script = local.client.get(local.url("/graphiql/assets/react/umd/react.development.js")).send().await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(script.text().await.unwrap(), "window.React = {};");
    for refused in [
        "/graphiql/assets/react/package.json",
        "/graphiql/assets/react/..%2Fsecret.js",
        "/graphiql/assets/react/../secret.js",
        "/graphiql/assets/other/secret.js",
        "/graphiql/assets/react/umd/missing.js",
    ] {
        let response = local.client.get(local.url(refused)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{refused}");
        assert!(!response.text().await.unwrap().contains("operator"), "{refused}");
    }
}

on_both_backends!(graphiql_is_served_with_its_packages_from_a_folder_and_nothing_else);
