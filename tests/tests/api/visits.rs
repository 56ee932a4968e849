use hrc_tests::{on_both_backends, TestApp};
use serde_json::{json, Value};

async fn with_demo(app: &TestApp) {
    hrc_tests::fixtures::load_demo(app, 2_500, 3).await;
}

async fn count(app: &TestApp, filter: &str) -> i64 {
    app.query(&format!("{{ visits(filter: {filter}) {{ totalCount }} }}")).await["visits"]["totalCount"]
        .as_i64()
        .unwrap()
}

async fn visits_are_listed_and_filtered_by_mandate_country_status_and_year(app: TestApp) {
    assert_eq!(count(&app, "{}").await, 0, "the seeds hold no visits, and none is invented");
    with_demo(&app).await;
    let all = count(&app, "{}").await;
    assert_eq!(all, 50, "one demo visit for every 50 recommendations");
    assert_eq!(count(&app, "{ fictional: true }").await, all);
    let by_mandate: i64 = {
        let mut sum = 0;
        for key in ["sr-racism", "sr-freedom-of-religion", "sr-truth-justice", "wg-business"] {
            sum += count(&app, &format!(r#"{{ mandate: "{key}" }}"#)).await;
        }
        sum
    };
    assert_eq!(by_mandate, all);
    let mut by_status = 0;
    for status in ["REQUESTED", "REMINDER_SENT", "ACCEPTED", "SCHEDULED", "COMPLETED", "POSTPONED", "DECLINED"] {
        by_status += count(&app, &format!("{{ status: {status} }}")).await;
    }
    assert_eq!(by_status, all);

    let data = app.query("{ visits(first: 100, filter: { status: COMPLETED }) { edges { node { startsOn endsOn followUpDueOn country { isoCode } mandate { key } } } } }").await;
    let completed = data["visits"]["edges"].as_array().unwrap();
    assert!(!completed.is_empty());
    let node = &completed[0]["node"];
    let year: i32 = node["startsOn"].as_str().unwrap()[..4].parse().unwrap();
    assert!(count(&app, &format!("{{ year: {year}, status: COMPLETED }}")).await >= 1);
    let ends: i32 = node["endsOn"].as_str().unwrap()[..4].parse().unwrap();
    assert_eq!(
        node["followUpDueOn"].as_str().unwrap()[..4].parse::<i32>().unwrap(),
        ends + 3,
        "follow-up three years on"
    );
    let iso = node["country"]["isoCode"].as_str().unwrap();
    let key = node["mandate"]["key"].as_str().unwrap();
    assert!(count(&app, &format!(r#"{{ country: "{iso}", mandate: "{key}", status: COMPLETED }}"#)).await >= 1);
}

async fn a_mandate_lists_its_latest_visits_first(app: TestApp) {
    with_demo(&app).await;
    let data = app.query("{ mandates(first: 10) { edges { node { key visits(first: 5) { startsOn requestedOn country { isoCode } } } } } }").await;
    for edge in data["mandates"]["edges"].as_array().unwrap() {
        let visits = edge["node"]["visits"].as_array().unwrap();
        assert!(visits.len() <= 5);
        let dates: Vec<String> = visits
            .iter()
            .map(|v| v["startsOn"].as_str().or(v["requestedOn"].as_str()).unwrap_or("").to_owned())
            .collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "latest first for {}", edge["node"]["key"]);
    }
    let first: &Value = &data["mandates"]["edges"][0]["node"];
    if let Some(iso) = first["visits"][0]["country"]["isoCode"].as_str() {
        let one = app
            .query(&format!(
                r#"{{ mandate(key: "{}") {{ visits(first: 100, country: "{iso}") {{ country {{ isoCode }} }} }} }}"#,
                first["key"].as_str().unwrap()
            ))
            .await;
        assert!(one["mandate"]["visits"].as_array().unwrap().iter().all(|v| v["country"]["isoCode"] == iso));
    }
}

async fn visit_filters_that_name_nothing_we_hold_are_refused(app: TestApp) {
    for (filter, field) in [
        (r#"{ mandate: "sr-nothing" }"#, "filter.mandate"),
        (r#"{ country: "ZZZ" }"#, "filter.country"),
        ("{ year: 3000 }", "filter.year"),
    ] {
        let (_, code, body) = app.query_error(&format!("{{ visits(filter: {filter}) {{ totalCount }} }}")).await;
        assert_eq!(code, "BAD_USER_INPUT", "{filter}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    let (_, code, _) = app.query_error(r#"{ mandate(key: "wg-business") { visits(first: 101) { key } } }"#).await;
    assert_eq!(code, "BAD_USER_INPUT");
}

async fn visits_are_counted_per_year_and_agree_with_the_list(app: TestApp) {
    with_demo(&app).await;
    let data = app.query("{ visitCounts(groupBy: [YEAR]) { count values { dimension key } } }").await;
    let buckets = data["visitCounts"].as_array().unwrap();
    let years: Vec<i32> = buckets.iter().map(|b| b["values"][0]["key"].as_str().unwrap().parse().unwrap()).collect();
    let mut sorted = years.clone();
    sorted.sort();
    assert_eq!(years, sorted, "in year order");
    for bucket in buckets {
        let year = bucket["values"][0]["key"].as_str().unwrap();
        assert_eq!(bucket["count"].as_i64().unwrap(), count(&app, &format!("{{ year: {year} }}")).await, "year {year}");
    }
    for filter in
        ["{}", "{ status: COMPLETED }", r#"{ mandate: "wg-business" }"#, "{ fictional: false }", "{ year: 2020 }"]
    {
        let data = app
            .query(&format!("{{ visits(filter: {filter}) {{ totalCount }} visitCounts(groupBy: [STATUS, MANDATE], filter: {filter}) {{ count }} }}"))
            .await;
        let summed: i64 = data["visitCounts"].as_array().unwrap().iter().map(|b| b["count"].as_i64().unwrap()).sum();
        assert_eq!(summed, data["visits"]["totalCount"].as_i64().unwrap(), "filter {filter}");
    }
    let (_, code, _) = app.query_error("{ visitCounts(groupBy: [YEAR, YEAR]) { count } }").await;
    assert_eq!(code, "BAD_USER_INPUT");
}

const MANDATE: &str = "fragment M on Mandate {
    key name holders { name role }
    visits(first: 5) {
        id key status requestedOn startsOn endsOn followUpDueOn fictional version source createdAt updatedAt
        country { isoCode }
    }
}";

/// [`MANDATE`] with the visits' reports and mandates too, which are read on trips of their own.
fn mandate_in_full() -> String {
    MANDATE.replace("country { isoCode }", "report { symbol } mandate { key } country { isoCode }")
}

/// A page of mandates, paged from the copy of the reference tables with their holders and the visits' countries, reads
/// its visits on one trip, and they are what each mandate's own lookup gives, every field of every visit.
async fn a_page_of_mandates_reads_holders_and_visits_on_its_own_trip(app: TestApp) {
    with_demo(&app).await;
    let (before, statements_before) = (app.db.trips(), app.db.statements_executed());
    let data = app.query(&format!("{{ mandates(first: 100) {{ nodes {{ ...M }} }} }} {MANDATE}")).await;
    let trips = app.db.trips() - before;
    let statements = app.db.statements_executed() - statements_before;
    let nodes = data["mandates"]["nodes"].as_array().unwrap();
    assert!(nodes.iter().any(|n| !n["holders"].as_array().unwrap().is_empty()), "{data}");
    assert!(nodes.iter().any(|n| n["visits"][0]["country"]["isoCode"].is_string()), "{data}");
    eprintln!("{}: {trips} trips for {} mandates with holders and visits", app.backend.name(), nodes.len());
    assert_eq!(trips, 1, "the visits on one trip");
    assert_eq!(statements, 1, "the visits alone (the page, its holders and the visits' countries are in memory)");
    // The demo's visits have no reports: every visit is given one, so that its link is compared too.
    app.db
        .run(|c| {
            use diesel::connection::SimpleConnection;
            c.batch_execute("UPDATE visits SET report_id = (SELECT MIN(id) FROM reports)")?;
            Ok(())
        })
        .await
        .unwrap();
    let full = mandate_in_full();
    let data = app.query(&format!("{{ mandates(first: 100) {{ nodes {{ ...M }} }} }} {full}")).await;
    let nodes = data["mandates"]["nodes"].as_array().unwrap();
    assert!(nodes.iter().all(|n| n["visits"].as_array().unwrap().iter().all(|v| v["report"].is_object())), "{data}");
    for node in nodes {
        let key = node["key"].as_str().unwrap();
        let one = app.query(&format!("{{ mandate(key: {key:?}) {{ ...M }} }} {full}")).await;
        assert_eq!(&one["mandate"], node, "{key}: the page's relations differ from its own lookup");
    }
}

/// `visits(first: n)` reads only the latest n visits of each mandate, and they are the first n of all its visits, in
/// the same order: on a page (read ahead, several n at once through aliases, one from a variable, beside a country
/// filter) and on one mandate (through its loader). Every list of visits is read in a request of its own, so that no
/// longer list read beside it can hide a wrong choice of the latest ones.
async fn the_latest_visits_of_a_mandate_are_the_first_of_all_its_visits(app: TestApp) {
    with_demo(&app).await;
    let keys = |list: &Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|v| v["key"].as_str().unwrap().to_owned()).collect()
    };
    let run = |query: String| {
        let app = &app;
        async move {
            let variables = if query.contains("$n") { json!({ "n": 3 }) } else { json!({}) };
            let (_, body) = app.post(&json!({ "query": query, "variables": variables }), None).await;
            assert!(body.get("errors").is_none(), "{body}");
            body["data"].clone()
        }
    };
    let everything = run("{ mandates(first: 5) { nodes { key all: visits(first: 100) { key startsOn \
                          requestedOn country { isoCode } } } } }"
        .to_owned())
    .await;
    let nodes = everything["mandates"]["nodes"].as_array().unwrap().clone();
    assert!(
        nodes.iter().any(|n| n["all"].as_array().unwrap().len() > 10),
        "a mandate with more than a page: {everything}"
    );
    assert!(
        nodes.iter().any(|n| n["all"].as_array().unwrap().iter().take(10).any(|v| v["startsOn"].is_null())),
        "unscheduled visits are among the latest, so their order is tested: {everything}"
    );
    let short = "none: visits(first: 0) { key }
        one: visits(first: 1) { key country { isoCode } }
        some: visits(first: $n) { key }
        usual: visits { key }";
    let page = run(format!("query V($n: Int) {{ mandates(first: 5) {{ nodes {{ key {short} }} }} }}")).await;
    let iso = nodes.iter().find_map(|n| n["all"][0]["country"]["isoCode"].as_str()).expect("a visit with a country");
    let mixed = run(format!(
        "query V($n: Int) {{ mandates(first: 5) {{ nodes {{ key {short} there: visits(country: {iso:?}) {{ key }} }} }} }}"
    ))
    .await;
    for (i, node) in nodes.iter().enumerate() {
        let key = node["key"].as_str().unwrap();
        let all = keys(&node["all"]);
        assert!(all.len() < 100, "`all` must hold every visit of {key}");
        let date = |v: &Value| v["startsOn"].as_str().or(v["requestedOn"].as_str()).unwrap_or("").to_owned();
        let dates: Vec<String> = node["all"].as_array().unwrap().iter().map(date).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "latest first: {dates:?}");
        let alone = run(format!("query V($n: Int) {{ mandate(key: {key:?}) {{ {short} }} }}")).await;
        for (what, got) in [
            ("the page", &page["mandates"]["nodes"][i]),
            ("the page beside a country filter", &mixed["mandates"]["nodes"][i]),
            ("the mandate alone", &alone["mandate"]),
        ] {
            assert_eq!(keys(&got["none"]), Vec::<String>::new(), "{key}, {what}");
            assert_eq!(keys(&got["one"]), all[..1.min(all.len())], "{key}, {what}");
            assert_eq!(got["one"][0]["country"], node["all"][0]["country"], "{key}, {what}");
            assert_eq!(keys(&got["some"]), all[..3.min(all.len())], "{key}, {what}");
            assert_eq!(keys(&got["usual"]), all[..10.min(all.len())], "{key}, {what}");
        }
        let there: Vec<String> = node["all"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["country"]["isoCode"] == iso)
            .take(10)
            .map(|v| v["key"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(keys(&mixed["mandates"]["nodes"][i]["there"]), there, "{key}: its visits to {iso}");
    }
}

on_both_backends!(
    the_latest_visits_of_a_mandate_are_the_first_of_all_its_visits,
    a_page_of_mandates_reads_holders_and_visits_on_its_own_trip,
    visits_are_counted_per_year_and_agree_with_the_list,
    visits_are_listed_and_filtered_by_mandate_country_status_and_year,
    a_mandate_lists_its_latest_visits_first,
    visit_filters_that_name_nothing_we_hold_are_refused,
);
