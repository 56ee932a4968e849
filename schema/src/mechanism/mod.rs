//! Mechanisms of the Council and the special procedures' mandates.

pub mod mutation;
pub mod query;

use std::sync::Arc;

use async_graphql::{Context, Enum, Object, ID};
use hrc_db::models;

use crate::loaders::{ChildrenOf, CountryId, MandateId, MandatesOf, MechanismId, ResolutionId};
use crate::reference::Country;
use crate::resolution::Resolution;
use crate::support::database::loaders;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::lang::{pick_opt, Lang};
use crate::support::scalars::{Date, DateTime};

/// The seven kinds of Council mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::MechanismKind")]
pub enum MechanismKind {
    /// The Universal Periodic Review.
    UniversalPeriodicReview,
    /// The special procedures (special rapporteurs, independent experts, working groups).
    SpecialProcedures,
    /// The confidential complaint procedure and its two working groups (public description only).
    ComplaintProcedure,
    /// The Human Rights Council Advisory Committee.
    AdvisoryCommittee,
    /// A forum of the Council.
    Forum,
    /// An open-ended intergovernmental working group.
    IntergovernmentalWorkingGroup,
    /// A fact-finding mission, commission of inquiry, group of experts or similar body.
    InvestigativeBody,
}

/// Whether a mandate covers a theme or a country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::MandateScope")]
pub enum MandateScope {
    /// A thematic mandate.
    Thematic,
    /// A country mandate.
    Country,
}

/// The form of a mandate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::MandateForm")]
pub enum MandateForm {
    /// A special rapporteur.
    SpecialRapporteur,
    /// An independent expert.
    IndependentExpert,
    /// A working group of several members.
    WorkingGroup,
}

/// Whether a mandate runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::MandateStatus")]
pub enum MandateStatus {
    /// Running.
    Active,
    /// Ended by the Council or not renewed.
    Discontinued,
}

async fn resolution(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<Resolution>, ApiError> {
    let Some(id) = id else { return Ok(None) };
    Ok(loaders(ctx)?.load_one(ResolutionId(id)).await?.map(Resolution))
}

async fn country(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<Country>, ApiError> {
    let Some(id) = id else { return Ok(None) };
    Ok(loaders(ctx)?.load_one(CountryId(id)).await?.map(Country))
}

/// A mechanism of the Council.
pub struct Mechanism(pub std::sync::Arc<models::Mechanism>);

impl From<models::Mechanism> for Mechanism {
    fn from(row: models::Mechanism) -> Self {
        Mechanism(std::sync::Arc::new(row))
    }
}

/// A mechanism of the Council.
#[Object]
impl Mechanism {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("Mechanism", &self.0.key)
    }

    /// Stable short key, such as `upr` or `commission-of-inquiry-burundi`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// What kind of mechanism it is.
    async fn kind(&self) -> MechanismKind {
        self.0.kind().into()
    }

    /// Name in the requested language, falling back to English.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> &str {
        pick_opt(Lang::resolve(ctx, lang), Some(&self.0.name_en), self.0.name_zh.as_deref()).unwrap_or_default()
    }

    /// What it does, in the requested language (falling back to English, then to whichever language we hold).
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> Option<&str> {
        pick_opt(Lang::resolve(ctx, lang), self.0.description_en.as_deref(), self.0.description_zh.as_deref())
    }

    /// Whether its terms of reference carry an explicit prevention dimension; null where no source says.
    async fn prevention_dimension(&self) -> Option<bool> {
        self.0.prevention_dimension
    }

    /// The resolution that established it, when recorded.
    async fn established_by(&self, ctx: &Context<'_>) -> Result<Option<Resolution>, ApiError> {
        resolution(ctx, self.0.established_by_id).await
    }

    /// The country it concerns (investigative bodies).
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        country(ctx, self.0.country_id).await
    }

    /// The mechanism it belongs to (the complaint procedure, for its working groups).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Mechanism>, ApiError> {
        let Some(id) = self.0.parent_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(MechanismId(id)).await?.map(Mechanism))
    }

    /// Its sub-mechanisms.
    #[graphql(complexity = "crate::support::pagination::list_cost(10, child_complexity)")]
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<Mechanism>, ApiError> {
        let rows = loaders(ctx)?.load_one(ChildrenOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Mechanism::from).collect())
    }

    /// Its mandates (special procedures).
    #[graphql(complexity = "crate::support::pagination::list_cost(60, child_complexity)")]
    async fn mandates(&self, ctx: &Context<'_>) -> Result<Vec<Mandate>, ApiError> {
        let rows = loaders(ctx)?.load_one(MandatesOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Mandate).collect())
    }

    /// The day it ended; null while it runs.
    async fn ended_on(&self) -> Option<Date> {
        self.0.ended_on.map(Date)
    }

    /// The version of this record, to send back as `expectedVersion` when changing it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// When this record was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When this record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A special-procedure mandate.
pub struct Mandate(pub models::Mandate);

/// A special-procedure mandate.
#[Object]
impl Mandate {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("Mandate", &self.0.key)
    }

    /// Stable short key, such as `sr-truth-justice`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Title of the mandate in the requested language, falling back to English.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> &str {
        pick_opt(Lang::resolve(ctx, lang), Some(&self.0.name_en), self.0.name_zh.as_deref()).unwrap_or_default()
    }

    /// Thematic or country.
    async fn scope(&self) -> MandateScope {
        self.0.scope().into()
    }

    /// Special rapporteur, independent expert or working group.
    async fn form(&self) -> MandateForm {
        self.0.form().into()
    }

    /// The country, for a country mandate.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        country(ctx, self.0.country_id).await
    }

    /// The mechanism it belongs to.
    async fn mechanism(&self, ctx: &Context<'_>) -> Result<Option<Mechanism>, ApiError> {
        Ok(loaders(ctx)?.load_one(MechanismId(self.0.mechanism_id)).await?.map(Mechanism))
    }

    /// The resolution that established it, when recorded.
    async fn established_by(&self, ctx: &Context<'_>) -> Result<Option<Resolution>, ApiError> {
        resolution(ctx, self.0.established_by_id).await
    }

    /// Running or discontinued.
    async fn status(&self) -> MandateStatus {
        self.0.status().into()
    }

    /// When the current term ends, when recorded.
    async fn term_ends_on(&self) -> Option<Date> {
        self.0.term_ends_on.map(Date)
    }

    /// Whether its terms of reference carry an explicit prevention dimension; null where no source says.
    async fn prevention_dimension(&self) -> Option<bool> {
        self.0.prevention_dimension
    }

    /// The people who hold or held it, earliest term first.
    async fn holders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those in office on this day (such as today).")] serving_on: Option<Date>,
    ) -> Result<Vec<MandateHolder>, ApiError> {
        let rows = loaders(ctx)?.load_one(crate::loaders::HoldersOfMandate(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().filter(|h| serving_on.is_none_or(|d| h.serving_on(d.0))).map(MandateHolder).collect())
    }

    /// The resolutions that renewed it, oldest first (the establishing one is `establishedBy`).
    async fn renewals(&self, ctx: &Context<'_>) -> Result<Vec<MandateRenewal>, ApiError> {
        let rows = loaders(ctx)?.load_one(crate::loaders::RenewalsOfMandate(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(MandateRenewal).collect())
    }

    /// Its country visits, latest first (by start date, or request date while unscheduled).
    #[graphql(complexity = "crate::support::pagination::page_cost(first, None, child_complexity)")]
    async fn visits(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (default 10, most 100).")] first: Option<i32>,
        #[graphql(desc = "Only visits to this country (ISO 3166-1 alpha-3 code).")] country: Option<String>,
    ) -> Result<Vec<crate::visit::Visit>, ApiError> {
        let limit = first.unwrap_or(10);
        if !(0..=100).contains(&limit) {
            return Err(ApiError::bad_input("first", format!("first must be between 0 and 100, not {limit}")));
        }
        let loaders = loaders(ctx)?;
        if country.is_none() {
            // The latest few are read alone, not with every visit the mandate ever had.
            let key = crate::loaders::FirstVisitsOfMandate(self.0.id, limit as usize);
            let rows = loaders.load_one(key).await?.unwrap_or_else(|| Arc::from([]));
            return Ok(rows.iter().map(|v| crate::visit::Visit(v.clone())).collect());
        }
        let rows = loaders.load_one(crate::loaders::VisitsOfMandate(self.0.id)).await?.unwrap_or_else(|| Arc::from([]));
        let country_id = match country {
            Some(code) => {
                let code = code.trim().to_ascii_uppercase();
                // A code that names no country is an error, never a silent empty list.
                let Some(wanted) = loaders.load_one(crate::loaders::CountryByIso(code.clone())).await? else {
                    return Err(ApiError::bad_input("country", format!("there is no country {code:?}")));
                };
                Some(wanted.id)
            }
            None => None,
        };
        Ok(rows
            .iter()
            .filter(|v| country_id.is_none_or(|id| v.country_id == id))
            .take(limit as usize)
            .map(|v| crate::visit::Visit(v.clone()))
            .collect())
    }

    /// The version of this record, to send back as `expectedVersion` when changing it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// When this record was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When this record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A mandate holder's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::HolderRole")]
pub enum HolderRole {
    /// Special rapporteur.
    SpecialRapporteur,
    /// Independent expert.
    IndependentExpert,
    /// Chair-rapporteur of a working group.
    WorkingGroupChair,
    /// Member of a working group.
    WorkingGroupMember,
}

/// A person who holds or held a mandate.
pub struct MandateHolder(pub models::MandateHolder);

/// A person who holds or held a mandate.
#[Object]
impl MandateHolder {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("MandateHolder", &self.0.key)
    }

    /// Stable key, such as `sr-truth-justice:2012`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The holder's name, as the United Nations publishes it.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The role held.
    async fn role(&self) -> HolderRole {
        self.0.role().into()
    }

    /// The mandate held.
    async fn mandate(&self, ctx: &Context<'_>) -> Result<Option<Mandate>, ApiError> {
        Ok(loaders(ctx)?.load_one(MandateId(self.0.mandate_id)).await?.map(Mandate))
    }

    /// First day in office.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    /// Last day in office; null while serving.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }

    /// True for generated demonstration data.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// The version of this record, to send back as `expectedVersion` when changing it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// When this record was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When this record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A resolution that renewed a mandate.
pub struct MandateRenewal(pub models::MandateRenewal);

/// A resolution that renewed a mandate.
#[Object]
impl MandateRenewal {
    /// The renewing resolution.
    async fn resolution(&self, ctx: &Context<'_>) -> Result<Option<Resolution>, ApiError> {
        resolution(ctx, Some(self.0.resolution_id)).await
    }

    /// Until when it renewed the mandate, when recorded.
    async fn renewed_until(&self) -> Option<Date> {
        self.0.renewed_until.map(Date)
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }
}
