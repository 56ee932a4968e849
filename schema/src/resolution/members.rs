//! Council membership: the terms of each State, and the members on a day (which `Resolution.votes` lists).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Object};
use chrono::NaiveDate;
use hrc_db::models;

use crate::loaders::{CountryId, DbLoader};
use crate::reference::Country;
use crate::support::database::{loaders, query};
use crate::support::error::ApiError;
use crate::support::scalars::{Date, DateTime};

/// The members of the Council on a day by the terms a source gives, by country row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MembersOn(pub NaiveDate);

impl Loader<MembersOn> for DbLoader {
    type Value = Vec<i64>;
    type Error = Arc<ApiError>;

    async fn load(&self, wanted: &[MembersOn]) -> Result<HashMap<MembersOn, Vec<i64>>, Self::Error> {
        let days: Vec<NaiveDate> = wanted.iter().map(|k| k.0).collect();
        let found = self.run(move |c| models::CouncilMembership::given_on_days(c, &days)).await?;
        Ok(found.into_iter().map(|(day, members)| (MembersOn(day), members)).collect())
    }
}

/// A State's term on the Council.
pub struct CouncilMembership(pub models::CouncilMembership);

/// A State's term on the Council.
#[Object]
impl CouncilMembership {
    /// The member.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(CountryId(self.0.country_id)).await?.map(Country))
    }

    /// The term's first day (for a derived term, the first recorded vote of the run).
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    /// The term's last day (for a derived term, the last recorded vote of the run).
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }

    /// True when the term is read off the roll calls (a run of consecutive recorded votes listing the State), not
    /// given by a source of the Council's membership.
    async fn derived(&self) -> bool {
        self.0.derived
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// When this record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// Entry points to Council membership.
#[derive(Default)]
pub struct MembershipQuery;

/// Entry points to Council membership.
#[Object]
impl MembershipQuery {
    /// The members of the Council on a day, one term a State (a term given by a source before a derived one), by
    /// ISO code: 47 on any day the data covers.
    #[graphql(complexity = "crate::support::pagination::list_cost(47, child_complexity)")]
    async fn council_members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day.")] on: Date,
    ) -> Result<Vec<CouncilMembership>, ApiError> {
        let rows = query(ctx, move |c| models::CouncilMembership::on(c, on.0)).await?;
        let loaders = loaders(ctx)?;
        let countries = loaders.load_many(rows.iter().map(|r| CountryId(r.country_id))).await?;
        let mut rows: Vec<_> = rows.into_iter().map(CouncilMembership).collect();
        rows.sort_by_key(|r| countries.get(&CountryId(r.0.country_id)).map(|c| c.iso3.clone()));
        Ok(rows)
    }

    /// A State's terms on the Council, oldest first.
    #[graphql(complexity = "crate::support::pagination::list_cost(20, child_complexity)")]
    async fn council_terms(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-3 code of the State.")] country: String,
    ) -> Result<Vec<CouncilMembership>, ApiError> {
        let id = super::voting::country_id(ctx, "country", &country).await?;
        let rows = query(ctx, move |c| models::CouncilMembership::of_country(c, id)).await?;
        Ok(rows.into_iter().map(CouncilMembership).collect())
    }
}
