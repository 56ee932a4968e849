//! Fixture builders: rows a test needs beyond the seed data, inserted into the test's own database. Every row made
//! here is flagged fictional.

use chrono::NaiveDate;
use diesel::prelude::*;
use hrc_db::schema::{
    countries, implementation_reports, mechanisms, recommendation_sdg_targets, recommendation_terms, recommendations,
    sdg_targets, thesaurus_terms,
};

/// A fictional UPR recommendation to build.
#[derive(Debug, Clone)]
pub struct FakeRecommendation {
    pub country: &'static str,
    pub recommending_country: &'static str,
    pub cycle: i32,
    pub response: &'static str,
    pub text_en: String,
    pub targets: Vec<&'static str>,
    /// The day it was made.
    pub made_on: NaiveDate,
    /// Thesaurus keys (themes and affected persons).
    pub terms: Vec<&'static str>,
    /// (status, date) of each implementation report, in the order they are appended.
    pub history: Vec<(&'static str, NaiveDate)>,
}

impl FakeRecommendation {
    /// A recommendation to `country` numbered `n`, with two SDG targets, a theme (and, every fourth, children as
    /// affected persons) and a two-step history.
    pub fn numbered(country: &'static str, n: usize) -> FakeRecommendation {
        FakeRecommendation {
            country,
            recommending_country: "FJI",
            cycle: 3,
            response: if n % 3 == 0 { "NOTED" } else { "SUPPORTED" },
            text_en: format!("FICTIONAL test recommendation {n}: strengthen the national human rights institution"),
            targets: vec!["16.10", "16.a"],
            made_on: NaiveDate::from_ymd_opt(2019, 1, 1).unwrap() + chrono::Days::new(30 * n as u64),
            terms: if n % 4 == 0 {
                vec!["national-human-rights-institutions", "children"]
            } else {
                vec!["national-human-rights-institutions"]
            },
            history: vec![
                ("NOT_STARTED", NaiveDate::from_ymd_opt(2021, 1, 1).unwrap()),
                (
                    if n % 2 == 0 { "FULLY_IMPLEMENTED" } else { "IN_PROGRESS" },
                    NaiveDate::from_ymd_opt(2023, 6, 1).unwrap(),
                ),
            ],
        }
    }
}

/// Inserts the recommendations (with their targets and histories) and returns their ids.
pub fn insert_recommendations(database_url: &str, items: &[FakeRecommendation]) -> Vec<i64> {
    let mut conn = hrc_db::connection::establish(database_url).expect("connect");
    let now = chrono::Utc::now().naive_utc();
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        let upr: i64 = mechanisms::table.filter(mechanisms::key.eq("upr")).select(mechanisms::id).first(conn)?;
        let mut ids = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let country: i64 =
                countries::table.filter(countries::iso3.eq(item.country)).select(countries::id).first(conn)?;
            let recommending: i64 = countries::table
                .filter(countries::iso3.eq(item.recommending_country))
                .select(countries::id)
                .first(conn)?;
            let id: i64 = diesel::insert_into(recommendations::table)
                .values((
                    recommendations::key.eq(format!(
                        "FICTIONAL:test:{}:{i}:{}",
                        item.country,
                        uuid::Uuid::new_v4().simple()
                    )),
                    recommendations::source_kind.eq("UPR"),
                    recommendations::mechanism_id.eq(upr),
                    recommendations::addressee.eq("STATE"),
                    recommendations::country_id.eq(country),
                    recommendations::recommending_country_id.eq(recommending),
                    recommendations::upr_cycle.eq(item.cycle),
                    recommendations::made_on.eq(item.made_on),
                    recommendations::response.eq(item.response),
                    recommendations::text_en.eq(&item.text_en),
                    recommendations::priority.eq(false),
                    recommendations::fictional.eq(true),
                    recommendations::source.eq("fictional test fixture"),
                    recommendations::created_at.eq(now),
                    recommendations::updated_at.eq(now),
                ))
                .returning(recommendations::id)
                .get_result(conn)?;
            for code in &item.targets {
                let target: i64 =
                    sdg_targets::table.filter(sdg_targets::code.eq(code)).select(sdg_targets::id).first(conn)?;
                diesel::insert_into(recommendation_sdg_targets::table)
                    .values((
                        recommendation_sdg_targets::recommendation_id.eq(id),
                        recommendation_sdg_targets::sdg_target_id.eq(target),
                    ))
                    .execute(conn)?;
            }
            for key in &item.terms {
                let term: i64 = thesaurus_terms::table
                    .filter(thesaurus_terms::key.eq(key))
                    .select(thesaurus_terms::id)
                    .first(conn)?;
                diesel::insert_into(recommendation_terms::table)
                    .values((recommendation_terms::recommendation_id.eq(id), recommendation_terms::term_id.eq(term)))
                    .execute(conn)?;
            }
            for (status, date) in &item.history {
                diesel::insert_into(implementation_reports::table)
                    .values((
                        implementation_reports::recommendation_id.eq(id),
                        implementation_reports::status.eq(status),
                        implementation_reports::reported_on.eq(date),
                        implementation_reports::source_kind.eq("STATE"),
                        implementation_reports::fictional.eq(true),
                        implementation_reports::created_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            ids.push(id);
        }
        Ok(ids)
    })
    .expect("insert fixtures")
}

/// Registers a fictional complaint communication about Nepal as `token` (a `complaint_secretariat` token) and moves it
/// through the procedure to the Council; returns it as `moveComplaintCommunication` last answered (with its
/// situation).
pub async fn referred_complaint(app: &crate::TestApp, token: &str) -> serde_json::Value {
    let mut communication = register_complaint(app, token, "NPL").await;
    for to in ["TRANSMITTED_TO_STATE", "STATE_REPLIED", "ASSESSED_BY_WGC", "REFERRED_TO_WGS", "REFERRED_TO_COUNCIL"] {
        communication = move_complaint(app, token, &communication, to).await;
    }
    communication
}

/// Registers a fictional complaint communication concerning `country`; returns `{ id reference version status }`.
pub async fn register_complaint(app: &crate::TestApp, token: &str, country: &str) -> serde_json::Value {
    let data = app
        .query_as(
            &format!(
                r#"mutation {{ registerComplaintCommunication(input: {{ receivedOn: "2024-03-01", authorKind: INDIVIDUAL,
                    authorName: "FICTIONAL test author", authorContact: "fictional@example.invalid", country: "{country}",
                    rightsAlleged: ["freedom of expression"], summary: "FICTIONAL test communication", fictional: true }})
                    {{ id reference version status }} }}"#
            ),
            Some(token),
        )
        .await;
    data["registerComplaintCommunication"].clone()
}

/// Moves a complaint communication (as returned by these fixtures) to `to`; returns it as the mutation answers.
pub async fn move_complaint(
    app: &crate::TestApp,
    token: &str,
    communication: &serde_json::Value,
    to: &str,
) -> serde_json::Value {
    let data = app
        .query_as(
            &format!(
                r#"mutation {{ moveComplaintCommunication(id: "{}", expectedVersion: {}, to: {to}, note: "test")
                    {{ id reference version status situation {{ id reference status version }} }} }}"#,
                communication["id"].as_str().expect("an id"),
                communication["version"]
            ),
            Some(token),
        )
        .await;
    data["moveComplaintCommunication"].clone()
}

/// Adopts two assistance criteria (`alignment`, `feasibility`, each scored 0 to 5) for the Implementation Fund, in
/// force from 2024-01-01, as the fund's secretariat.
pub async fn fund_criteria(app: &crate::TestApp) {
    let token = app.token("fund-secretariat", &["fund_secretariat"], None);
    app.query_as(
        r#"mutation { adoptFundCriteria(fund: "implementation-fund", adoptedOn: "2024-01-01", criteria: [
            { key: "alignment", description: "FICTIONAL test criterion: targets the State's own recommendations", maxScore: 5 },
            { key: "feasibility", description: "FICTIONAL test criterion: can be done with the amount asked", maxScore: 5 }
        ]) { number } }"#,
        Some(&token),
    )
    .await;
}

/// A draft request to the Implementation Fund by `country`'s focal point, targeting `recommendations` (keys), for
/// 125,000.00 USD; returns `{ id key version status }`.
pub async fn fund_draft(app: &crate::TestApp, country: &str, recommendations: &[&str]) -> serde_json::Value {
    let token = app.token(&format!("focal-{country}"), &["state_focal_point"], Some(country));
    let keys = serde_json::to_string(recommendations).unwrap();
    let data = app
        .query_as(
            &format!(
                r#"mutation {{ createFundRequest(input: {{ fund: "implementation-fund", title: "FICTIONAL test request",
                    needsAssessment: "FICTIONAL needs", partners: ["UNDP country office"], attachments: ["A/HRC/43/37"],
                    amount: "125000.00", currency: "USD", recommendations: {keys} }}) {{ id key version status }} }}"#
            ),
            Some(&token),
        )
        .await;
    data["createFundRequest"].clone()
}

/// Criteria adopted, and a request by `country` submitted to the Implementation Fund; returns `{ id key version
/// status }`.
pub async fn submitted_fund_request(app: &crate::TestApp, country: &str) -> serde_json::Value {
    fund_criteria(app).await;
    let draft = fund_draft(app, country, &[]).await;
    let token = app.token(&format!("focal-{country}"), &["state_focal_point"], Some(country));
    let data = app
        .query_as(
            &format!(
                r#"mutation {{ submitFundRequest(id: "{}", expectedVersion: {}) {{ id key version status }} }}"#,
                draft["id"].as_str().unwrap(),
                draft["version"]
            ),
            Some(&token),
        )
        .await;
    data["submitFundRequest"].clone()
}

/// A `secretariat` token.
pub fn secretariat(app: &crate::TestApp) -> String {
    app.token("ohchr-analyst", &["secretariat"], None)
}

/// A `reprisals_officer` token.
pub fn reprisals_officer(app: &crate::TestApp) -> String {
    app.token("reprisals-officer", &["reprisals_officer"], None)
}

/// Reports an early-warning signal as the secretariat, observed and reported on `on`; returns `{ id key version
/// status }`.
pub async fn report_signal(
    app: &crate::TestApp,
    country: &str,
    on: &str,
    category: &str,
    severity: &str,
) -> serde_json::Value {
    let data = app
        .query_as(
            &format!(
                r#"mutation {{ reportEarlyWarningSignal(input: {{ country: "{country}", observedOn: "{on}", reportedOn: "{on}",
                    sourceKind: HUMAN_RIGHTS_DEFENDER, sourceReference: "FICTIONAL protected source {country} {on}",
                    category: {category}, severity: {severity}, description: "FICTIONAL test signal" }})
                    {{ id key version status }} }}"#
            ),
            Some(&secretariat(app)),
        )
        .await;
    data["reportEarlyWarningSignal"].clone()
}

/// Moves a signal (as these fixtures return it) to `to` with a reason; returns it as the mutation answers.
pub async fn move_signal(app: &crate::TestApp, signal: &serde_json::Value, to: &str) -> serde_json::Value {
    let data = app
        .query_as(
            &format!(
                r#"mutation {{ moveEarlyWarningSignal(id: "{}", expectedVersion: {}, to: {to}, reason: "FICTIONAL test step")
                    {{ id key version status }} }}"#,
                signal["id"].as_str().unwrap(),
                signal["version"]
            ),
            Some(&secretariat(app)),
        )
        .await;
    data["moveEarlyWarningSignal"].clone()
}

/// A verified signal: reported, then verified.
pub async fn verified_signal(
    app: &crate::TestApp,
    country: &str,
    on: &str,
    category: &str,
    severity: &str,
) -> serde_json::Value {
    let signal = report_signal(app, country, on, category, severity).await;
    let signal = move_signal(app, &signal, "UNDER_VERIFICATION").await;
    move_signal(app, &signal, "VERIFIED").await
}

/// The fictional person's name and details the reprisal fixtures use, to look for in responses.
pub const REPRISAL_PERSON: &str = "FICTIONAL person Ana Fixture";
pub const REPRISAL_DETAILS: &str = "FICTIONAL contact fixture@example.invalid";

/// Records a reprisal case concerning `country` (cooperation with the UPR) as the reprisals officer; returns `{ id
/// key publicReference version }`.
pub async fn reprisal_case(app: &crate::TestApp, country: &str) -> serde_json::Value {
    let data = app
        .query_as(
            &format!(
                r#"mutation {{ recordReprisalCase(input: {{ country: "{country}", mechanism: "upr", occasion: UPR,
                    personKind: HUMAN_RIGHTS_DEFENDER, personName: "{REPRISAL_PERSON}", personDetails: "{REPRISAL_DETAILS}",
                    summary: "FICTIONAL: a defender was threatened after briefing the UPR", acts: [THREATS, SURVEILLANCE],
                    firstActOn: "2024-05-02", governmentResponse: "FICTIONAL response naming {REPRISAL_PERSON}",
                    governmentRespondedOn: "2024-07-01", reportCycles: [{{ year: 2024 }}, {{ year: 2025 }}] }})
                    {{ id key publicReference version }} }}"#
            ),
            Some(&reprisals_officer(app)),
        )
        .await;
    data["recordReprisalCase"].clone()
}

/// Adds a fictional expert to the roster as the secretariat; returns `{ id key version }`.
pub async fn roster_expert(
    app: &crate::TestApp,
    name: &str,
    expertise: &[&str],
    languages: &[&str],
    regions: &[&str],
    availability: &[(&str, &str)],
) -> serde_json::Value {
    let list = |items: &[&str]| items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", ");
    let windows = availability
        .iter()
        .map(|(from, to)| format!(r#"{{ startsOn: "{from}", endsOn: "{to}" }}"#))
        .collect::<Vec<_>>()
        .join(", ");
    let data = app
        .query_as(
            &format!(
                r#"mutation {{ addRosterExpert(input: {{ name: "{name}", email: "fixture@example.invalid", biography: "FICTIONAL",
                    expertise: [{}], languages: [{}], regions: [{}], availability: [{windows}] }}) {{ id key version }} }}"#,
                list(expertise),
                list(languages),
                regions.join(", ")
            ),
            Some(&secretariat(app)),
        )
        .await;
    data["addRosterExpert"].clone()
}

/// Loads `recommendations` fictional demo recommendations (and their relations) generated from `seed`.
pub async fn load_demo(app: &crate::TestApp, recommendations: usize, seed: u64) {
    let url = app.database.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = hrc_db::connection::establish(&url).expect("connect");
        hrc_db::demo::load(&mut conn, hrc_db::demo::DemoSettings { recommendations, seed }).expect("demo data")
    })
    .await
    .expect("the demo loader panicked");
}
