//! The secretariat's writes to country visits and standing invitations: each validated field by field, checked
//! against the version the caller read, and audited in the same transaction.

use crate::lookup::{country_id, mandate_id};
use crate::support::access::guard_caller;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::scalars::Date;
use crate::support::write::lookup;
use crate::support::write::{audit, changed, check_date, check_version, finish, required_text, write_error};
use crate::visit::{Visit, VisitStatus};
use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use hrc_db::models::{self};
use serde_json::json;

/// Longest description or source accepted.
const MAX_TEXT: usize = 2_000;

const DATES_FIT_STATUS: &str =
    "the dates do not fit: a visit ends on or after it starts, and a completed visit has both dates";

/// A country visit to record.
#[derive(Debug, InputObject)]
pub struct CreateVisitInput {
    /// The visiting mandate, by key.
    pub mandate: String,
    /// The country (ISO 3166-1 alpha-3 code).
    pub country: String,
    /// Where it stands.
    pub status: VisitStatus,
    /// When it was requested.
    pub requested_on: Option<Date>,
    /// First day.
    pub starts_on: Option<Date>,
    /// Last day.
    pub ends_on: Option<Date>,
    /// The report on it, by symbol.
    pub report: Option<String>,
    /// Where the facts come from (1 to 2,000 characters).
    pub source: String,
}

/// Changes to a visit. An absent field is left as it is; an explicit null clears it.
#[derive(Debug, Default, InputObject)]
pub struct UpdateVisitInput {
    /// Where it stands.
    pub status: Option<VisitStatus>,
    /// When it was requested.
    pub requested_on: MaybeUndefined<Date>,
    /// First day.
    pub starts_on: MaybeUndefined<Date>,
    /// Last day.
    pub ends_on: MaybeUndefined<Date>,
    /// The report on it, by symbol.
    pub report: MaybeUndefined<String>,
}

/// Writes to country visits and standing invitations.
#[derive(Default)]
pub struct VisitMutation;

/// Writes to country visits and standing invitations.
#[Object]
impl VisitMutation {
    /// Records a State's standing invitation to the thematic special procedures (secretariat), replacing the one held.
    async fn record_standing_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The State (ISO 3166-1 alpha-3 code).")] country: String,
        #[graphql(desc = "When it was extended, if known.")] extended_on: Option<Date>,
        #[graphql(desc = "Where the fact comes from (1 to 2,000 characters).")] source: String,
    ) -> Result<crate::situation::StandingInvitation, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.recordStandingInvitation")?;
        let mut errors = Vec::new();
        let source = required_text(&mut errors, "source", &source, MAX_TEXT);
        check_date(&mut errors, "extendedOn", extended_on);
        finish(errors)?;
        let audit = audit(
            &viewer.subject,
            "standing_invitation.record",
            "Country",
            &country.trim().to_ascii_uppercase(),
            json!({
                "extendedOn": extended_on.map(|d| d.0.to_string()), "source": source,
            }),
        );
        let row = query(ctx, move |c| {
            let id = lookup!(c, |c| country_id(c, "country", &country));
            Ok(Ok(models::StandingInvitation::record(c, id, extended_on.map(|d| d.0), &source, &audit)?))
        })
        .await??;
        Ok(crate::situation::StandingInvitation(row))
    }

    /// Withdraws a State's standing invitation (secretariat); `NOT_FOUND` if it had none.
    async fn withdraw_standing_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The State (ISO 3166-1 alpha-3 code).")] country: String,
    ) -> Result<bool, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.withdrawStandingInvitation")?;
        let audit = audit(
            &viewer.subject,
            "standing_invitation.withdraw",
            "Country",
            &country.trim().to_ascii_uppercase(),
            json!({}),
        );
        let withdrawn = query(ctx, move |c| {
            let id = lookup!(c, |c| country_id(c, "country", &country));
            Ok(Ok(models::StandingInvitation::withdraw(c, id, &audit)?))
        })
        .await??;
        if withdrawn {
            Ok(true)
        } else {
            Err(ApiError::NotFound("that State has no standing invitation recorded".into()))
        }
    }

    /// Records a country visit (secretariat). Its key is the mandate's, the country's and the first date known.
    async fn create_visit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The visit.")] input: CreateVisitInput,
    ) -> Result<Visit, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.createVisit")?;
        let mut errors = Vec::new();
        let source = required_text(&mut errors, "input.source", &input.source, MAX_TEXT);
        for (field, date) in [
            ("input.requestedOn", input.requested_on),
            ("input.startsOn", input.starts_on),
            ("input.endsOn", input.ends_on),
        ] {
            check_date(&mut errors, field, date);
        }
        let Some(first_date) = input.starts_on.or(input.requested_on) else {
            errors.push(("input.requestedOn".into(), "give the request date or the first day".into()));
            return Err(ApiError::InvalidFields(errors));
        };
        finish(errors)?;
        let status = models::VisitStatus::from(input.status);
        let key = format!("{}:{}:{}", input.mandate.trim(), input.country.trim().to_ascii_uppercase(), first_date.0);
        let audit = audit(
            &viewer.subject,
            "visit.create",
            "Visit",
            &key,
            json!({
                "mandate": input.mandate, "country": input.country, "status": status.as_str(),
            }),
        );
        let result = query(ctx, move |c| {
            let mandate = lookup!(c, |c| mandate_id(c, "input.mandate", &input.mandate));
            let country = lookup!(c, |c| country_id(c, "input.country", &input.country));
            let report = match &input.report {
                Some(symbol) => Some(lookup!(c, |c| models::Report::by_symbol(c, symbol.trim()).map(|r| r
                    .map(|r| r.id)
                    .ok_or_else(|| ApiError::bad_input("input.report", format!("there is no report {symbol:?}")))))),
                None => None,
            };
            let new = models::NewVisit {
                key,
                mandate_id: mandate,
                country_id: country,
                status: status.as_str().to_owned(),
                requested_on: input.requested_on.map(|d| d.0),
                starts_on: input.starts_on.map(|d| d.0),
                ends_on: input.ends_on.map(|d| d.0),
                report_id: report,
                fictional: false,
                source,
            };
            Ok(Ok(models::Visit::create(c, &new, &audit)))
        })
        .await??;
        result.map(Visit).map_err(|e| write_error("visit", None, ("input", DATES_FIT_STATUS), e))
    }

    /// Moves a visit through its lifecycle or corrects its dates (secretariat). `CONFLICT` if it changed since
    /// `expectedVersion`.
    async fn update_visit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The visit's key.")] key: String,
        #[graphql(desc = "The version the change is based on.")] expected_version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateVisitInput,
    ) -> Result<Visit, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.updateVisit")?;
        let mut errors = Vec::new();
        check_version(&mut errors, expected_version);
        for (field, date) in [
            ("input.requestedOn", input.requested_on.value().copied()),
            ("input.startsOn", input.starts_on.value().copied()),
            ("input.endsOn", input.ends_on.value().copied()),
        ] {
            check_date(&mut errors, field, date);
        }
        let nothing = input.status.is_none()
            && input.requested_on.is_undefined()
            && input.starts_on.is_undefined()
            && input.ends_on.is_undefined()
            && input.report.is_undefined();
        if nothing {
            errors.push(("input".into(), "give at least one field to change".into()));
        }
        finish(errors)?;
        let status = input.status.map(|s| models::VisitStatus::from(s).as_str().to_owned());
        let audit = audit(
            &viewer.subject,
            "visit.update",
            "Visit",
            &key,
            json!({
                "expectedVersion": expected_version, "status": status,
                "requestedOn": changed(input.requested_on.map_value(|d| d.0.to_string())),
                "startsOn": changed(input.starts_on.map_value(|d| d.0.to_string())),
                "endsOn": changed(input.ends_on.map_value(|d| d.0.to_string())),
                "report": changed(input.report.clone()),
            }),
        );
        let result =
            query(ctx, move |c| {
                let report =
                    match changed(input.report) {
                        Some(Some(symbol)) => Some(Some(lookup!(c, |c| models::Report::by_symbol(c, symbol.trim())
                            .map(|r| r.map(|r| r.id).ok_or_else(|| ApiError::bad_input(
                                "input.report",
                                format!("there is no report {symbol:?}")
                            )))))),
                        Some(None) => Some(None),
                        None => None,
                    };
                let changes = models::VisitChanges {
                    status,
                    requested_on: changed(input.requested_on.map_value(|d| d.0)),
                    starts_on: changed(input.starts_on.map_value(|d| d.0)),
                    ends_on: changed(input.ends_on.map_value(|d| d.0)),
                    report_id: report,
                };
                Ok(Ok(models::Visit::update(c, &key, expected_version, &changes, &audit)))
            })
            .await??;
        result.map(Visit).map_err(|e| write_error("visit", Some(expected_version), ("input", DATES_FIT_STATUS), e))
    }
}
