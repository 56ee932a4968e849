//! The root queries of the reference data: regional groups, countries, sessions and the SDGs.

use async_graphql::{Context, Object};
use hrc_db::models::{self, CountryFilter};

use crate::lookup::{self};
use crate::reference::{Country, RegionalGroup, RegionalGroupCode, SdgGoal, Session, SessionBody, UnStatus};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::scalars::DateTime;

/// Entry points to the reference data.
#[derive(Default)]
pub struct ReferenceQuery;

/// Entry points to the reference data.
#[Object]
impl ReferenceQuery {
    /// The five UN regional groups.
    #[graphql(complexity = "crate::support::pagination::list_cost(5, child_complexity)")]
    async fn regional_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only records created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<Vec<RegionalGroup>, ApiError> {
        let rows = query(ctx, models::RegionalGroup::all).await?;
        Ok(rows.into_iter().filter(|r| updated_since.is_none_or(|t| r.updated_at >= t.0)).map(RegionalGroup).collect())
    }

    /// UN member and observer States, by ISO code.
    #[graphql(complexity = "crate::support::pagination::list_cost(200, child_complexity)")]
    async fn countries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the States of this regional group.")] regional_group: Option<RegionalGroupCode>,
        #[graphql(desc = "Only member, or only observer, States.")] un_status: Option<UnStatus>,
        #[graphql(desc = "Only States that have (true) or have not (false) extended a standing invitation.")]
        standing_invitation: Option<bool>,
        #[graphql(desc = "Only records created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<Vec<Country>, ApiError> {
        let group_code = regional_group.map(|g| models::RegionalGroupCode::from(g).as_str());
        let un_status = un_status.map(Into::into);
        let rows = query(ctx, move |c| {
            let regional_group_id = match group_code {
                Some(code) => match models::RegionalGroup::by_code(c, code)? {
                    Some(group) => Some(group.id),
                    None => return Ok(Vec::new()),
                },
                None => None,
            };
            models::Country::list(c, &CountryFilter { regional_group_id, un_status, standing_invitation })
        })
        .await?;
        Ok(rows.into_iter().filter(|r| updated_since.is_none_or(|t| r.updated_at >= t.0)).map(Country::from).collect())
    }

    /// A State by its ISO 3166-1 alpha-3 code (any case); null if there is none.
    async fn country(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-3 code, such as \"NPL\".")] iso_code: String,
    ) -> Result<Option<Country>, ApiError> {
        let code = lookup::iso_code("isoCode", &iso_code)?;
        Ok(crate::support::database::loaders(ctx)?.load_one(crate::loaders::CountryByIso(code)).await?.map(Country))
    }

    /// Sessions of the Council and of the UPR Working Group, by body and number.
    #[graphql(complexity = "crate::support::pagination::list_cost(120, child_complexity)")]
    async fn sessions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the sessions of this body.")] body: Option<SessionBody>,
        #[graphql(desc = "Only records created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<Vec<Session>, ApiError> {
        let body = body.map(Into::into);
        let rows = query(ctx, move |c| models::Session::list(c, body)).await?;
        Ok(rows.into_iter().filter(|r| updated_since.is_none_or(|t| r.updated_at >= t.0)).map(Session).collect())
    }

    /// The 17 Sustainable Development Goals, with their targets.
    #[graphql(complexity = "crate::support::pagination::list_cost(17, child_complexity)")]
    async fn sdg_goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only records created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<Vec<SdgGoal>, ApiError> {
        let rows = query(ctx, models::SdgGoal::all).await?;
        Ok(rows.into_iter().filter(|r| updated_since.is_none_or(|t| r.updated_at >= t.0)).map(SdgGoal).collect())
    }
}
