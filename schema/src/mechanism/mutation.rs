//! The secretariat's writes to mechanisms, mandates and their holders: each validated field by field, checked
//! against the version the caller read, and audited in the same transaction.

use crate::lookup::{country_id, mandate_id};
use crate::mechanism::{HolderRole, Mandate, MandateForm, MandateHolder, MandateScope, MandateStatus, Mechanism};
use crate::support::access::guard_caller;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::scalars::Date;
use crate::support::write::lookup;
use crate::support::write::{
    audit, changed, check_date, check_key, check_text, check_version, finish, required_text, write_error,
};
use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use hrc_db::models::{self, WriteError};
use serde_json::json;

/// Longest name accepted.
const MAX_NAME: usize = 300;

/// Longest description or source accepted.
const MAX_TEXT: usize = 2_000;

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

/// Writes to the registry of mechanisms, mandates and holders.
#[derive(Default)]
pub struct MechanismMutation;

/// Writes to the registry of mechanisms, mandates and holders.
#[Object]
impl MechanismMutation {
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
}
