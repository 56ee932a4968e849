//! Secretariat writes to the registry of mechanisms, mandates, holders and visits: each validated field by field,
//! checked against the version the caller read, and audited in the same transaction.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use hrc_db::models::{self, WriteError};
use serde_json::json;

use crate::lookup::{country_id, mandate_id};
use crate::mechanism::{HolderRole, Mandate, MandateForm, MandateHolder, MandateScope, MandateStatus, Mechanism};
use crate::mutation::{changed, check_text};
use crate::support::access::guard_caller;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::scalars::Date;
use crate::visit::{Visit, VisitStatus};

/// Longest name accepted.
const MAX_NAME: usize = 300;
/// Longest description or source accepted.
const MAX_TEXT: usize = 2_000;

/// Turns a failed write into the error the caller sees. `what` names the record; `check` is the field (and message)
/// to blame when the database refuses the combination of values.
fn write_error(what: &str, expected_version: Option<i32>, check: (&str, &str), e: WriteError) -> ApiError {
    match e {
        WriteError::NotFound => ApiError::NotFound(format!("there is no {what} with that key")),
        WriteError::Duplicate => ApiError::Conflict(format!("a {what} with that key already exists")),
        WriteError::Stale { current } => ApiError::Conflict(format!(
            "the {what} changed since version {}: it is now at version {current}; read it again and reapply your change",
            expected_version.unwrap_or_default()
        )),
        WriteError::Database(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::CheckViolation,
            _,
        )) => ApiError::InvalidFields(vec![(check.0.to_owned(), check.1.to_owned())]),
        WriteError::Database(e) => hrc_db::DbError::from(e).into(),
    }
}

/// The audit record of a write by the caller.
fn audit(
    actor: &str,
    action: &'static str,
    entity: &'static str,
    key: &str,
    detail: serde_json::Value,
) -> hrc_db::audit::Entry {
    hrc_db::audit::Entry {
        actor: actor.to_owned(),
        action,
        entity,
        entity_key: key.to_owned(),
        detail: detail.to_string(),
    }
}

/// Checks a required text, recording what is wrong with it; returns it trimmed.
fn required_text(errors: &mut Vec<(String, String)>, field: &str, value: &str, max: usize) -> String {
    let trimmed = value.trim();
    let length = trimmed.chars().count();
    if length == 0 || length > max {
        errors.push((field.to_owned(), format!("give 1 to {max} characters")));
    }
    trimmed.to_owned()
}

/// Checks a stable key: 2 to 80 lower-case letters, digits and hyphens.
fn check_key(errors: &mut Vec<(String, String)>, field: &str, key: &str) {
    let ok =
        (2..=80).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        errors.push((
            field.to_owned(),
            "give 2 to 80 lower-case letters, digits and hyphens, such as \"sr-torture\"".to_owned(),
        ));
    }
}

fn check_version(errors: &mut Vec<(String, String)>, version: i32) {
    if version < 1 {
        errors.push(("expectedVersion".into(), "versions start at 1".into()));
    }
}

/// A day's date must be plausible for the Council's work: not before 1946, not more than ten years ahead.
fn check_date(errors: &mut Vec<(String, String)>, field: &str, date: Option<Date>) {
    if let Some(Date(d)) = date {
        let first = chrono::NaiveDate::from_ymd_opt(1946, 1, 1).unwrap_or_default();
        let last = chrono::Utc::now().date_naive() + chrono::Days::new(3_660);
        if d < first || d > last {
            errors.push((field.to_owned(), format!("{d} is outside 1946 to ten years from now")));
        }
    }
}

fn finish(errors: Vec<(String, String)>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

/// Runs lookups of named records and a write in one blocking call: the lookups' errors name the input field.
macro_rules! lookup {
    ($c:expr, $f:expr) => {
        match $f($c)? {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        }
    };
}

/// Changes to a mechanism. An absent field is left as it is; an explicit null clears it.
#[derive(Debug, Default, InputObject)]
pub struct UpdateMechanismInput {
    /// English description (1 to 2,000 characters).
    pub description_en: MaybeUndefined<String>,
    /// Chinese description (1 to 2,000 characters).
    pub description_zh: MaybeUndefined<String>,
    /// Whether its terms of reference carry an explicit prevention dimension.
    pub prevention_dimension: MaybeUndefined<bool>,
    /// The day it ended (retires it); null reopens it.
    pub ended_on: MaybeUndefined<Date>,
}

/// A special-procedure mandate to create.
#[derive(Debug, InputObject)]
pub struct CreateMandateInput {
    /// Stable key: 2 to 80 lower-case letters, digits and hyphens, such as `sr-torture`.
    pub key: String,
    /// Thematic or country.
    pub scope: MandateScope,
    /// Special rapporteur, independent expert or working group.
    pub form: MandateForm,
    /// The country, for a country mandate (ISO 3166-1 alpha-3 code); none for a thematic one.
    pub country: Option<String>,
    /// English title (1 to 300 characters).
    pub name_en: String,
    /// Chinese title.
    pub name_zh: Option<String>,
    /// The establishing resolution, by symbol (such as `A/HRC/RES/18/7`).
    pub established_by: Option<String>,
    /// When the current term ends.
    pub term_ends_on: Option<Date>,
    /// Whether its terms of reference carry an explicit prevention dimension.
    pub prevention_dimension: Option<bool>,
    /// Where the facts come from (1 to 2,000 characters).
    pub source: String,
}

/// Changes to a mandate. An absent field is left as it is; an explicit null clears it.
#[derive(Debug, Default, InputObject)]
pub struct UpdateMandateInput {
    /// English title.
    pub name_en: Option<String>,
    /// Chinese title.
    pub name_zh: MaybeUndefined<String>,
    /// Running or discontinued: `DISCONTINUED` retires the mandate.
    pub status: Option<MandateStatus>,
    /// When the current term ends.
    pub term_ends_on: MaybeUndefined<Date>,
    /// Whether its terms of reference carry an explicit prevention dimension.
    pub prevention_dimension: MaybeUndefined<bool>,
}

/// A mandate holder to add.
#[derive(Debug, InputObject)]
pub struct AddMandateHolderInput {
    /// The mandate, by key.
    pub mandate: String,
    /// The holder's name as the United Nations publishes it (1 to 300 characters).
    pub name: String,
    /// The role held.
    pub role: HolderRole,
    /// First day in office.
    pub starts_on: Date,
    /// Last day in office, if known.
    pub ends_on: Option<Date>,
    /// Where the facts come from (1 to 2,000 characters).
    pub source: String,
}

/// Changes to a mandate holder. An absent field is left as it is; an explicit null clears it.
#[derive(Debug, Default, InputObject)]
pub struct UpdateMandateHolderInput {
    /// The holder's name.
    pub name: Option<String>,
    /// Last day in office (ends the term); null while serving.
    pub ends_on: MaybeUndefined<Date>,
}

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

/// Writes to the registry of mechanisms, mandates, holders and visits.
#[derive(Default)]
pub struct RegistryMutation;

const DATES_FIT_STATUS: &str =
    "the dates do not fit: a visit ends on or after it starts, and a completed visit has both dates";

/// Writes to the registry of mechanisms, mandates, holders and visits.
#[Object]
impl RegistryMutation {
    /// Changes a mechanism (secretariat); `endedOn` retires it. `CONFLICT` if it changed since `expectedVersion`.
    async fn update_mechanism(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mechanism's key, such as \"commission-of-inquiry-burundi\".")] key: String,
        #[graphql(desc = "The version the change is based on.")] expected_version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateMechanismInput,
    ) -> Result<Mechanism, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.updateMechanism")?;
        let mut errors = Vec::new();
        check_version(&mut errors, expected_version);
        let description_en = check_text(&mut errors, "input.descriptionEn", &input.description_en, MAX_TEXT);
        let description_zh = check_text(&mut errors, "input.descriptionZh", &input.description_zh, MAX_TEXT);
        check_date(&mut errors, "input.endedOn", input.ended_on.value().copied());
        let changes = models::MechanismChanges {
            description_en: changed(description_en),
            description_zh: changed(description_zh),
            prevention_dimension: changed(input.prevention_dimension),
            ended_on: changed(input.ended_on.map_value(|d| d.0)),
        };
        if changes.description_en.is_none()
            && changes.description_zh.is_none()
            && changes.prevention_dimension.is_none()
            && changes.ended_on.is_none()
        {
            errors.push(("input".into(), "give at least one field to change".into()));
        }
        finish(errors)?;
        let audit = audit(
            &viewer.subject,
            "mechanism.update",
            "Mechanism",
            &key,
            json!({
                "expectedVersion": expected_version,
                "descriptionEn": changes.description_en, "descriptionZh": changes.description_zh,
                "preventionDimension": changes.prevention_dimension, "endedOn": changes.ended_on.map(|d| d.map(|d| d.to_string())),
            }),
        );
        let result =
            query(ctx, move |c| Ok(models::Mechanism::update(c, &key, expected_version, &changes, &audit))).await?;
        result
            .map(Mechanism::from)
            .map_err(|e| write_error("mechanism", Some(expected_version), ("input", "refused by the database"), e))
    }

    /// Creates a special-procedure mandate (secretariat).
    async fn create_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate.")] input: CreateMandateInput,
    ) -> Result<Mandate, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.createMandate")?;
        let mut errors = Vec::new();
        let key = input.key.trim().to_owned();
        check_key(&mut errors, "input.key", &key);
        let name_en = required_text(&mut errors, "input.nameEn", &input.name_en, MAX_NAME);
        let name_zh = input.name_zh.as_deref().map(|n| required_text(&mut errors, "input.nameZh", n, MAX_NAME));
        let source = required_text(&mut errors, "input.source", &input.source, MAX_TEXT);
        check_date(&mut errors, "input.termEndsOn", input.term_ends_on);
        match (input.scope, &input.country) {
            (MandateScope::Country, None) => {
                errors.push(("input.country".into(), "a country mandate names its country".into()))
            }
            (MandateScope::Thematic, Some(_)) => {
                errors.push(("input.country".into(), "a thematic mandate has no country".into()))
            }
            _ => {}
        }
        finish(errors)?;
        let detail =
            json!({ "key": key, "scope": models::MandateScope::from(input.scope).as_str(), "nameEn": name_en });
        let audit = audit(&viewer.subject, "mandate.create", "Mandate", &key, detail);
        let result = query(ctx, move |c| {
            let special = lookup!(c, |c| models::Mechanism::by_key(c, "special-procedures")
                .map(|m| m.map(|m| m.id).ok_or(ApiError::Internal)));
            let country = match &input.country {
                Some(code) => Some(lookup!(c, |c| country_id(c, "input.country", code))),
                None => None,
            };
            let established_by = match &input.established_by {
                Some(symbol) => Some(lookup!(c, |c| models::Resolution::by_symbol(c, symbol.trim()).map(|r| r
                    .map(|r| r.id)
                    .ok_or_else(|| ApiError::bad_input(
                        "input.establishedBy",
                        format!("there is no resolution {symbol:?}")
                    ))))),
                None => None,
            };
            let new = models::NewMandate {
                key,
                mechanism_id: special,
                scope: models::MandateScope::from(input.scope).as_str().to_owned(),
                form: models::MandateForm::from(input.form).as_str().to_owned(),
                country_id: country,
                name_en,
                name_zh,
                established_by_id: established_by,
                status: models::MandateStatus::Active.as_str().to_owned(),
                term_ends_on: input.term_ends_on.map(|d| d.0),
                prevention_dimension: input.prevention_dimension,
                source,
            };
            Ok(Ok(models::Mandate::create(c, &new, &audit)))
        })
        .await??;
        result.map(Mandate).map_err(|e| write_error("mandate", None, ("input", "refused by the database"), e))
    }

    /// Changes a mandate (secretariat); `status: DISCONTINUED` retires it. `CONFLICT` if it changed since
    /// `expectedVersion`.
    async fn update_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate's key.")] key: String,
        #[graphql(desc = "The version the change is based on.")] expected_version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateMandateInput,
    ) -> Result<Mandate, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.updateMandate")?;
        let mut errors = Vec::new();
        check_version(&mut errors, expected_version);
        let name_en = input.name_en.as_deref().map(|n| required_text(&mut errors, "input.nameEn", n, MAX_NAME));
        let name_zh = check_text(&mut errors, "input.nameZh", &input.name_zh, MAX_NAME);
        check_date(&mut errors, "input.termEndsOn", input.term_ends_on.value().copied());
        let changes = models::MandateChanges {
            name_en,
            name_zh: changed(name_zh),
            status: input.status.map(|s| models::MandateStatus::from(s).as_str().to_owned()),
            term_ends_on: changed(input.term_ends_on.map_value(|d| d.0)),
            prevention_dimension: changed(input.prevention_dimension),
        };
        if changes.name_en.is_none()
            && changes.name_zh.is_none()
            && changes.status.is_none()
            && changes.term_ends_on.is_none()
            && changes.prevention_dimension.is_none()
        {
            errors.push(("input".into(), "give at least one field to change".into()));
        }
        finish(errors)?;
        let audit = audit(
            &viewer.subject,
            "mandate.update",
            "Mandate",
            &key,
            json!({
                "expectedVersion": expected_version, "nameEn": changes.name_en, "nameZh": changes.name_zh,
                "status": changes.status, "termEndsOn": changes.term_ends_on.map(|d| d.map(|d| d.to_string())),
                "preventionDimension": changes.prevention_dimension,
            }),
        );
        let result =
            query(ctx, move |c| Ok(models::Mandate::update(c, &key, expected_version, &changes, &audit))).await?;
        result
            .map(Mandate)
            .map_err(|e| write_error("mandate", Some(expected_version), ("input", "refused by the database"), e))
    }

    /// Records a mandate's renewal by a resolution and moves its term's end (secretariat).
    async fn renew_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate's key.")] key: String,
        #[graphql(desc = "The version the change is based on.")] expected_version: i32,
        #[graphql(desc = "The renewing resolution, by symbol.")] resolution: String,
        #[graphql(desc = "The new end of the term.")] renewed_until: Date,
    ) -> Result<Mandate, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.renewMandate")?;
        let mut errors = Vec::new();
        check_version(&mut errors, expected_version);
        check_date(&mut errors, "renewedUntil", Some(renewed_until));
        finish(errors)?;
        let audit = audit(
            &viewer.subject,
            "mandate.renew",
            "Mandate",
            &key,
            json!({
                "expectedVersion": expected_version, "resolution": resolution, "renewedUntil": renewed_until.0.to_string(),
            }),
        );
        let result = query(ctx, move |c| {
            let resolution_id = lookup!(c, |c| models::Resolution::by_symbol(c, resolution.trim()).map(|r| r
                .map(|r| r.id)
                .ok_or_else(|| ApiError::bad_input("resolution", format!("there is no resolution {resolution:?}")))));
            Ok(Ok(models::Mandate::renew(c, &key, expected_version, resolution_id, renewed_until.0, &audit)))
        })
        .await??;
        result.map(Mandate).map_err(|e| match e {
            WriteError::Duplicate => {
                ApiError::bad_input("resolution", "that resolution is already recorded as renewing this mandate")
            }
            e => write_error("mandate", Some(expected_version), ("renewedUntil", "refused by the database"), e),
        })
    }

    /// Adds a mandate holder (secretariat). The holder's key is the mandate's, the first day and the name.
    async fn add_mandate_holder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The holder.")] input: AddMandateHolderInput,
    ) -> Result<MandateHolder, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.addMandateHolder")?;
        let mut errors = Vec::new();
        let name = required_text(&mut errors, "input.name", &input.name, MAX_NAME);
        let source = required_text(&mut errors, "input.source", &input.source, MAX_TEXT);
        check_date(&mut errors, "input.startsOn", Some(input.starts_on));
        check_date(&mut errors, "input.endsOn", input.ends_on);
        if input.ends_on.is_some_and(|end| end.0 < input.starts_on.0) {
            errors.push(("input.endsOn".into(), "a term ends on or after it starts".into()));
        }
        finish(errors)?;
        let slug: String = name
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let key = format!("{}:{}:{slug}", input.mandate.trim(), input.starts_on.0);
        let audit = audit(
            &viewer.subject,
            "mandate_holder.add",
            "MandateHolder",
            &key,
            json!({
                "mandate": input.mandate, "name": name, "role": models::HolderRole::from(input.role).as_str(),
                "startsOn": input.starts_on.0.to_string(),
            }),
        );
        let result = query(ctx, move |c| {
            let mandate = lookup!(c, |c| mandate_id(c, "input.mandate", &input.mandate));
            let new = models::NewMandateHolder {
                key,
                mandate_id: mandate,
                name,
                role: models::HolderRole::from(input.role).as_str().to_owned(),
                starts_on: input.starts_on.0,
                ends_on: input.ends_on.map(|d| d.0),
                fictional: false,
                source,
            };
            Ok(Ok(models::MandateHolder::create(c, &new, &audit)))
        })
        .await??;
        result
            .map(MandateHolder)
            .map_err(|e| write_error("mandate holder", None, ("input.endsOn", "a term ends on or after it starts"), e))
    }

    /// Changes a mandate holder (secretariat); `endsOn` ends the term. `CONFLICT` if it changed since
    /// `expectedVersion`.
    async fn update_mandate_holder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The holder's key.")] key: String,
        #[graphql(desc = "The version the change is based on.")] expected_version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateMandateHolderInput,
    ) -> Result<MandateHolder, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.updateMandateHolder")?;
        let mut errors = Vec::new();
        check_version(&mut errors, expected_version);
        let name = input.name.as_deref().map(|n| required_text(&mut errors, "input.name", n, MAX_NAME));
        check_date(&mut errors, "input.endsOn", input.ends_on.value().copied());
        let changes = models::HolderChanges { name, ends_on: changed(input.ends_on.map_value(|d| d.0)) };
        if changes.name.is_none() && changes.ends_on.is_none() {
            errors.push(("input".into(), "give at least one field to change".into()));
        }
        finish(errors)?;
        let audit = audit(
            &viewer.subject,
            "mandate_holder.update",
            "MandateHolder",
            &key,
            json!({
                "expectedVersion": expected_version, "name": changes.name,
                "endsOn": changes.ends_on.map(|d| d.map(|d| d.to_string())),
            }),
        );
        let result =
            query(ctx, move |c| Ok(models::MandateHolder::update(c, &key, expected_version, &changes, &audit))).await?;
        result.map(MandateHolder).map_err(|e| {
            write_error(
                "mandate holder",
                Some(expected_version),
                ("input.endsOn", "a term ends on or after it starts"),
                e,
            )
        })
    }

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
