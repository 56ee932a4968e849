//! Country visits of special-procedure mandates.

pub mod mutation;
pub mod query;

use async_graphql::{Context, Enum, Object, ID};
use hrc_db::models;

use crate::loaders::{CountryId, MandateId, ReportId};
use crate::mechanism::Mandate;
use crate::reference::Country;
use crate::resolution::Report;
use crate::support::database::loaders;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::scalars::{Date, DateTime};

/// Where a country visit stands in the OHCHR lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(remote = "hrc_db::models::VisitStatus")]
pub enum VisitStatus {
    /// The mandate asked the State to invite it.
    Requested,
    /// The request was repeated.
    ReminderSent,
    /// The State accepted; no dates yet.
    Accepted,
    /// Dates are set.
    Scheduled,
    /// The visit took place.
    Completed,
    /// Put off.
    Postponed,
    /// The State declined.
    Declined,
}

/// A dimension visits can be counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::VisitDimension")]
pub enum VisitDimension {
    /// The year it starts (or, while unscheduled, was requested).
    Year,
    /// Where it stands.
    Status,
    /// The country visited (ISO code).
    Country,
    /// The visiting mandate (key).
    Mandate,
}

/// One dimension's value in a count of visits.
#[derive(Debug, Clone, async_graphql::SimpleObject)]
pub struct VisitDimensionValue {
    /// The dimension.
    pub dimension: VisitDimension,
    /// The value: a year, a status name, an ISO code or a mandate key; null where a visit has none.
    pub key: Option<String>,
}

/// How many visits share one combination of dimension values.
#[derive(Debug, Clone, async_graphql::SimpleObject)]
pub struct VisitCount {
    /// The values, one per dimension asked for, in the order asked.
    pub values: Vec<VisitDimensionValue>,
    /// How many visits have them.
    pub count: i64,
}

/// A country visit.
pub struct Visit(pub models::Visit);

/// A country visit.
#[Object]
impl Visit {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("Visit", &self.0.key)
    }

    /// Stable key.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The visiting mandate.
    async fn mandate(&self, ctx: &Context<'_>) -> Result<Option<Mandate>, ApiError> {
        Ok(loaders(ctx)?.load_one(MandateId(self.0.mandate_id)).await?.map(Mandate))
    }

    /// The country visited.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(CountryId(self.0.country_id)).await?.map(Country))
    }

    /// Where it stands.
    async fn status(&self) -> VisitStatus {
        self.0.status().into()
    }

    /// When it was requested.
    async fn requested_on(&self) -> Option<Date> {
        self.0.requested_on.map(Date)
    }

    /// First day of the visit.
    async fn starts_on(&self) -> Option<Date> {
        self.0.starts_on.map(Date)
    }

    /// Last day of the visit.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }

    /// The report on the visit.
    async fn report(&self, ctx: &Context<'_>) -> Result<Option<Report>, ApiError> {
        let Some(id) = self.0.report_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(ReportId(id)).await?.map(Report))
    }

    /// When the follow-up falls due: three years after a completed visit (A/HRC/43/37 para 26).
    async fn follow_up_due_on(&self) -> Option<Date> {
        let ended = self.0.ends_on.filter(|_| self.0.status() == models::VisitStatus::Completed)?;
        ended.checked_add_months(chrono::Months::new(36)).map(Date)
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
