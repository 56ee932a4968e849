//! Reprisal cases' root queries: published cases and counts for everyone, the cases for staff.

use crate::support::access::{guard, guard_caller, guard_scope};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::pagination::{connection, ListConnection, ListOrder, PageArgs, TotalCount};
use async_graphql::{Context, Object, ID};
use hrc_db::models::reprisal::{self as store, Case as Row, CaseScope};

use super::{
    case_key, row_filter, PublishedReprisalCase, PublishedReprisalCaseFilter, ReprisalCase, ReprisalCaseCount,
    ReprisalCaseDimension, ReprisalCaseFilter,
};

/// Reprisal cases' entry points.
#[derive(Default)]
pub struct ReprisalQuery;

#[Object]
impl ReprisalQuery {
    /// Published reprisal cases, anonymised (public): those published while the person's consent stands.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn published_reprisal_cases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending.")] order_by: Option<ListOrder>,
        #[graphql(desc = "Which cases; all published when absent.")] filter: Option<PublishedReprisalCaseFilter>,
    ) -> Result<ListConnection<PublishedReprisalCase>, ApiError> {
        guard(ctx, "Query.publishedReprisalCases")?;
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f: ReprisalCaseFilter = filter.unwrap_or_default().into();
        let (filter, rows) = query(ctx, move |c| {
            let filter = match row_filter(c, CaseScope::Public, f)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            let rows = Row::public_page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| Row::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.case.id, r.case.updated_at), PublishedReprisalCase, count))
    }

    /// A published case by ID; null if there is none, or if it is not (or no longer) public.
    async fn published_reprisal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its ID.")] id: ID,
    ) -> Result<Option<PublishedReprisalCase>, ApiError> {
        guard(ctx, "Query.publishedReprisalCase")?;
        let key = match ids::decode("id", &id) {
            Ok((kind, key)) if kind == "PublishedReprisalCase" => key,
            _ => return Ok(None),
        };
        Ok(query(ctx, move |c| Row::public_by_key(c, &key)).await?.map(PublishedReprisalCase))
    }

    /// Counts of reprisal cases by State, year, act, mechanism or report year: of the published cases for the
    /// public (and a State's focal point), of every case for the reprisals officer, the secretariat and the
    /// Council's Bureau (`filter.published` narrows it).
    async fn reprisal_case_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to group by.")] group_by: ReprisalCaseDimension,
        #[graphql(desc = "Which cases; all the caller may see when absent.")] filter: Option<ReprisalCaseFilter>,
    ) -> Result<Vec<ReprisalCaseCount>, ApiError> {
        let scope =
            if guard_scope(ctx, "Query.reprisalCaseCounts")?.1.is_all() { CaseScope::All } else { CaseScope::Public };
        let f = filter.unwrap_or_default();
        let rows = query(ctx, move |c| {
            let filter = match row_filter(c, scope, f)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            Ok(Ok(store::counts(c, &filter, group_by.into())?))
        })
        .await??;
        Ok(rows.into_iter().map(|(group, count)| ReprisalCaseCount { group, count }).collect())
    }

    /// Reprisal cases, whole (staff): the reprisals officer, the secretariat and the Council's Bureau; the
    /// person's identity is the officer's alone.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn reprisal_cases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending.")] order_by: Option<ListOrder>,
        #[graphql(desc = "Which cases; all when absent.")] filter: Option<ReprisalCaseFilter>,
    ) -> Result<ListConnection<ReprisalCase>, ApiError> {
        guard_caller(ctx, "Query.reprisalCases")?;
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        let (filter, rows) = query(ctx, move |c| {
            let filter = match row_filter(c, CaseScope::All, f)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            let rows = Row::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| Row::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), ReprisalCase, count))
    }

    /// A case by ID (staff); null if there is none.
    async fn reprisal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its ID.")] id: ID,
    ) -> Result<Option<ReprisalCase>, ApiError> {
        guard_caller(ctx, "Query.reprisalCase")?;
        let Ok(key) = case_key("id", &id) else { return Ok(None) };
        Ok(query(ctx, move |c| Row::by_key(c, &key)).await?.map(ReprisalCase))
    }
}
