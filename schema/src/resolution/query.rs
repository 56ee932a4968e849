//! The root queries of resolutions and reports.

use async_graphql::{Context, Object};
use hrc_db::models::{self, ResolutionFilter};

use crate::lookup::{self};
use crate::resolution::{Organ, Report, Resolution, ResolutionStatus};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::pagination::{connection, ListConnection, PageArgs, TotalCount};
use crate::support::scalars::DateTime;

/// Entry points to the Council's resolutions and reports.
#[derive(Default)]
pub struct ResolutionQuery;

/// Entry points to the Council's resolutions and reports.
#[Object]
impl ResolutionQuery {
    /// Resolutions and drafts, as a cursor connection (`first`/`after` forwards, `last`/`before` backwards; at most
    /// 100 a page).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn resolutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Only resolutions of this organ.")] organ: Option<Organ>,
        #[graphql(desc = "Only resolutions of this Council session.")] session_number: Option<i32>,
        #[graphql(desc = "Only drafts, or only adopted resolutions.")] status: Option<ResolutionStatus>,
        #[graphql(desc = "Only resolutions created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<ListConnection<Resolution>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        if let Some(n) = session_number.filter(|n| *n <= 0) {
            return Err(ApiError::bad_input("sessionNumber", format!("a session number is positive, not {n}")));
        }
        let organ = organ.map(Into::into);
        let status = status.map(Into::into);
        let (filter, rows) = query(ctx, move |c| {
            let session_id = match session_number {
                Some(n) => match models::Session::by_number(c, models::SessionBody::Hrc, n)? {
                    Some(s) => Some(Ok(s.id)),
                    None => Some(Err(n)),
                },
                None => None,
            };
            let session_id = match session_id.transpose() {
                Ok(id) => id,
                Err(n) => return Ok(Err(n)),
            };
            let filter = ResolutionFilter { organ, session_id, status, updated_since: updated_since.map(|t| t.0) };
            let rows = models::Resolution::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await?
        .map_err(|n| ApiError::bad_input("sessionNumber", format!("there is no Council session {n} in the data")))?;
        let count = TotalCount::new(move |c| models::Resolution::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), Resolution, count))
    }

    /// A resolution by its symbol, such as `A/HRC/RES/45/31`; null if there is none.
    async fn resolution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Document symbol, such as \"A/HRC/RES/45/31\".")] symbol: String,
    ) -> Result<Option<Resolution>, ApiError> {
        let symbol = lookup::symbol("symbol", &symbol)?;
        Ok(query(ctx, move |c| models::Resolution::by_symbol(c, &symbol)).await?.map(Resolution))
    }

    /// Reports, by symbol.
    async fn reports(&self, ctx: &Context<'_>) -> Result<Vec<Report>, ApiError> {
        let rows = query(ctx, models::Report::all).await?;
        Ok(rows.into_iter().map(Report).collect())
    }

    /// A report by its symbol, such as `A/HRC/43/37`; null if there is none.
    async fn report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Document symbol, such as \"A/HRC/43/37\".")] symbol: String,
    ) -> Result<Option<Report>, ApiError> {
        let symbol = lookup::symbol("symbol", &symbol)?;
        Ok(query(ctx, move |c| models::Report::by_symbol(c, &symbol)).await?.map(Report))
    }
}
