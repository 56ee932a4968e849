//! The root queries of recommendations: the list with its filter, one by key, and the counts for dashboards.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object};
use hrc_db::models::{self};

use crate::cache::counts::{CountKey, Counted};
use crate::loaders::RecommendationRelations;
use crate::lookup::{iso_code, not_found};
use crate::recommendation::stats::{DimensionValue, Labels, RecommendationCount, RecommendationDimension};
use crate::recommendation::{ImplementationStatus, Recommendation, Response};
use crate::reference::RegionalGroupCode;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::pagination::page_nodes;
use crate::support::pagination::{connection, CountedConnection, Counts, PageArgs};
use crate::support::scalars::DateTime;

/// Filters on recommendations; all optional, and every one given must hold. A value that names nothing we hold (a
/// country, mechanism or target we do not know) is an error, never a silent empty list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct RecommendationFilter {
    /// The State addressed (the State under review, for the UPR): ISO 3166-1 alpha-3 code.
    pub country: Option<String>,
    /// Addressed to a State of this regional group.
    pub regional_group: Option<RegionalGroupCode>,
    /// The recommending State (UPR): ISO 3166-1 alpha-3 code.
    pub recommending_country: Option<String>,
    /// Made on or after this day.
    pub made_from: Option<crate::support::scalars::Date>,
    /// Made on or before this day.
    pub made_to: Option<crate::support::scalars::Date>,
    /// The mechanism that made it, by key (such as `upr`).
    pub mechanism: Option<String>,
    /// The mandate that made it, by key.
    pub mandate: Option<String>,
    /// The document that contains it, by symbol (such as `A/HRC/43/37`).
    pub report: Option<String>,
    /// UPR cycle, 1 to 4.
    pub upr_cycle: Option<i32>,
    /// The Council session it was made at.
    pub session_number: Option<i32>,
    /// The State's response.
    pub response: Option<Response>,
    /// Related to this SDG (1 to 17).
    pub sdg_goal: Option<i32>,
    /// Related to this SDG target (such as `16.10`).
    pub sdg_target: Option<String>,
    /// Indexed by this theme, by thesaurus key (such as `prevention`).
    pub theme: Option<String>,
    /// Concerning this group of affected persons, by thesaurus key (such as `children`).
    pub affected_persons: Option<String>,
    /// Its current implementation status (that of its latest report).
    pub implementation_status: Option<ImplementationStatus>,
    /// Words its text contains, in any language we hold (case-insensitive; 1 to 200 characters).
    pub search: Option<String>,
    /// Only generated demonstration data (true) or only real data (false).
    pub fictional: Option<bool>,
    /// Only records created or changed at or after this instant, for incremental sync.
    pub updated_since: Option<DateTime>,
}

/// The row ids of the countries a filter names (`country`, `recommendingCountry`), looked up through the request's
/// loader: a page that names the same country in several fields (the country, its recommendations, their counts)
/// looks it up once.
pub(crate) async fn filter_countries(
    ctx: &Context<'_>,
    f: &RecommendationFilter,
) -> Result<[Option<i64>; 2], ApiError> {
    let mut ids = [None, None];
    for (slot, (field, value)) in
        ids.iter_mut().zip([("filter.country", &f.country), ("filter.recommendingCountry", &f.recommending_country)])
    {
        if let Some(code) = value {
            let code = iso_code(field, code)?;
            match crate::support::database::loaders(ctx)?.load_one(crate::loaders::CountryByIso(code.clone())).await? {
                Some(country) => *slot = Some(country.id),
                None => return Err(not_found(field, "country", &code)),
            }
        }
    }
    Ok(ids)
}

/// `recommendationCounts` computed in the database: the buckets, with their labels when `labelled`.
pub(crate) async fn count_recommendations(
    ctx: &Context<'_>,
    group_by: Vec<RecommendationDimension>,
    dimensions: Vec<models::Dimension>,
    labelled: bool,
    filter: RecommendationFilter,
) -> Result<Arc<Vec<RecommendationCount>>, ApiError> {
    let countries = filter_countries(ctx, &filter).await?;
    let (buckets, labels) = query(ctx, move |c| {
        let filter = match resolve_filter(c, filter, countries)? {
            Ok(filter) => filter,
            Err(e) => return Ok(Err(e)),
        };
        let buckets = models::Recommendation::count_by(c, &filter, &dimensions)?;
        let labels = Labels::load(c, if labelled { &dimensions } else { &[] })?;
        Ok(Ok((buckets, labels)))
    })
    .await??;
    Ok(Arc::new(
        buckets
            .into_iter()
            .map(|bucket| RecommendationCount {
                count: bucket.count,
                values: group_by
                    .iter()
                    .zip(bucket.values)
                    .map(|(dimension, key)| {
                        let (label_en, label_zh) =
                            key.as_deref().map(|k| labels.of((*dimension).into(), k)).unwrap_or_default();
                        DimensionValue { dimension: *dimension, key, label_en, label_zh }
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// Turns the GraphQL filter into the database's, looking up every key (the countries' ids come looked up already,
/// from [`filter_countries`]); the outer error is the database's, the inner one names the filter field at fault.
pub(crate) fn resolve_filter(
    c: &mut hrc_db::DbConnection,
    f: RecommendationFilter,
    [country_id, recommending_country_id]: [Option<i64>; 2],
) -> hrc_db::QueryResult<Result<models::RecommendationFilter, ApiError>> {
    let mut out = models::RecommendationFilter {
        upr_cycle: f.upr_cycle,
        made_from: f.made_from.map(|d| d.0),
        made_to: f.made_to.map(|d| d.0),
        response: f.response.map(Into::into),
        sdg_goal: f.sdg_goal,
        implementation_status: f.implementation_status.map(Into::into),
        search: f.search.clone(),
        fictional: f.fictional,
        updated_since: f.updated_since.map(|t| t.0),
        country_id,
        recommending_country_id,
        ..Default::default()
    };
    if let Some(group) = f.regional_group {
        let code = models::RegionalGroupCode::from(group).as_str();
        out.regional_group_id = models::RegionalGroup::by_code(c, code)?.map(|g| g.id);
    }
    if let Some(key) = &f.mechanism {
        match models::Mechanism::by_key(c, key)? {
            Some(m) => out.mechanism_id = Some(m.id),
            None => return Ok(Err(not_found("filter.mechanism", "mechanism", key))),
        }
    }
    if let Some(key) = &f.mandate {
        match models::Mandate::by_key(c, key)? {
            Some(m) => out.mandate_id = Some(m.id),
            None => return Ok(Err(not_found("filter.mandate", "mandate", key))),
        }
    }
    if let Some(symbol) = &f.report {
        match models::Report::by_symbol(c, symbol.trim())? {
            Some(r) => out.report_id = Some(r.id),
            None => return Ok(Err(not_found("filter.report", "report", symbol))),
        }
    }
    if let Some(n) = f.session_number {
        match models::Session::by_number(c, models::SessionBody::Hrc, n)? {
            Some(s) => out.session_id = Some(s.id),
            None => return Ok(Err(not_found("filter.sessionNumber", "Council session", &n.to_string()))),
        }
    }
    if let Some(code) = &f.sdg_target {
        match models::SdgTarget::by_code(c, code.trim())? {
            Some(t) => out.sdg_target = Some(t.code),
            None => return Ok(Err(not_found("filter.sdgTarget", "SDG target", code))),
        }
    }
    for (field, value, facet, slot) in [
        ("filter.theme", &f.theme, models::TermFacet::Theme, &mut out.theme_id),
        (
            "filter.affectedPersons",
            &f.affected_persons,
            models::TermFacet::AffectedPersons,
            &mut out.affected_persons_id,
        ),
    ] {
        if let Some(key) = value {
            match models::ThesaurusTerm::by_key(c, key.trim())? {
                Some(t) if t.facet() == facet => *slot = Some(t.id),
                Some(_) => {
                    let other = match facet {
                        models::TermFacet::Theme => "a group of affected persons, not a theme",
                        models::TermFacet::AffectedPersons => "a theme, not a group of affected persons",
                    };
                    return Ok(Err(ApiError::bad_input(field, format!("{key:?} is {other}"))));
                }
                None => return Ok(Err(not_found(field, "thesaurus term", key))),
            }
        }
    }
    Ok(Ok(out))
}

/// Checks what can be checked without the database.
pub(crate) fn check_filter(f: &RecommendationFilter) -> Result<(), ApiError> {
    if let Some(cycle) = f.upr_cycle.filter(|c| !(1..=4).contains(c)) {
        return Err(ApiError::bad_input("filter.uprCycle", format!("UPR cycles are 1 to 4, not {cycle}")));
    }
    if let (Some(from), Some(to)) = (f.made_from, f.made_to) {
        if from.0 > to.0 {
            return Err(ApiError::bad_input(
                "filter.madeTo",
                format!("the range ends ({}) before it starts ({})", to.0, from.0),
            ));
        }
    }
    if let Some(goal) = f.sdg_goal.filter(|g| !(1..=17).contains(g)) {
        return Err(ApiError::bad_input("filter.sdgGoal", format!("SDGs are numbered 1 to 17, not {goal}")));
    }
    if let Some(search) = &f.search {
        let length = search.trim().chars().count();
        if length == 0 || length > 200 {
            return Err(ApiError::bad_input("filter.search", "search for 1 to 200 characters"));
        }
    }
    Ok(())
}

/// Entry points to recommendations and their counts.
#[derive(Default)]
pub struct RecommendationQuery;

/// Entry points to recommendations and their counts.
#[Object]
impl RecommendationQuery {
    /// Recommendations, as a cursor connection in a stable order, with typed filters.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Which recommendations; all of them when absent.")] filter: Option<RecommendationFilter>,
    ) -> Result<CountedConnection<Recommendation>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let filter = filter.unwrap_or_default();
        check_filter(&filter)?;
        let countries = filter_countries(ctx, &filter).await?;
        let relations = RecommendationRelations::selected(&page_nodes(ctx));
        let reference = crate::support::database::loaders(ctx)?.loader().reference().clone();
        let (filter, rows, prefetched) = query(ctx, move |c| {
            let filter = match resolve_filter(c, filter, countries)? {
                Ok(filter) => filter,
                Err(e) => return Ok(Err(e)),
            };
            let rows = models::Recommendation::page(c, &filter, &page)?;
            let prefetched = relations.read(c, &rows.rows, &reference)?;
            Ok(Ok((filter, rows, prefetched)))
        })
        .await??;
        prefetched.feed(crate::support::database::loaders(ctx)?).await;
        let exact = Arc::new(filter);
        let (bounded, described) = (exact.clone(), exact.clone());
        let counts = Counts::new(
            move |c| models::Recommendation::count(c, &exact),
            move |c, limit| models::Recommendation::count_up_to(c, &bounded, limit),
        )
        .cached(move || format!("{described:?}"));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), Recommendation, counts))
    }

    /// A recommendation by its key (document symbol and paragraph, such as `A/HRC/43/37:70`); null if there is none.
    async fn recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation's key, such as \"A/HRC/43/37:70\".")] key: String,
    ) -> Result<Option<Recommendation>, ApiError> {
        Ok(query(ctx, move |c| models::Recommendation::by_key(c, &key)).await?.map(Recommendation))
    }

    /// Recommendations counted by one or two dimensions (such as `[REGIONAL_GROUP, IMPLEMENTATION_STATUS]`), in the
    /// database, with the same filters as `recommendations`; largest counts first.
    async fn recommendation_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One or two dimensions to count by.")] group_by: Vec<RecommendationDimension>,
        #[graphql(desc = "Which recommendations; all of them when absent.")] filter: Option<RecommendationFilter>,
    ) -> Result<Vec<RecommendationCount>, ApiError> {
        if group_by.is_empty() || group_by.len() > 2 {
            return Err(ApiError::bad_input("groupBy", "count by one or two dimensions"));
        }
        if group_by.len() == 2 && group_by[0] == group_by[1] {
            return Err(ApiError::bad_input("groupBy", "the two dimensions must differ"));
        }
        let filter = filter.unwrap_or_default();
        check_filter(&filter)?;
        let dimensions: Vec<models::Dimension> = group_by.iter().map(|d| (*d).into()).collect();
        // Labels cost a statement; read them only when a bucket's `label` is selected.
        let labelled = ctx.look_ahead().field("values").field("label").exists();
        // The same counts for every caller until data changes (see [`crate::cache::counts`]); keyed by all that decides them.
        let key = CountKey::Buckets(format!("{group_by:?} {labelled} {filter:?}"));
        let counted = crate::cache::counts::cached(
            ctx,
            key,
            |found| match found {
                Counted::Buckets(buckets) => Some(buckets),
                Counted::One(_) => None,
            },
            Counted::Buckets,
            count_recommendations(ctx, group_by, dimensions, labelled, filter),
        )
        .await?;
        Ok(counted.as_ref().clone())
    }
}
