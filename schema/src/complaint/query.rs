//! The complaint procedure's root queries: the public record, and the confidential communications, situations
//! and audit log for its staff (the Bureau: situations referred to the Council).

use crate::support::access::{guard, guard_caller};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::pagination::{ListOrder, PageArgs};
use async_graphql::{Context, Object, ID};
use hrc_db::confidential::{self as store};
use hrc_db::models::{self};

use super::{
    communication_filter, for_complaint_secretariat, for_complaint_staff, iso, page_of, reference_of, run,
    ComplaintAuditEntry, ComplaintAuditFilter, ComplaintCommunication, ComplaintCommunicationFilter, ComplaintPage,
    ComplaintProcedureRecord, ComplaintSituation, ComplaintSituationFilter, ComplaintStatusCount,
};

/// The public entry point to the complaint procedure's public record.
#[derive(Default)]
pub struct ComplaintPublicQuery;

#[Object]
impl ComplaintPublicQuery {
    /// What is public of the confidential complaint procedure: published figures and the States whose situations
    /// the Council examined (optionally of one State). Read from the public record only.
    async fn complaint_procedure_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the examinations of this State (ISO 3166-1 alpha-3 code).")] country: Option<String>,
    ) -> Result<ComplaintProcedureRecord, ApiError> {
        guard(ctx, "Query.complaintProcedureRecord")?;
        let code = country.as_deref().map(|c| iso("country", c)).transpose()?;
        let record = query(ctx, move |c| {
            let country_id = match &code {
                None => None,
                Some(code) => match models::Country::by_iso3(c, code)? {
                    Some(country) => Some(country.id),
                    None => {
                        return Ok(Err(ApiError::bad_input("country", format!("no country has the code {code:?}"))))
                    }
                },
            };
            let figures = models::PublicFigure::all(c)?;
            let examinations = models::PublicExamination::list(c, country_id)?;
            Ok(Ok(ComplaintProcedureRecord { figures, examinations }))
        })
        .await??;
        Ok(record)
    }
}

/// The confidential entry points (in the complaint schema only).
#[derive(Default)]
pub struct ComplaintQuery;

/// The confidential entry points.
#[Object]
impl ComplaintQuery {
    /// Communications of the complaint procedure: complaint-procedure staff only.
    #[graphql(
        visible = "for_complaint_staff",
        complexity = "crate::support::pagination::page_cost(first, last, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn complaint_communications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (order received).")] order_by: Option<ListOrder>,
        #[graphql(desc = "Which communications; all of them when absent.")] filter: Option<
            ComplaintCommunicationFilter,
        >,
    ) -> Result<ComplaintPage<ComplaintCommunication>, ApiError> {
        guard_caller(ctx, "Query.complaintCommunications")?;
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let filter = communication_filter(filter.unwrap_or_default())?;
        let rows = run(ctx, "Query.complaintCommunications", "communication", None, move |c, audit, _| {
            store::communication_page(c, audit, &filter, &page)
        })
        .await?;
        Ok(page_of(&page, rows, |r| (r.id, r.updated_at), ComplaintCommunication))
    }

    /// How many communications match, per status: complaint-procedure staff only.
    #[graphql(visible = "for_complaint_staff")]
    async fn complaint_communication_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which communications; all of them when absent.")] filter: Option<
            ComplaintCommunicationFilter,
        >,
    ) -> Result<Vec<ComplaintStatusCount>, ApiError> {
        guard_caller(ctx, "Query.complaintCommunicationCounts")?;
        let filter = communication_filter(filter.unwrap_or_default())?;
        let rows = run(ctx, "Query.complaintCommunicationCounts", "communication", None, move |c, audit, _| {
            store::communication_counts_by_status(c, audit, &filter)
        })
        .await?;
        Ok(rows
            .into_iter()
            .map(|(status, count)| ComplaintStatusCount {
                status: store::CommunicationStatus::from_db(&status).into(),
                count,
            })
            .collect())
    }

    /// A communication by ID; null if there is none.
    #[graphql(visible = "for_complaint_staff")]
    async fn complaint_communication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its ID.")] id: ID,
    ) -> Result<Option<ComplaintCommunication>, ApiError> {
        guard_caller(ctx, "Query.complaintCommunication")?;
        let reference = reference_of("id", &id, "ComplaintCommunication")?.unwrap_or_default();
        let row = run(ctx, "Query.complaintCommunication", "communication", None, move |c, audit, _| {
            store::communication(c, audit, &reference)
        })
        .await?;
        Ok(row.map(ComplaintCommunication))
    }

    /// Situations of the complaint procedure. The Council's Bureau sees those referred to the Council only.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn complaint_situations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (order opened).")] order_by: Option<ListOrder>,
        #[graphql(desc = "Which situations; all the caller may see when absent.")] filter: Option<
            ComplaintSituationFilter,
        >,
    ) -> Result<ComplaintPage<ComplaintSituation>, ApiError> {
        guard_caller(ctx, "Query.complaintSituations")?;
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        let mut filter = store::SituationFilter {
            status: f.status.map(Into::into),
            country_iso3: f.country.as_deref().map(|c| iso("filter.country", c)).transpose()?,
            referred_only: false,
        };
        let rows = run(ctx, "Query.complaintSituations", "situation", None, move |c, audit, referred| {
            filter.referred_only = referred;
            store::situation_page(c, audit, &filter, &page)
        })
        .await?;
        Ok(page_of(&page, rows, |r| (r.id, r.updated_at), ComplaintSituation))
    }

    /// A situation by ID; null if there is none, or if the caller may not see it.
    async fn complaint_situation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its ID.")] id: ID,
    ) -> Result<Option<ComplaintSituation>, ApiError> {
        guard_caller(ctx, "Query.complaintSituation")?;
        let reference = reference_of("id", &id, "ComplaintSituation")?.unwrap_or_default();
        let row = run(ctx, "Query.complaintSituation", "situation", None, move |c, audit, referred| {
            let filter = store::SituationFilter { referred_only: referred, ..Default::default() };
            store::situation(c, audit, &reference, &filter)
        })
        .await?;
        Ok(row.map(ComplaintSituation))
    }

    /// The confidential store's audit log: every read and write, who, when, under which request. The complaint
    /// procedure's secretariat only; reading it is recorded too.
    #[graphql(
        visible = "for_complaint_secretariat",
        complexity = "crate::support::pagination::page_cost(first, last, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn complaint_audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: oldest first (`UPDATED_AT` sorts by the time of the record).")]
        order_by: Option<ListOrder>,
        #[graphql(desc = "Which records; all of them when absent.")] filter: Option<ComplaintAuditFilter>,
    ) -> Result<ComplaintPage<ComplaintAuditEntry>, ApiError> {
        guard_caller(ctx, "Query.complaintAuditLog")?;
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        let filter = store::AuditFilter { actor: f.actor, request_id: f.request_id };
        let rows = run(ctx, "Query.complaintAuditLog", "audit record", None, move |c, audit, _| {
            store::audit_page(c, audit, &filter, &page)
        })
        .await?;
        Ok(page_of(&page, rows, |r| (r.id, r.occurred_at), ComplaintAuditEntry::from))
    }
}
