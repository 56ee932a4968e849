//! The roster's root queries, the secretariat's.

use crate::support::access::guard_caller;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::pagination::{connection, ListConnection, ListOrder, PageArgs, TotalCount};
use async_graphql::{Context, Object, ID};
use hrc_db::models::roster::{self as store, Expert as Row};

use super::{expert_key, language, theme_id, RosterExpert, RosterExpertFilter};

/// The roster's entry points: the secretariat's.
#[derive(Default)]
pub struct RosterQuery;

#[Object]
impl RosterQuery {
    /// Experts of the roster, searched by expertise, language, region and availability (the secretariat).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn roster_experts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending.")] order_by: Option<ListOrder>,
        #[graphql(desc = "How to search; every expert when absent.")] filter: Option<RosterExpertFilter>,
    ) -> Result<ListConnection<RosterExpert>, ApiError> {
        guard_caller(ctx, "Query.rosterExperts")?;
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        let language = f.language.as_deref().map(|l| language("filter.language", l)).transpose()?;
        if let Some(range) = f.available.filter(|r| r.ends_on.0 < r.starts_on.0) {
            return Err(ApiError::bad_input(
                "filter.available",
                format!("the range ends ({}) before it starts ({})", range.ends_on.0, range.starts_on.0),
            ));
        }
        let (filter, rows) = query(ctx, move |c| {
            let expertise = match f.expertise.as_deref() {
                None => None,
                Some(key) => match theme_id(c, "filter.expertise", key)? {
                    Ok(id) => Some(id),
                    Err(e) => return Ok(Err(e)),
                },
            };
            let regional_group_id = crate::lookup::regional_group_id(c, f.region)?;
            let filter = store::ExpertFilter {
                expertise,
                language,
                regional_group_id,
                available: f.available.map(|r| (r.starts_on.0, r.ends_on.0)),
                updated_since: f.updated_since.map(|t| t.0),
                fictional: f.fictional,
            };
            let rows = Row::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| Row::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), RosterExpert, count))
    }

    /// An expert by ID (the secretariat); null if there is none.
    async fn roster_expert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its ID.")] id: ID,
    ) -> Result<Option<RosterExpert>, ApiError> {
        guard_caller(ctx, "Query.rosterExpert")?;
        let Ok(key) = expert_key("id", &id) else { return Ok(None) };
        Ok(query(ctx, move |c| Row::by_key(c, &key)).await?.map(RosterExpert))
    }
}
