//! Regional groups, countries, sessions and SDGs.

pub mod query;

use async_graphql::{Context, Enum, Object, ID};
use hrc_db::models;

use crate::loaders::{CountriesOfGroup, RegionalGroupId, TargetsOfGoal};
use crate::support::database::loaders;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::lang::{pick, Lang};
use crate::support::scalars::{Date, DateTime};

/// The five UN regional groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::RegionalGroupCode")]
pub enum RegionalGroupCode {
    /// African States.
    African,
    /// Asia-Pacific States.
    AsiaPacific,
    /// Eastern European States.
    EasternEuropean,
    /// Latin American and Caribbean States.
    LatinAmericanCaribbean,
    /// Western European and other States.
    WesternEuropeanOthers,
}

/// A State's standing at the United Nations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::UnStatus")]
pub enum UnStatus {
    /// A member State of the United Nations.
    Member,
    /// A non-member observer State.
    Observer,
}

/// The body whose session it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::SessionBody")]
pub enum SessionBody {
    /// The Human Rights Council.
    Hrc,
    /// The Working Group on the Universal Periodic Review.
    UprWorkingGroup,
}

/// One of the five UN regional groups, by which Council seats and the fund's committee are shared out.
pub struct RegionalGroup(pub models::RegionalGroup);

/// One of the five UN regional groups, by which Council seats and the fund's committee are shared out.
#[Object]
impl RegionalGroup {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("RegionalGroup", &self.0.code)
    }

    /// Stable code of the group.
    async fn code(&self) -> RegionalGroupCode {
        models::RegionalGroupCode::from_db(&self.0.code).into()
    }

    /// Name in the requested language (English where it is not available).
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> &str {
        pick(Lang::resolve(ctx, lang), &self.0.name_en, &self.0.name_zh)
    }

    /// Member States of the group, by ISO code.
    #[graphql(complexity = "crate::support::pagination::list_cost(60, child_complexity)")]
    async fn countries(&self, ctx: &Context<'_>) -> Result<Vec<Country>, ApiError> {
        let rows = loaders(ctx)?.load_one(CountriesOfGroup(self.0.id)).await?;
        Ok(rows.unwrap_or_default().into_iter().map(Country::from).collect())
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

/// A UN member or observer State.
pub struct Country(pub std::sync::Arc<models::Country>);

impl From<models::Country> for Country {
    fn from(row: models::Country) -> Self {
        Country(std::sync::Arc::new(row))
    }
}

/// A UN member or observer State.
#[Object]
impl Country {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("Country", &self.0.iso3)
    }

    /// ISO 3166-1 alpha-3 code.
    async fn iso_code(&self) -> &str {
        &self.0.iso3
    }

    /// Name in the requested language (English where it is not available): the UN's official short name.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> &str {
        pick(Lang::resolve(ctx, lang), &self.0.name_en, &self.0.name_zh)
    }

    /// Member or observer State.
    async fn un_status(&self) -> UnStatus {
        self.0.un_status().into()
    }

    /// Its standing invitation to all thematic special procedures; null where none is recorded.
    async fn standing_invitation(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::situation::StandingInvitation>, ApiError> {
        let rows = loaders(ctx)?.load_one(crate::loaders::InvitationOfCountry(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().next().map(crate::situation::StandingInvitation))
    }

    /// Its national mechanisms for implementation, reporting and follow-up.
    #[graphql(complexity = "crate::support::pagination::list_cost(10, child_complexity)")]
    async fn national_mechanisms(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::national::NationalMechanism>, ApiError> {
        let rows =
            loaders(ctx)?.load_one(crate::loaders::NationalMechanismsOfCountry(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(crate::national::NationalMechanism).collect())
    }

    /// The situations in this country that the Council considers.
    #[graphql(complexity = "crate::support::pagination::list_cost(5, child_complexity)")]
    async fn situations(&self, ctx: &Context<'_>) -> Result<Vec<crate::situation::CountrySituation>, ApiError> {
        let rows = loaders(ctx)?.load_one(crate::loaders::SituationsOfCountry(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(crate::situation::CountrySituation).collect())
    }

    /// The regional group it belongs to (none for observer States).
    async fn regional_group(&self, ctx: &Context<'_>) -> Result<Option<RegionalGroup>, ApiError> {
        let Some(id) = self.0.regional_group_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.load_one(RegionalGroupId(id)).await?.map(RegionalGroup))
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// When this record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// When this record was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// A session of the Human Rights Council or of the UPR Working Group.
pub struct Session(pub models::Session);

/// A session of the Human Rights Council or of the UPR Working Group.
#[Object]
impl Session {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("Session", &format!("{}/{}", self.0.body, self.0.number))
    }

    /// Whose session.
    async fn body(&self) -> SessionBody {
        self.0.body().into()
    }

    /// Session number (the 45th session is 45).
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// First day, when known.
    async fn starts_on(&self) -> Option<Date> {
        self.0.starts_on.map(Date)
    }

    /// Last day, when known.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
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

/// A Sustainable Development Goal of the 2030 Agenda.
pub struct SdgGoal(pub models::SdgGoal);

/// A Sustainable Development Goal of the 2030 Agenda.
#[Object]
impl SdgGoal {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("SdgGoal", &self.0.number.to_string())
    }

    /// Goal number, 1 to 17.
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// The goal's statement in the requested language (English where it is not available).
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> &str {
        pick(Lang::resolve(ctx, lang), &self.0.name_en, &self.0.name_zh)
    }

    /// The goal's targets in official order (`16.1` … `16.10`, `16.a`, `16.b`).
    #[graphql(complexity = "crate::support::pagination::list_cost(20, child_complexity)")]
    async fn targets(&self, ctx: &Context<'_>) -> Result<Vec<SdgTarget>, ApiError> {
        let rows = loaders(ctx)?.load_one(TargetsOfGoal(self.0.id)).await?;
        Ok(rows.unwrap_or_default().into_iter().map(SdgTarget::from).collect())
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

/// A target of an SDG.
pub struct SdgTarget(pub std::sync::Arc<models::SdgTarget>);

impl From<models::SdgTarget> for SdgTarget {
    fn from(row: models::SdgTarget) -> Self {
        SdgTarget(std::sync::Arc::new(row))
    }
}

/// A target of an SDG.
#[Object]
impl SdgTarget {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("SdgTarget", &self.0.code)
    }

    /// Official code, such as `16.10` or `16.a`.
    async fn code(&self) -> &str {
        &self.0.code
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
