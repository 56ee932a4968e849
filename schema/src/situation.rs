//! Country situations before the Council, and States' standing invitations to the special procedures.

use async_graphql::{Context, Enum, Object, ID};
use hrc_db::models;

use crate::loaders::{BodiesOfSituation, CountryId, EventsOfSituation, MandateId, MechanismId, ReportId, SessionId};
use crate::lookup::country_id;
use crate::mechanism::{Mandate, Mechanism};
use crate::reference::{Country, Session};
use crate::resolution::Report;
use crate::support::database::loaders;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::lang::{pick_opt, Lang};
use crate::support::pagination::{connection, ListConnection, PageArgs, TotalCount};
use crate::support::scalars::{Date, DateTime};

/// What happened on a country situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::SituationEventKind")]
pub enum SituationEventKind {
    /// A briefing to the Council.
    Briefing,
    /// A good-offices (or observation) mission to the country.
    GoodOfficesMission,
}

/// A country situation the Council considers.
pub struct CountrySituation(pub models::CountrySituation);

/// A country situation the Council considers.
#[Object]
impl CountrySituation {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("CountrySituation", &self.0.key)
    }

    /// Stable key (the country's ISO code for the main situation of a country).
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The country.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(CountryId(self.0.country_id)).await?.map(Country))
    }

    /// The Council agenda item it is considered under, where a source says.
    async fn agenda_item(&self) -> Option<i32> {
        self.0.agenda_item
    }

    /// Its title in the requested language, falling back to English.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> &str {
        pick_opt(Lang::resolve(ctx, lang), Some(&self.0.title_en), self.0.title_zh.as_deref()).unwrap_or_default()
    }

    /// A short summary (English).
    async fn summary(&self) -> Option<&str> {
        self.0.summary_en.as_deref()
    }

    /// The country mandates that follow it.
    #[graphql(complexity = "crate::support::pagination::list_cost(10, child_complexity)")]
    async fn mandates(&self, ctx: &Context<'_>) -> Result<Vec<Mandate>, ApiError> {
        let loaders = loaders(ctx)?;
        let bodies = loaders.load_one(BodiesOfSituation(self.0.id)).await?.unwrap_or_default();
        let ids: Vec<MandateId> = bodies.iter().filter_map(|b| b.mandate_id.map(MandateId)).collect();
        let mut found = loaders.load_many(ids.clone()).await?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).map(Mandate).collect())
    }

    /// The investigative bodies (and other mechanisms) that follow it.
    #[graphql(complexity = "crate::support::pagination::list_cost(10, child_complexity)")]
    async fn investigative_bodies(&self, ctx: &Context<'_>) -> Result<Vec<Mechanism>, ApiError> {
        let loaders = loaders(ctx)?;
        let bodies = loaders.load_one(BodiesOfSituation(self.0.id)).await?.unwrap_or_default();
        let ids: Vec<MechanismId> = bodies.iter().filter_map(|b| b.mechanism_id.map(MechanismId)).collect();
        let mut found = loaders.load_many(ids.clone()).await?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).map(Mechanism).collect())
    }

    /// Briefings and good-offices missions, oldest first.
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only events of this kind.")] kind: Option<SituationEventKind>,
    ) -> Result<Vec<SituationEvent>, ApiError> {
        let rows = loaders(ctx)?.load_one(EventsOfSituation(self.0.id)).await?.unwrap_or_default();
        let kind: Option<models::SituationEventKind> = kind.map(Into::into);
        Ok(rows.into_iter().filter(|e| kind.is_none_or(|k| e.kind() == k)).map(SituationEvent).collect())
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

/// A briefing to the Council or a good-offices mission on a country situation.
pub struct SituationEvent(pub models::SituationEvent);

/// A briefing to the Council or a good-offices mission on a country situation.
#[Object]
impl SituationEvent {
    /// Stable key.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Briefing or good-offices mission.
    async fn kind(&self) -> SituationEventKind {
        self.0.kind().into()
    }

    /// The year, when the source gives no exact date (or with it).
    async fn year(&self) -> Option<i32> {
        self.0.year.or(self.0.held_on.map(|d| chrono::Datelike::year(&d)))
    }

    /// The date, when the source gives one.
    async fn held_on(&self) -> Option<Date> {
        self.0.held_on.map(Date)
    }

    /// The Council session it took place at.
    async fn session(&self, ctx: &Context<'_>) -> Result<Option<Session>, ApiError> {
        let Some(id) = self.0.session_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(SessionId(id)).await?.map(Session))
    }

    /// The mandate that took part (such as a special rapporteur invited to a briefing).
    async fn mandate(&self, ctx: &Context<'_>) -> Result<Option<Mandate>, ApiError> {
        let Some(id) = self.0.mandate_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(MandateId(id)).await?.map(Mandate))
    }

    /// The report on it.
    async fn report(&self, ctx: &Context<'_>) -> Result<Option<Report>, ApiError> {
        let Some(id) = self.0.report_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(ReportId(id)).await?.map(Report))
    }

    /// What happened, in the requested language where held.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> Option<&str> {
        pick_opt(Lang::resolve(ctx, lang), self.0.description_en.as_deref(), self.0.description_zh.as_deref())
    }

    /// True for generated demonstration data.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }
}

/// A State's standing invitation to all thematic special procedures.
pub struct StandingInvitation(pub models::StandingInvitation);

/// A State's standing invitation to all thematic special procedures.
#[Object]
impl StandingInvitation {
    /// When it was extended, when recorded.
    async fn extended_on(&self) -> Option<Date> {
        self.0.extended_on.map(Date)
    }

    /// True for generated demonstration data.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }
}

/// Entry points to country situations.
#[derive(Default)]
pub struct SituationQuery;

/// Entry points to country situations.
#[Object]
impl SituationQuery {
    /// Country situations the Council considers, as a cursor connection in a stable order.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn country_situations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Only situations in this country (ISO 3166-1 alpha-3 code).")] country: Option<String>,
        #[graphql(desc = "Only situations considered under this agenda item (1 to 10).")] agenda_item: Option<i32>,
        #[graphql(desc = "Only generated demonstration data (true) or only real data (false).")] fictional: Option<
            bool,
        >,
        #[graphql(desc = "Only records created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<ListConnection<CountrySituation>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        if let Some(item) = agenda_item.filter(|n| !(1..=10).contains(n)) {
            return Err(ApiError::bad_input(
                "agendaItem",
                format!("the Council's agenda items are 1 to 10, not {item}"),
            ));
        }
        let (filter, rows) = query(ctx, move |c| {
            let mut filter = models::SituationFilter {
                agenda_item,
                fictional,
                updated_since: updated_since.map(|t| t.0),
                ..Default::default()
            };
            if let Some(code) = &country {
                match country_id(c, "country", code)? {
                    Ok(id) => filter.country_id = Some(id),
                    Err(e) => return Ok(Err(e)),
                }
            }
            let rows = models::CountrySituation::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| models::CountrySituation::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), CountrySituation, count))
    }

    /// A country situation by its key; null if there is none.
    async fn country_situation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The situation's key, such as \"BDI\".")] key: String,
    ) -> Result<Option<CountrySituation>, ApiError> {
        Ok(query(ctx, move |c| models::CountrySituation::by_key(c, key.trim())).await?.map(CountrySituation))
    }
}
