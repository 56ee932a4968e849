//! Recommendations and the history of their implementation.

pub mod stats;

pub mod mutation;
pub mod query;

use async_graphql::{Context, Enum, Object, ID};
use hrc_db::models;

use crate::loaders::{
    CountryId, ImplementationOf, MandateId, MechanismId, ReportId, SessionId, TargetsOfRecommendation,
    TermsOfRecommendation,
};
use crate::mechanism::{Mandate, Mechanism};
use crate::reference::{Country, SdgTarget, Session};
use crate::resolution::Report;
use crate::support::database::loaders;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::lang::{pick_opt, Lang};
use crate::support::scalars::{Date, DateTime};
use crate::thesaurus::ThesaurusTerm;

/// Where a recommendation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::RecommendationSource")]
pub enum RecommendationSource {
    /// The Universal Periodic Review: one State's recommendation to the State under review.
    Upr,
    /// A special-procedure mandate.
    SpecialProcedure,
    /// A treaty body.
    TreatyBody,
    /// An investigative body.
    InvestigativeBody,
    /// A report (of rapporteurs, the High Commissioner, the Secretary-General…).
    Report,
}

/// To whom a recommendation is addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::Addressee")]
pub enum Addressee {
    /// A State (the State under review, for the UPR).
    State,
    /// The Human Rights Council itself.
    HumanRightsCouncil,
    /// The Office of the High Commissioner.
    Ohchr,
    /// Another body.
    Other,
}

/// A State's response to a UPR recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::Response")]
pub enum Response {
    /// Supported (accepted).
    Supported,
    /// Noted.
    Noted,
    /// Not yet answered.
    Pending,
}

/// How far a recommendation has been implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::ImplementationStatus")]
pub enum ImplementationStatus {
    /// Not started.
    NotStarted,
    /// Under way.
    InProgress,
    /// Partly implemented.
    PartiallyImplemented,
    /// Fully implemented.
    FullyImplemented,
}

/// Who reported on implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::ImplementationSource")]
pub enum ImplementationSource {
    /// The State concerned.
    State,
    /// A national mechanism for implementation, reporting and follow-up.
    NationalMechanism,
    /// A UPR mid-term report.
    MidTermReport,
    /// A mandate's follow-up (such as a questionnaire three years after a visit).
    MandateFollowUp,
    /// Another source.
    Other,
}

/// A recommendation.
pub struct Recommendation(pub models::Recommendation);

impl Recommendation {
    async fn terms(&self, ctx: &Context<'_>, facet: models::TermFacet) -> Result<Vec<ThesaurusTerm>, ApiError> {
        let rows = loaders(ctx)?.load_one(TermsOfRecommendation(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().filter(|t| t.facet() == facet).map(ThesaurusTerm).collect())
    }

    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<models::ImplementationReport>, ApiError> {
        Ok(loaders(ctx)?.load_one(ImplementationOf(self.0.id)).await?.unwrap_or_default())
    }
}

async fn country(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<Country>, ApiError> {
    let Some(id) = id else { return Ok(None) };
    Ok(loaders(ctx)?.load_one(CountryId(id)).await?.map(Country))
}

/// A recommendation.
#[Object]
impl Recommendation {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("Recommendation", &self.0.key)
    }

    /// Stable source identity: document symbol and paragraph, such as `A/HRC/43/37:69(a)`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Where it comes from.
    async fn source_kind(&self) -> RecommendationSource {
        models::RecommendationSource::from_db(&self.0.source_kind).into()
    }

    /// Its text in the requested language, falling back to English, then to the language it was made in.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> Option<&str> {
        pick_opt(Lang::resolve(ctx, lang), self.0.text_en.as_deref(), self.0.text_zh.as_deref())
    }

    /// The languages its text is held in (`EN`, `ZH`), so a client knows when it got a fallback.
    async fn text_languages(&self) -> Vec<Lang> {
        let mut langs = Vec::new();
        if self.0.text_en.is_some() {
            langs.push(Lang::En);
        }
        if self.0.text_zh.is_some() {
            langs.push(Lang::Zh);
        }
        langs
    }

    /// The document that contains it.
    async fn report(&self, ctx: &Context<'_>) -> Result<Option<Report>, ApiError> {
        let Some(id) = self.0.report_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(ReportId(id)).await?.map(Report))
    }

    /// Paragraph of the document, such as `69(a)`.
    async fn paragraph(&self) -> Option<&str> {
        self.0.paragraph.as_deref()
    }

    /// To whom it is addressed.
    async fn addressee(&self) -> Addressee {
        models::Addressee::from_db(&self.0.addressee).into()
    }

    /// The State it is addressed to (the State under review, for the UPR).
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        country(ctx, self.0.country_id).await
    }

    /// The recommending State (UPR).
    async fn recommending_country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        country(ctx, self.0.recommending_country_id).await
    }

    /// The mechanism that made it.
    async fn mechanism(&self, ctx: &Context<'_>) -> Result<Option<Mechanism>, ApiError> {
        let Some(id) = self.0.mechanism_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(MechanismId(id)).await?.map(Mechanism))
    }

    /// The mandate that made it (special procedures).
    async fn mandate(&self, ctx: &Context<'_>) -> Result<Option<Mandate>, ApiError> {
        let Some(id) = self.0.mandate_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(MandateId(id)).await?.map(Mandate))
    }

    /// UPR cycle, 1 to 4.
    async fn upr_cycle(&self) -> Option<i32> {
        self.0.upr_cycle
    }

    /// The day it was made (the review's adoption, the report's date), where known.
    async fn made_on(&self) -> Option<Date> {
        self.0.made_on.map(Date)
    }

    /// The session it was made at.
    async fn session(&self, ctx: &Context<'_>) -> Result<Option<Session>, ApiError> {
        let Some(id) = self.0.session_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(SessionId(id)).await?.map(Session))
    }

    /// The State's response (UPR).
    async fn response(&self) -> Option<Response> {
        self.0.response.as_deref().map(|r| models::Response::from_db(r).into())
    }

    /// Flagged a priority (as in the High Commissioner's letters after a review).
    async fn priority(&self) -> bool {
        self.0.priority
    }

    /// The cluster it was grouped in.
    async fn cluster(&self) -> Option<&str> {
        self.0.cluster.as_deref()
    }

    /// SDG targets it relates to.
    async fn sdg_targets(&self, ctx: &Context<'_>) -> Result<Vec<SdgTarget>, ApiError> {
        let rows = loaders(ctx)?.load_one(TargetsOfRecommendation(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(SdgTarget).collect())
    }

    /// The themes it is indexed by.
    async fn themes(&self, ctx: &Context<'_>) -> Result<Vec<ThesaurusTerm>, ApiError> {
        self.terms(ctx, models::TermFacet::Theme).await
    }

    /// The groups of persons it concerns.
    async fn affected_persons(&self, ctx: &Context<'_>) -> Result<Vec<ThesaurusTerm>, ApiError> {
        self.terms(ctx, models::TermFacet::AffectedPersons).await
    }

    /// Every implementation report, oldest first. Reports are never changed: a correction is a later report.
    async fn implementation_history(&self, ctx: &Context<'_>) -> Result<Vec<ImplementationReport>, ApiError> {
        Ok(self.history(ctx).await?.into_iter().map(ImplementationReport).collect())
    }

    /// The status of the latest implementation report; null while there is none.
    async fn current_implementation_status(&self) -> Option<ImplementationStatus> {
        self.0.current_implementation_status.as_deref().map(|s| models::ImplementationStatus::from_db(s).into())
    }

    /// True for generated demonstration data, which is never real.
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

/// One report on a recommendation's implementation.
pub struct ImplementationReport(pub models::ImplementationReport);

/// One report on a recommendation's implementation.
#[Object]
impl ImplementationReport {
    /// The status reported.
    async fn status(&self) -> ImplementationStatus {
        self.0.status().into()
    }

    /// The date of the report.
    async fn reported_on(&self) -> Date {
        Date(self.0.reported_on)
    }

    /// Who reported.
    async fn source_kind(&self) -> ImplementationSource {
        self.0.source_kind().into()
    }

    /// The evidence given.
    async fn evidence(&self) -> Option<&str> {
        self.0.evidence.as_deref()
    }

    /// True for generated demonstration data.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}
