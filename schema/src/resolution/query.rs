//! The root queries of resolutions and reports.

use async_graphql::{Context, Object};
use hrc_db::models::{self, ResolutionFilter};

use crate::lookup::{self};
use crate::resolution::{Organ, Report, Resolution, ResolutionKind, ResolutionStatus};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::pagination::{connection, ListConnection, PageArgs, TotalCount};
use crate::support::scalars::{Date, DateTime};

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
        #[graphql(desc = "Only texts of this kind.")] kind: Option<ResolutionKind>,
        #[graphql(desc = "Only texts whose official totals and roll call disagree (true) or agree (false).")]
        tally_disagrees: Option<bool>,
        #[graphql(desc = "Only texts voted on or adopted on or after this day.")] from: Option<Date>,
        #[graphql(desc = "Only texts voted on or adopted on or before this day.")] to: Option<Date>,
        #[graphql(desc = "Only texts under this item of the Council's agenda (1 to 10).")] agenda_item: Option<i32>,
        #[graphql(desc = "Only texts of this subject, as the library indexes it (without regard to case).")]
        subject: Option<String>,
    ) -> Result<ListConnection<Resolution>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        if let Some(n) = session_number.filter(|n| *n <= 0) {
            return Err(ApiError::bad_input("sessionNumber", format!("a session number is positive, not {n}")));
        }
        let organ = organ.map(Into::into);
        let status = status.map(Into::into);
        let kind = kind.map(Into::into);
        if let Some(n) = agenda_item.filter(|n| !(1..=10).contains(n)) {
            return Err(ApiError::bad_input("agendaItem", format!("the agenda has items 1 to 10, not {n}")));
        }
        if let (Some(f), Some(t)) = (from, to) {
            if f.0 > t.0 {
                return Err(ApiError::bad_input("to", format!("{} is before from {}", t.0, f.0)));
            }
        }
        let subject = subject.map(|s| s.trim().to_owned());
        if subject.as_deref().is_some_and(|s| s.is_empty() || s.chars().count() > 200) {
            return Err(ApiError::bad_input("subject", "a subject is 1 to 200 characters"));
        }
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
            let filter = ResolutionFilter {
                organ,
                session_id,
                status,
                updated_since: updated_since.map(|t| t.0),
                kind,
                tally_disagrees,
                from: from.map(|d| d.0),
                to: to.map(|d| d.0),
                agenda_item,
                subject,
            };
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
