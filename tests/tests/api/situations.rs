use diesel::prelude::*;
use hrc_db::schema::{countries, mandates, visits};
use hrc_tests::{on_both_backends, TestApp};
use serde_json::json;

async fn country_situations_link_their_investigative_bodies_briefings_and_missions(app: TestApp) {
    let data = app
        .query(
            "{ countrySituations(first: 10) { totalCount edges { node { key title zh: title(lang: ZH) country { isoCode }
               investigativeBodies { key kind } mandates { key } events { kind year mandate { key } report { symbol } } source } } } }",
        )
        .await;
    let edges = data["countrySituations"]["edges"].as_array().unwrap();
    let keys: Vec<&str> = edges.iter().map(|e| e["node"]["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["BDI", "SSD", "LKA", "CUB"]);
    let burundi = &edges[0]["node"];
    assert_eq!(burundi["zh"], "布隆迪人权状况");
    assert_eq!(
        burundi["investigativeBodies"],
        json!([{ "key": "commission-of-inquiry-burundi", "kind": "INVESTIGATIVE_BODY" }])
    );
    let sri_lanka = &edges[2]["node"];
    assert_eq!(
        sri_lanka["events"],
        json!([{ "kind": "BRIEFING", "year": null, "mandate": { "key": "sr-truth-justice" }, "report": null }])
    );
    let cuba = &edges[3]["node"];
    assert_eq!(cuba["events"][0]["kind"], "GOOD_OFFICES_MISSION");
    assert_eq!(cuba["events"][0]["year"], 1988);
    assert_eq!(cuba["events"][0]["report"]["symbol"], "E/CN.4/1989/46");
    assert!(edges.iter().all(|e| !e["node"]["source"].as_str().unwrap().is_empty()));

    let data =
        app.query(r#"{ country(isoCode: "BDI") { situations { key } standingInvitation { extendedOn } } }"#).await;
    assert_eq!(data["country"]["situations"], json!([{ "key": "BDI" }]));
    assert!(data["country"]["standingInvitation"].is_null(), "none is recorded, and none is invented");
    let data = app.query(r#"{ countrySituations(country: "ssd") { edges { node { key } } } }"#).await;
    assert_eq!(data["countrySituations"]["edges"], json!([{ "node": { "key": "SSD" } }]));
    let data = app.query(r#"{ countrySituation(key: "CUB") { id } }"#).await;
    let id = data["countrySituation"]["id"].as_str().unwrap();
    let data = app.query(&format!(r#"{{ node(id: "{id}") {{ ... on CountrySituation {{ key }} }} }}"#)).await;
    assert_eq!(data["node"]["key"], "CUB");
    for (query, field) in [
        (r#"{ countrySituations(country: "ZZZ") { totalCount } }"#, "country"),
        ("{ countrySituations(agendaItem: 11) { totalCount } }", "agendaItem"),
    ] {
        let (_, code, body) = app.query_error(query).await;
        assert_eq!(code, "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
}

async fn a_mandate_lists_its_holders_and_who_served_on_a_day(app: TestApp) {
    let data = app
        .query(
            r#"{ mandate(key: "sr-truth-justice") { preventionDimension holders { key name role startsOn endsOn source }
                 in2015: holders(servingOn: "2015-06-01") { name } in2020: holders(servingOn: "2020-06-01") { name }
                 renewals { resolution { symbol } } } }"#,
        )
        .await;
    let mandate = &data["mandate"];
    assert_eq!(mandate["preventionDimension"], true);
    let names: Vec<&str> = mandate["holders"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Pablo de Greiff", "Fabián Salvioli"]);
    assert_eq!(mandate["holders"][0]["role"], "SPECIAL_RAPPORTEUR");
    assert_eq!(mandate["in2015"], json!([{ "name": "Pablo de Greiff" }]));
    assert_eq!(mandate["in2020"], json!([{ "name": "Fabián Salvioli" }]));
    assert_eq!(mandate["renewals"], json!([]));
    let id = app.query(r#"{ mandate(key: "sr-truth-justice") { holders { id } } }"#).await["mandate"]["holders"][0]
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let data =
        app.query(&format!(r#"{{ node(id: "{id}") {{ ... on MandateHolder {{ key mandate {{ key }} }} }} }}"#)).await;
    assert_eq!(data["node"], json!({ "key": "sr-truth-justice:2012", "mandate": { "key": "sr-truth-justice" } }));
}

/// The first question of the issue's "done when": which mandates with a prevention dimension visited Burundi, and
/// when. The seeds hold no visit, so the test adds a fictional one.
async fn prevention_mandates_that_visited_a_country_are_one_query(app: TestApp) {
    let url = app.database.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).unwrap();
        let now = chrono::Utc::now().naive_utc();
        for (mandate, country, key) in
            [("sr-truth-justice", "BDI", "a"), ("sr-racism", "BDI", "b"), ("sr-truth-justice", "NPL", "c")]
        {
            let mandate: i64 =
                mandates::table.filter(mandates::key.eq(mandate)).select(mandates::id).first(&mut conn).unwrap();
            let country: i64 =
                countries::table.filter(countries::iso3.eq(country)).select(countries::id).first(&mut conn).unwrap();
            diesel::insert_into(visits::table)
                .values((
                    visits::key.eq(format!("FICTIONAL:test:{key}")),
                    visits::mandate_id.eq(mandate),
                    visits::country_id.eq(country),
                    visits::status.eq("COMPLETED"),
                    visits::starts_on.eq(chrono::NaiveDate::from_ymd_opt(2014, 12, 8).unwrap()),
                    visits::ends_on.eq(chrono::NaiveDate::from_ymd_opt(2014, 12, 16).unwrap()),
                    visits::fictional.eq(true),
                    visits::source.eq("fictional test fixture"),
                    visits::created_at.eq(now),
                    visits::updated_at.eq(now),
                ))
                .execute(&mut conn)
                .unwrap();
        }
    })
    .await
    .unwrap();
    let data = app
        .query(r#"{ mandates(preventionDimension: true) { edges { node { key visits(country: "BDI") { startsOn endsOn status } } } } }"#)
        .await;
    assert_eq!(
        data["mandates"]["edges"],
        json!([{ "node": { "key": "sr-truth-justice", "visits": [{ "startsOn": "2014-12-08", "endsOn": "2014-12-16", "status": "COMPLETED" }] } }])
    );
    let (_, code, body) =
        app.query_error(r#"{ mandates { edges { node { visits(country: "ZZZ") { status } } } } }"#).await;
    assert_eq!(code, "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "country");
}

on_both_backends!(
    country_situations_link_their_investigative_bodies_briefings_and_missions,
    a_mandate_lists_its_holders_and_who_served_on_a_day,
    prevention_mandates_that_visited_a_country_are_one_query,
);
