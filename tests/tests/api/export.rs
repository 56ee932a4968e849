//! Bulk export, `GET /api/v1/export/…`: every record a filter selects, as NDJSON or CSV, the same records as the lists.

use hrc_tests::{on_both_backends, TestApp};
use reqwest::{header, StatusCode};
use serde_json::Value;

async fn with_demo(app: &TestApp) {
    hrc_tests::fixtures::load_demo(app, 1_200, 9).await;
}

async fn export(app: &TestApp, path: &str) -> (StatusCode, header::HeaderMap, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

/// The IDs of every record GraphQL lists for `filter`, following the cursor.
async fn graphql_ids(app: &TestApp, list: &str, filter: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after = String::from("null");
    loop {
        let data = app
            .query(&format!(
                "{{ {list}(first: 100, after: {after}, filter: {filter}) {{ nodes {{ id }} pageInfo {{ hasNextPage endCursor }} }} }}"
            ))
            .await;
        ids.extend(data[list]["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()));
        if data[list]["pageInfo"]["hasNextPage"] != true {
            return ids;
        }
        after = data[list]["pageInfo"]["endCursor"].to_string();
    }
}

async fn an_export_streams_every_selected_record_as_ndjson_or_csv(app: TestApp) {
    with_demo(&app).await;

    // NDJSON: one record per line, in order, the same records as the list across its pages (more than one page).
    let (status, headers, body) =
        export(&app, "/api/v1/export/recommendations?fictional=true&response=SUPPORTED").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/x-ndjson; charset=utf-8");
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("recommendations.ndjson"));
    let records: Vec<Value> = body.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    let ids: Vec<String> = records.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    let expected = graphql_ids(&app, "recommendations", "{ fictional: true, response: SUPPORTED }").await;
    assert!(expected.len() > 100, "more than one page: {}", expected.len());
    assert_eq!(ids, expected);
    assert!(records.iter().all(|r| r["response"] == "SUPPORTED" && r["fictional"] == true));
    // A line is the record the REST endpoint gives.
    let one = app.client.get(app.url(&format!("/api/v1/recommendations/{}", ids[7]))).send().await.unwrap();
    assert_eq!(one.json::<Value>().await.unwrap(), records[7]);

    // CSV: a header, then a row per record, with the lists joined by `;`.
    let (status, headers, body) =
        export(&app, "/api/v1/export/recommendations?format=csv&fictional=true&response=SUPPORTED").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let columns: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let column = |name: &str| columns.iter().position(|c| c == name).unwrap_or_else(|| panic!("no {name} column"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), expected.len());
    assert_eq!(rows.iter().map(|r| r[column("id")].to_owned()).collect::<Vec<_>>(), expected);
    let row = &rows[7];
    let themes: Vec<&str> =
        records[7]["themes"].as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
    assert_eq!(&row[column("themes")], themes.join(";"));
    let targets: Vec<&str> =
        records[7]["sdgTargets"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(&row[column("sdgTargets")], targets.join(";"));
    assert_eq!(&row[column("country")], records[7]["country"]["isoCode"].as_str().unwrap());
    assert_eq!(&row[column("response")], "SUPPORTED");
    assert_eq!(
        &row[column("currentImplementationStatus")],
        records[7]["currentImplementationStatus"].as_str().unwrap_or("")
    );

    // Mandates and visits; a filter that selects nothing gives a CSV of its header alone.
    let (_, _, body) = export(&app, "/api/v1/export/visits?status=COMPLETED").await;
    assert_eq!(body.lines().count(), graphql_ids(&app, "visits", "{ status: COMPLETED }").await.len());
    let (_, _, body) = export(&app, "/api/v1/export/mandates?format=csv").await;
    let total = app.query("{ mandates { totalCount } }").await["mandates"]["totalCount"].as_u64().unwrap();
    assert_eq!(body.lines().count() as u64, total + 1);
    let (status, _, body) = export(&app, "/api/v1/export/visits?format=csv&updatedSince=2999-01-01T00:00:00Z").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.lines().count(), 1, "{body}");
    assert!(body.starts_with("id,key,mandate,country,status"));
}

async fn a_bad_export_is_refused_before_it_starts(app: TestApp) {
    for (path, field) in [
        ("/api/v1/export/recommendations?format=xml", "format"),
        ("/api/v1/export/recommendations?theme=no-such-theme", "theme"),
        ("/api/v1/export/recommendations?first=10", "first"),
        ("/api/v1/export/visits?country=XXX", "country"),
    ] {
        let (status, headers, body) = export(&app, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["code"], "BAD_USER_INPUT", "{path}");
        assert_eq!(body["field"], field, "{path}: {body}");
    }
    let response = app.client.post(app.url("/api/v1/export/visits")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

on_both_backends!(an_export_streams_every_selected_record_as_ndjson_or_csv, a_bad_export_is_refused_before_it_starts);
