//! Statements kept prepared: a kept statement is parsed and planned once per connection, not on every run; a search
//! is planned for its own words every time.

use std::fmt::Debug;

use hrc_db::models::{Bucket, Dimension, RecommendationFilter, Response, Visit, VisitDimension, VisitFilter};
use hrc_db::{DbConnection, DbError, QueryResult};
use hrc_tests::{on_both_backends, TestApp};

/// Runs `work`, one statement, three times as often as the pool has connections, and returns how many statements
/// the pool's connections prepared to keep meanwhile, and the most connections it may open. Fails unless every run
/// ran exactly one statement and gave the first run's answer.
async fn kept_over_runs<T, F>(app: &TestApp, work: F) -> (u64, u64)
where
    T: PartialEq + Debug + Send + 'static,
    F: Fn(&mut DbConnection) -> QueryResult<T> + Clone + Send + 'static,
{
    let (_, _, most) = app.db.pool_state();
    let runs = 3 * u64::from(most);
    let kept = app.db.statements_kept();
    let mut first = None;
    for _ in 0..runs {
        let ran = app.db.statements_executed();
        let work = work.clone();
        let answer = app.db.run(move |c| work(c).map_err(DbError::from)).await.expect("the statement runs");
        assert_eq!(app.db.statements_executed() - ran, 1, "one statement a run");
        match &first {
            None => first = Some(answer),
            Some(first) => assert_eq!(first, &answer, "every run gives the same answer"),
        }
    }
    (app.db.statements_kept() - kept, u64::from(most))
}

fn counts(
    filter: RecommendationFilter,
    by: &'static [Dimension],
) -> impl Fn(&mut DbConnection) -> QueryResult<Vec<Bucket>> + Clone {
    move |c| hrc_db::models::Recommendation::count_by(c, &filter, by)
}

async fn hand_written_statements_are_kept_prepared_and_searches_are_not(app: TestApp) {
    hrc_tests::fixtures::load_demo(&app, 300, 5).await;
    let mandates: Vec<i64> = app
        .db
        .run(|c| {
            use diesel::prelude::*;
            use hrc_db::schema::mandates;
            Ok(mandates::table.select(mandates::id).order(mandates::id).limit(3).load(c)?)
        })
        .await
        .unwrap();
    let supported = RecommendationFilter { response: Some(Response::Supported), ..Default::default() };
    let kept_cases: [(&str, (u64, u64)); 4] = [
        (
            "counts by group and status, filtered",
            kept_over_runs(
                &app,
                counts(supported.clone(), &[Dimension::RegionalGroup, Dimension::ImplementationStatus]),
            )
            .await,
        ),
        ("counts by theme", kept_over_runs(&app, counts(RecommendationFilter::default(), &[Dimension::Theme])).await),
        (
            "visits counted by status and year",
            kept_over_runs(&app, |c| {
                Visit::count_by(c, &VisitFilter::default(), &[VisitDimension::Status, VisitDimension::Year])
            })
            .await,
        ),
        (
            "the latest visits of mandates, with their countries",
            kept_over_runs(&app, move |c| {
                let (visits, countries) = Visit::first_of_mandates_with_countries(c, &mandates, 2)?;
                assert!(!visits.is_empty() && !countries.is_empty(), "the demo data has visits");
                Ok(visits.iter().map(|v| (v.id, v.country_id)).collect::<Vec<_>>())
            })
            .await,
        ),
    ];
    for (what, (kept, most)) in kept_cases {
        // Kept: prepared on a connection's first run, then reused; never more than once per connection.
        assert!(
            (1..=most).contains(&kept),
            "{what}: {kept} statements kept over {} runs on {most} connections",
            3 * most
        );
    }
    // The same count with a search: never kept, so that each search is planned for its words.
    let search = RecommendationFilter { search: Some("rights".to_owned()), ..supported };
    let (kept, _) = kept_over_runs(&app, counts(search, &[Dimension::ImplementationStatus])).await;
    assert_eq!(kept, 0, "a search is planned each time");
}

on_both_backends!(hand_written_statements_are_kept_prepared_and_searches_are_not);
