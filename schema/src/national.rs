//! National mechanisms for implementation, reporting and follow-up, and the virtual knowledge hub where they share
//! good practices (resolution 51/33 para 5).

use async_graphql::{Context, Enum, InputObject, Object, ID};
use hrc_db::models;

use crate::loaders::{
    ActionPlansOf, ClustersOf, CountryId, NationalMechanismId, ParticipantsOf, RecommendationsOfCluster,
    RegionalGroupId, ReportId, TermsOfKnowledgeItem, ThesaurusTermId,
};
use crate::lookup::country_id;
use crate::recommendation::Recommendation;
use crate::reference::{Country, RegionalGroup, RegionalGroupCode};
use crate::resolution::Report;
use crate::support::database::loaders;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::lang::{pick_opt, Lang};
use crate::support::pagination::{connection, ListConnection, PageArgs, TotalCount};
use crate::support::scalars::{Date, DateTime};
use crate::thesaurus::ThesaurusTerm;

/// OHCHR's typology of national mechanisms (A Practical Guide to Effective State Engagement with International Human
/// Rights Mechanisms, 2016).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::NationalMechanismKind")]
pub enum NationalMechanismKind {
    /// Set up for one report or review.
    AdHoc,
    /// Housed in one ministry.
    Ministerial,
    /// A standing body of several ministries.
    InterMinisterial,
    /// Separate from the government, with its own mandate.
    InstitutionallySeparate,
}

/// Who takes part in a national mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::ParticipantKind")]
pub enum ParticipantKind {
    /// A ministry or other government entity.
    Government,
    /// Parliament or one of its committees.
    Parliament,
    /// The judiciary.
    Judiciary,
    /// The national human rights institution.
    NationalHumanRightsInstitution,
    /// Civil society.
    CivilSociety,
    /// The United Nations (country team, resident coordinator).
    UnitedNations,
    /// Anyone else.
    Other,
}

/// How a participant takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::ParticipantRole")]
pub enum ParticipantRole {
    /// A full member.
    Member,
    /// An observer.
    Observer,
    /// Consulted, not a member.
    Consulted,
}

/// The kinds of knowledge-hub entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::KnowledgeKind")]
pub enum KnowledgeKind {
    /// A practice that worked.
    GoodPractice,
    /// A lesson from what did not.
    LessonLearned,
    /// A report, consultation or tool.
    Resource,
}

/// A national mechanism for implementation, reporting and follow-up.
pub struct NationalMechanism(pub models::NationalMechanism);

/// A national mechanism for implementation, reporting and follow-up.
#[Object]
impl NationalMechanism {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("NationalMechanism", &self.0.key)
    }

    /// Stable key.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Its name in the requested language, falling back to English.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> &str {
        pick_opt(Lang::resolve(ctx, lang), Some(&self.0.name_en), self.0.name_zh.as_deref()).unwrap_or_default()
    }

    /// The country.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        Ok(loaders(ctx)?.load_one(CountryId(self.0.country_id)).await?.map(Country))
    }

    /// Its form, in OHCHR's typology.
    async fn kind(&self) -> NationalMechanismKind {
        self.0.kind().into()
    }

    /// When it was set up, when recorded.
    async fn established_on(&self) -> Option<Date> {
        self.0.established_on.map(Date)
    }

    /// Who takes part.
    async fn participants(&self, ctx: &Context<'_>) -> Result<Vec<Participant>, ApiError> {
        let rows = loaders(ctx)?.load_one(ParticipantsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Participant).collect())
    }

    /// The action plans it follows.
    async fn action_plans(&self, ctx: &Context<'_>) -> Result<Vec<ActionPlan>, ApiError> {
        let rows = loaders(ctx)?.load_one(ActionPlansOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(ActionPlan).collect())
    }

    /// The clusters of recommendations it follows up together.
    async fn clusters(&self, ctx: &Context<'_>) -> Result<Vec<RecommendationCluster>, ApiError> {
        let rows = loaders(ctx)?.load_one(ClustersOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(RecommendationCluster).collect())
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

/// A participant in a national mechanism.
pub struct Participant(pub models::Participant);

/// A participant in a national mechanism.
#[Object]
impl Participant {
    /// The participating entity.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind of entity.
    async fn kind(&self) -> ParticipantKind {
        models::ParticipantKind::from_db(&self.0.kind).into()
    }

    /// How it takes part.
    async fn role(&self) -> ParticipantRole {
        models::ParticipantRole::from_db(&self.0.role).into()
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }
}

/// A national action plan.
pub struct ActionPlan(pub models::ActionPlan);

/// A national action plan.
#[Object]
impl ActionPlan {
    /// Stable key.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// When it was adopted.
    async fn adopted_on(&self) -> Option<Date> {
        self.0.adopted_on.map(Date)
    }

    /// First day of its period.
    async fn starts_on(&self) -> Option<Date> {
        self.0.starts_on.map(Date)
    }

    /// Last day of its period.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }
}

/// A cluster of recommendations that a national mechanism follows up together, with a lead entity.
pub struct RecommendationCluster(pub models::RecommendationCluster);

/// A cluster of recommendations that a national mechanism follows up together, with a lead entity.
#[Object]
impl RecommendationCluster {
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The theme it covers.
    async fn theme(&self, ctx: &Context<'_>) -> Result<Option<ThesaurusTerm>, ApiError> {
        let Some(id) = self.0.theme_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(ThesaurusTermId(id)).await?.map(ThesaurusTerm))
    }

    /// The entity that leads it.
    async fn lead(&self) -> Option<&str> {
        self.0.lead.as_deref()
    }

    /// Its recommendations, in a stable order.
    #[graphql(complexity = "crate::support::pagination::page_cost(first, None, child_complexity)")]
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (default 20, most 500).")] first: Option<i32>,
    ) -> Result<Vec<Recommendation>, ApiError> {
        let limit = first.unwrap_or(20);
        if !(0..=500).contains(&limit) {
            return Err(ApiError::bad_input("first", format!("first must be between 0 and 500, not {limit}")));
        }
        let rows = loaders(ctx)?.load_one(RecommendationsOfCluster(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().take(limit as usize).map(Recommendation).collect())
    }

    /// How many recommendations it holds.
    async fn recommendation_count(&self, ctx: &Context<'_>) -> Result<usize, ApiError> {
        Ok(loaders(ctx)?.load_one(RecommendationsOfCluster(self.0.id)).await?.unwrap_or_default().len())
    }

    /// Where this record comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }
}

/// An entry of the knowledge hub: a good practice, a lesson or a resource that national mechanisms share.
pub struct KnowledgeItem(pub models::KnowledgeItem);

/// An entry of the knowledge hub: a good practice, a lesson or a resource that national mechanisms share.
#[Object]
impl KnowledgeItem {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("KnowledgeItem", &self.0.key)
    }

    /// Stable key.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Good practice, lesson learned or resource.
    async fn kind(&self) -> KnowledgeKind {
        self.0.kind().into()
    }

    /// Its title in the requested language, falling back to English.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> &str {
        pick_opt(Lang::resolve(ctx, lang), Some(&self.0.title_en), self.0.title_zh.as_deref()).unwrap_or_default()
    }

    /// Its text in the requested language where held, else in the one held.
    async fn body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> Option<&str> {
        pick_opt(Lang::resolve(ctx, lang), self.0.body_en.as_deref(), self.0.body_zh.as_deref())
    }

    /// The themes it is tagged with.
    async fn themes(&self, ctx: &Context<'_>) -> Result<Vec<ThesaurusTerm>, ApiError> {
        let rows = loaders(ctx)?.load_one(TermsOfKnowledgeItem(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(ThesaurusTerm::from).collect())
    }

    /// The country it comes from, if any.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        let Some(id) = self.0.country_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(CountryId(id)).await?.map(Country))
    }

    /// The region it concerns: its own, or its country's.
    async fn regional_group(&self, ctx: &Context<'_>) -> Result<Option<RegionalGroup>, ApiError> {
        let loaders = loaders(ctx)?;
        let group = match (self.0.regional_group_id, self.0.country_id) {
            (Some(id), _) => Some(id),
            (None, Some(country)) => loaders.load_one(CountryId(country)).await?.and_then(|c| c.regional_group_id),
            (None, None) => None,
        };
        let Some(id) = group else { return Ok(None) };
        Ok(loaders.load_one(RegionalGroupId(id)).await?.map(RegionalGroup))
    }

    /// The national mechanism that shared it, if any.
    async fn national_mechanism(&self, ctx: &Context<'_>) -> Result<Option<NationalMechanism>, ApiError> {
        let Some(id) = self.0.national_mechanism_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(NationalMechanismId(id)).await?.map(NationalMechanism))
    }

    /// The document it is, or comes from.
    async fn report(&self, ctx: &Context<'_>) -> Result<Option<Report>, ApiError> {
        let Some(id) = self.0.report_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(ReportId(id)).await?.map(Report))
    }

    /// When it was shared.
    async fn shared_on(&self) -> Option<Date> {
        self.0.shared_on.map(Date)
    }

    /// True for generated demonstration data, which is never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
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

/// Filters on the knowledge hub; every one given must hold, and a value naming nothing we hold is an error.
#[derive(Debug, Clone, Default, InputObject)]
pub struct KnowledgeFilter {
    /// Of this kind.
    pub kind: Option<KnowledgeKind>,
    /// Tagged with this theme (thesaurus key, such as `national-mechanisms`).
    pub theme: Option<String>,
    /// About this region, or a country in it.
    pub regional_group: Option<RegionalGroupCode>,
    /// From this country (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
    /// Words its title or text contains, in any language held (case-insensitive; 1 to 200 characters).
    pub search: Option<String>,
    /// Only generated demonstration data (true) or only real data (false).
    pub fictional: Option<bool>,
    /// Only records created or changed at or after this instant, for incremental sync.
    pub updated_since: Option<DateTime>,
}

/// Entry points to national mechanisms and the knowledge hub.
#[derive(Default)]
pub struct NationalQuery;

/// Entry points to national mechanisms and the knowledge hub.
#[Object]
impl NationalQuery {
    /// National mechanisms for implementation, reporting and follow-up, as a cursor connection in a stable order.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn national_mechanisms(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Only the mechanism of this country (ISO 3166-1 alpha-3 code).")] country: Option<String>,
        #[graphql(desc = "Only those of the States of this regional group.")] regional_group: Option<RegionalGroupCode>,
        #[graphql(desc = "Only those of this form.")] kind: Option<NationalMechanismKind>,
        #[graphql(desc = "Only generated demonstration data (true) or only real data (false).")] fictional: Option<
            bool,
        >,
        #[graphql(desc = "Only records created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<ListConnection<NationalMechanism>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let (filter, rows) = query(ctx, move |c| {
            let mut filter = models::NationalMechanismFilter {
                kind: kind.map(Into::into),
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
            if let Some(group) = regional_group {
                let code = models::RegionalGroupCode::from(group).as_str();
                filter.regional_group_id = models::RegionalGroup::by_code(c, code)?.map(|g| g.id);
            }
            let rows = models::NationalMechanism::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| models::NationalMechanism::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), NationalMechanism, count))
    }

    /// A national mechanism by its key; null if there is none.
    async fn national_mechanism(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mechanism's key.")] key: String,
    ) -> Result<Option<NationalMechanism>, ApiError> {
        Ok(query(ctx, move |c| models::NationalMechanism::by_key(c, key.trim())).await?.map(NationalMechanism))
    }

    /// The virtual knowledge hub (resolution 51/33 para 5): good practices, lessons and resources that national
    /// mechanisms share, searchable by theme, region, country and words.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn knowledge_hub(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Which entries; all of them when absent.")] filter: Option<KnowledgeFilter>,
    ) -> Result<ListConnection<KnowledgeItem>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        if let Some(search) = &f.search {
            let length = search.trim().chars().count();
            if length == 0 || length > 200 {
                return Err(ApiError::bad_input("filter.search", "search for 1 to 200 characters"));
            }
        }
        let (filter, rows) = query(ctx, move |c| {
            let mut filter = models::KnowledgeFilter {
                kind: f.kind.map(Into::into),
                search: f.search.as_deref().map(|s| s.trim().to_owned()),
                fictional: f.fictional,
                updated_since: f.updated_since.map(|t| t.0),
                ..Default::default()
            };
            if let Some(code) = &f.country {
                match country_id(c, "filter.country", code)? {
                    Ok(id) => filter.country_id = Some(id),
                    Err(e) => return Ok(Err(e)),
                }
            }
            if let Some(group) = f.regional_group {
                let code = models::RegionalGroupCode::from(group).as_str();
                filter.regional_group_id = models::RegionalGroup::by_code(c, code)?.map(|g| g.id);
            }
            if let Some(key) = &f.theme {
                match models::ThesaurusTerm::by_key(c, key.trim())? {
                    Some(t) => filter.theme_id = Some(t.id),
                    None => {
                        return Ok(Err(ApiError::bad_input(
                            "filter.theme",
                            format!("there is no thesaurus term {key:?}"),
                        )))
                    }
                }
            }
            let rows = models::KnowledgeItem::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| models::KnowledgeItem::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), KnowledgeItem, count))
    }

    /// A knowledge-hub entry by its key; null if there is none.
    async fn knowledge_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entry's key.")] key: String,
    ) -> Result<Option<KnowledgeItem>, ApiError> {
        Ok(query(ctx, move |c| models::KnowledgeItem::by_key(c, key.trim())).await?.map(KnowledgeItem))
    }
}
