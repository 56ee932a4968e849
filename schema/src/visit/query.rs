//! The root queries of country visits: the list with its filter, and the counts for dashboards.

use async_graphql::{Context, InputObject, Object};
use hrc_db::models::{self};

use crate::lookup::{iso_code, not_found};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::pagination::{connection, ListConnection, PageArgs, TotalCount};
use crate::support::scalars::DateTime;
use crate::visit::{Visit, VisitCount, VisitDimension, VisitDimensionValue, VisitStatus};

/// Filters on visits; every one given must hold, and a value naming nothing we hold is an error.
#[derive(Debug, Clone, Default, InputObject)]
pub struct VisitFilter {
    /// The visiting mandate, by key.
    pub mandate: Option<String>,
    /// The country visited: ISO 3166-1 alpha-3 code.
    pub country: Option<String>,
    /// Where the visit stands.
    pub status: Option<VisitStatus>,
    /// Visits starting in this year (or, while unscheduled, requested in it).
    pub year: Option<i32>,
    /// Only generated demonstration data (true) or only real data (false).
    pub fictional: Option<bool>,
    /// Only records created or changed at or after this instant, for incremental sync.
    pub updated_since: Option<DateTime>,
}

pub(crate) fn check_visit_filter(f: &VisitFilter) -> Result<(), ApiError> {
    if let Some(year) = f.year.filter(|y| !(1990..=2100).contains(y)) {
        return Err(ApiError::bad_input("filter.year", format!("{year} is not a year this data can hold")));
    }
    if let Some(code) = &f.country {
        iso_code("filter.country", code)?;
    }
    Ok(())
}

/// Turns the GraphQL visit filter into the database's, looking up every key.
pub(crate) fn resolve_visit_filter(
    c: &mut hrc_db::DbConnection,
    f: VisitFilter,
) -> hrc_db::QueryResult<Result<models::VisitFilter, ApiError>> {
    let mut out = models::VisitFilter {
        status: f.status.map(Into::into),
        year: f.year,
        fictional: f.fictional,
        updated_since: f.updated_since.map(|t| t.0),
        ..Default::default()
    };
    if let Some(code) = &f.country {
        let code = code.trim().to_ascii_uppercase();
        match models::Country::by_iso3(c, &code)? {
            Some(country) => out.country_id = Some(country.id),
            None => return Ok(Err(not_found("filter.country", "country", &code))),
        }
    }
    if let Some(key) = &f.mandate {
        match models::Mandate::by_key(c, key)? {
            Some(m) => out.mandate_id = Some(m.id),
            None => return Ok(Err(not_found("filter.mandate", "mandate", key))),
        }
    }
    Ok(Ok(out))
}

/// Entry points to country visits and their counts.
#[derive(Default)]
pub struct VisitQuery;

/// Entry points to country visits and their counts.
#[Object]
impl VisitQuery {
    /// Country visits of the special procedures, as a cursor connection in a stable order.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn visits(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Which visits; all of them when absent.")] filter: Option<VisitFilter>,
    ) -> Result<ListConnection<Visit>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        check_visit_filter(&f)?;
        let (filter, rows) = query(ctx, move |c| {
            let filter = match resolve_visit_filter(c, f)? {
                Ok(filter) => filter,
                Err(e) => return Ok(Err(e)),
            };
            let rows = models::Visit::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| models::Visit::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), Visit, count))
    }

    /// Visits counted by one or two dimensions (such as `[YEAR]` for visits per year), in the database, with the same
    /// filters as `visits`; in dimension order.
    async fn visit_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One or two dimensions to count by.")] group_by: Vec<VisitDimension>,
        #[graphql(desc = "Which visits; all of them when absent.")] filter: Option<VisitFilter>,
    ) -> Result<Vec<VisitCount>, ApiError> {
        if group_by.is_empty() || group_by.len() > 2 || (group_by.len() == 2 && group_by[0] == group_by[1]) {
            return Err(ApiError::bad_input("groupBy", "count by one or two different dimensions"));
        }
        let f = filter.unwrap_or_default();
        check_visit_filter(&f)?;
        let dimensions: Vec<models::VisitDimension> = group_by.iter().map(|d| (*d).into()).collect();
        let buckets = query(ctx, move |c| {
            let filter = match resolve_visit_filter(c, f)? {
                Ok(filter) => filter,
                Err(e) => return Ok(Err(e)),
            };
            Ok(Ok(models::Visit::count_by(c, &filter, &dimensions)?))
        })
        .await??;
        Ok(buckets
            .into_iter()
            .map(|b| VisitCount {
                count: b.count,
                values: group_by
                    .iter()
                    .zip(b.values)
                    .map(|(dimension, key)| VisitDimensionValue { dimension: *dimension, key })
                    .collect(),
            })
            .collect())
    }
}
