//! The fund's root queries: funds, requests as the caller may see them, grants and their totals.

use crate::support::access::{guard, guard_caller_scope};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::pagination::{connection, ListConnection, ListOrder, PageArgs, TotalCount};
use async_graphql::{Context, Object, ID};
use hrc_db::models::fund::{self as store, FundRequest as Row, RequestScope};
use hrc_db::models::{self, Page};
use std::collections::BTreeMap;

use super::{
    money, request_reference, request_scope, resolve_ids, Fund, FundGrant, FundGrantDimension, FundGrantFilter,
    FundGrantTotal, FundRequest, FundRequestFilter,
};

/// The fund's entry points.
#[derive(Default)]
pub struct FundQuery;

#[Object]
impl FundQuery {
    /// The funds: the Implementation Fund A/HRC/43/37 proposes and the voluntary funds resolution 36/29 names.
    async fn funds(&self, ctx: &Context<'_>) -> Result<Vec<Fund>, ApiError> {
        guard(ctx, "Query.funds")?;
        Ok(query(ctx, store::Fund::all).await?.into_iter().map(Fund).collect())
    }

    /// A fund by key; null if there is none.
    async fn fund(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its key.")] key: String,
    ) -> Result<Option<Fund>, ApiError> {
        guard(ctx, "Query.fund")?;
        Ok(query(ctx, move |c| store::Fund::by_key(c, key.trim())).await?.map(Fund))
    }

    /// Requests to the funds, as the caller may see them: a State's focal point its own State's; the committee, the
    /// secretariat and the Council's Bureau those submitted; the fund's secretariat all.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn fund_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<ListOrder>,
        #[graphql(desc = "Which requests; all the caller may see when absent.")] filter: Option<FundRequestFilter>,
    ) -> Result<ListConnection<FundRequest>, ApiError> {
        let (viewer, scope) = guard_caller_scope(ctx, "Query.fundRequests")?;
        let viewer = viewer.clone();
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        let (filter, rows) = query(ctx, move |c| {
            let Some(scope) = request_scope(c, &viewer, scope)? else { return Ok(Err(ApiError::Forbidden)) };
            let (fund_id, country_id) = match resolve_ids(c, f.fund.as_deref(), f.country.as_deref())? {
                Ok(ids) => ids,
                Err(e) => return Ok(Err(e)),
            };
            let filter = store::RequestFilter {
                scope,
                fund_id,
                country_id,
                status: f.status.map(Into::into),
                decided_year: None,
            };
            let rows = Row::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| Row::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), FundRequest, count))
    }

    /// A request by ID; null if there is none, or if the caller may not see it.
    async fn fund_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its ID.")] id: ID,
    ) -> Result<Option<FundRequest>, ApiError> {
        let (viewer, scope) = guard_caller_scope(ctx, "Query.fundRequest")?;
        let viewer = viewer.clone();
        let Ok(key) = request_reference("id", &id) else { return Ok(None) };
        query(ctx, move |c| {
            let Some(scope) = request_scope(c, &viewer, scope)? else { return Ok(None) };
            Ok(Row::by_key(c, &key, scope)?.map(FundRequest))
        })
        .await
    }

    /// Grants (approved requests), public: State, fund, amount, targeted recommendations and dates. Nothing of
    /// drafts, rejected requests or reviews.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn fund_grants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending.")] order_by: Option<ListOrder>,
        #[graphql(desc = "Which grants; all when absent.")] filter: Option<FundGrantFilter>,
    ) -> Result<ListConnection<FundGrant>, ApiError> {
        guard(ctx, "Query.fundGrants")?;
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        if let Some(year) = f.year.filter(|y| !(2000..=2100).contains(y)) {
            return Err(ApiError::bad_input("filter.year", format!("{year} is not a year of the funds")));
        }
        let (filter, rows) = query(ctx, move |c| {
            let (fund_id, country_id) = match resolve_ids(c, f.fund.as_deref(), f.country.as_deref())? {
                Ok(ids) => ids,
                Err(e) => return Ok(Err(e)),
            };
            let filter = store::RequestFilter {
                scope: RequestScope::Grants,
                fund_id,
                country_id,
                status: None,
                decided_year: f.year,
            };
            let rows: Page<Row> = Row::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| Row::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), FundGrant, count))
    }

    /// Grant totals, public: count and approved amount per fund, year, regional group, theme or SDG.
    async fn fund_grant_totals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to group by.")] group_by: FundGrantDimension,
    ) -> Result<Vec<FundGrantTotal>, ApiError> {
        guard(ctx, "Query.fundGrantTotals")?;
        let (facts, groups) = query(ctx, |c| {
            let facts = store::grant_facts(c)?;
            let groups: BTreeMap<i64, String> =
                models::RegionalGroup::all(c)?.into_iter().map(|g| (g.id, g.code)).collect();
            Ok((facts, groups))
        })
        .await?;
        let mut totals: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
        for grant in facts {
            let keys: Vec<String> = match group_by {
                FundGrantDimension::Fund => vec![grant.fund_key.clone()],
                FundGrantDimension::Year => grant.year.map(|y| y.to_string()).into_iter().collect(),
                FundGrantDimension::RegionalGroup => {
                    grant.regional_group_id.and_then(|g| groups.get(&g).cloned()).into_iter().collect()
                }
                FundGrantDimension::Theme => grant.themes.iter().cloned().collect(),
                FundGrantDimension::SdgGoal => grant.sdg_goals.iter().map(|g| g.to_string()).collect(),
            };
            for key in keys {
                let entry = totals.entry((key, grant.currency.clone())).or_default();
                entry.0 += 1;
                entry.1 += grant.approved_minor;
            }
        }
        Ok(totals
            .into_iter()
            .map(|((group, currency), (count, minor))| FundGrantTotal { group, count, amount: money(minor, &currency) })
            .collect())
    }
}
