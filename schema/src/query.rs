//! The root query type.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, ID};
use hrc_db::models::{self, CountryFilter, MandateFilter, MechanismFilter, ResolutionFilter};

use crate::cache::counts::{CountKey, Counted};
use crate::support::error::ApiError;
use crate::loaders::{MandateRelations, RecommendationRelations};
use crate::node::{self, Node, MAX_NODES};
use crate::support::pagination::{connection, CountedConnection, Counts, ListConnection, PageArgs, TotalCount};
use crate::support::scalars::DateTime;
use crate::communication::CommunicationQuery;
use crate::mechanism::{Mandate, MandateScope, MandateStatus, Mechanism, MechanismKind};
use crate::national::NationalQuery;
use crate::support::database::query;
use crate::recommendation::{ImplementationStatus, Recommendation, Response};
use crate::reference::{Country, RegionalGroup, RegionalGroupCode, SdgGoal, Session, SessionBody, UnStatus};
use crate::resolution::{Organ, Report, Resolution, ResolutionStatus};
use crate::situation::SituationQuery;
use crate::recommendation::stats::{DimensionValue, Labels, RecommendationCount, RecommendationDimension};
use crate::thesaurus::ThesaurusQuery;
use crate::viewer::Viewer;
use crate::visit::{Visit, VisitCount, VisitDimension, VisitDimensionValue, VisitStatus};

/// Entry points of the graph.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    CoreQuery,
    ThesaurusQuery,
    CommunicationQuery,
    SituationQuery,
    NationalQuery,
    crate::complaint::ComplaintPublicQuery,
    crate::fund::FundQuery,
    crate::early_warning::EarlyWarningQuery,
    crate::reprisal::ReprisalQuery,
    crate::roster::RosterQuery,
    crate::support::ratelimit::RateLimitQuery,
);

/// The entry points of the complaint schema: the public ones, and the confidential complaint procedure's. (Merged
/// from the same parts rather than from [`QueryRoot`], which would register a second type named `Query`.)
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Query")]
pub struct ComplaintQueryRoot(
    CoreQuery,
    ThesaurusQuery,
    CommunicationQuery,
    SituationQuery,
    NationalQuery,
    crate::complaint::ComplaintPublicQuery,
    crate::fund::FundQuery,
    crate::early_warning::EarlyWarningQuery,
    crate::reprisal::ReprisalQuery,
    crate::roster::RosterQuery,
    crate::support::ratelimit::RateLimitQuery,
    crate::complaint::ComplaintQuery,
);

/// Entry points to the reference data, mechanisms, recommendations and visits.
#[derive(Default)]
pub struct CoreQuery;

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

fn not_found(field: &str, what: &str, value: &str) -> ApiError {
    ApiError::bad_input(field, format!("there is no {what} {value:?}"))
}

/// The row ids of the countries a filter names (`country`, `recommendingCountry`), looked up through the request's
/// loader: a page that names the same country in several fields (the country, its recommendations, their counts)
/// looks it up once.
async fn filter_countries(ctx: &Context<'_>, f: &RecommendationFilter) -> Result<[Option<i64>; 2], ApiError> {
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
async fn count_recommendations(
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

/// The selections of a connection field's items: `nodes` and `edges.node`.
fn page_nodes<'c>(ctx: &'c Context<'_>) -> [async_graphql::Lookahead<'c>; 2] {
    let look = ctx.look_ahead();
    [look.field("nodes"), look.field("edges").field("node")]
}

/// Turns the GraphQL filter into the database's, looking up every key (the countries' ids come looked up already,
/// from [`filter_countries`]); the outer error is the database's, the inner one names the filter field at fault.
fn resolve_filter(
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
fn check_filter(f: &RecommendationFilter) -> Result<(), ApiError> {
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

/// Filters on visits; every one given must hold, and a value naming nothing we hold is an error.
#[derive(Debug, Clone, Default, InputObject)]
pub struct VisitFilter {
    /// The visiting mandate, by key.
    pub mandate: Option<String>,
    /// The country visited: ISO 3166-1 alpha-3 code.
    pub country: Option<String>,
    /// Where the visit stands.
    pub status: Option<VisitStatus>,
    /// Visits starting in this year (or, while unscheduled, requested in it).
    pub year: Option<i32>,
    /// Only generated demonstration data (true) or only real data (false).
    pub fictional: Option<bool>,
    /// Only records created or changed at or after this instant, for incremental sync.
    pub updated_since: Option<DateTime>,
}

fn check_visit_filter(f: &VisitFilter) -> Result<(), ApiError> {
    if let Some(year) = f.year.filter(|y| !(1990..=2100).contains(y)) {
        return Err(ApiError::bad_input("filter.year", format!("{year} is not a year this data can hold")));
    }
    if let Some(code) = &f.country {
        iso_code("filter.country", code)?;
    }
    Ok(())
}

/// Turns the GraphQL visit filter into the database's, looking up every key.
fn resolve_visit_filter(
    c: &mut hrc_db::DbConnection,
    f: VisitFilter,
) -> hrc_db::QueryResult<Result<models::VisitFilter, ApiError>> {
    let mut out = models::VisitFilter {
        status: f.status.map(Into::into),
        year: f.year,
        fictional: f.fictional,
        updated_since: f.updated_since.map(|t| t.0),
        ..Default::default()
    };
    if let Some(code) = &f.country {
        let code = code.trim().to_ascii_uppercase();
        match models::Country::by_iso3(c, &code)? {
            Some(country) => out.country_id = Some(country.id),
            None => return Ok(Err(not_found("filter.country", "country", &code))),
        }
    }
    if let Some(key) = &f.mandate {
        match models::Mandate::by_key(c, key)? {
            Some(m) => out.mandate_id = Some(m.id),
            None => return Ok(Err(not_found("filter.mandate", "mandate", key))),
        }
    }
    Ok(Ok(out))
}

/// The id of the country with this ISO code; the inner error names `field` when the code is malformed or unknown.
pub(crate) fn country_id(
    c: &mut hrc_db::DbConnection,
    field: &str,
    code: &str,
) -> hrc_db::QueryResult<Result<i64, ApiError>> {
    let code = match iso_code(field, code) {
        Ok(code) => code,
        Err(e) => return Ok(Err(e)),
    };
    Ok(models::Country::by_iso3(c, &code)?.map(|c| c.id).ok_or_else(|| not_found(field, "country", &code)))
}

/// The id of a regional group by its code.
pub(crate) fn regional_group_id(
    c: &mut hrc_db::DbConnection,
    code: Option<RegionalGroupCode>,
) -> hrc_db::QueryResult<Option<i64>> {
    let Some(code) = code else { return Ok(None) };
    let code: models::RegionalGroupCode = code.into();
    Ok(models::RegionalGroup::by_code(c, code.as_str())?.map(|g| g.id))
}

/// The id of a Council session by number; the inner error names `field` when the Council held no such session.
pub(crate) fn session_id(
    c: &mut hrc_db::DbConnection,
    field: &str,
    number: Option<i32>,
) -> hrc_db::QueryResult<Result<Option<i64>, ApiError>> {
    let Some(number) = number else { return Ok(Ok(None)) };
    Ok(match models::Session::by_number(c, models::SessionBody::Hrc, number)? {
        Some(s) => Ok(Some(s.id)),
        None => Err(ApiError::bad_input(field, format!("the Council has held no session numbered {number}"))),
    })
}

/// The id of the mandate with this key; the inner error names `field` when there is none.
pub(crate) fn mandate_id(
    c: &mut hrc_db::DbConnection,
    field: &str,
    key: &str,
) -> hrc_db::QueryResult<Result<i64, ApiError>> {
    Ok(models::Mandate::by_key(c, key.trim())?.map(|m| m.id).ok_or_else(|| not_found(field, "mandate", key)))
}

/// Parses an ISO 3166-1 alpha-3 code (any case).
pub fn iso_code(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(ApiError::bad_input(
            field,
            format!("{text:?} is not an ISO 3166-1 alpha-3 code (three letters, such as \"FRA\")"),
        ))
    }
}

/// Checks a document symbol's form.
fn symbol(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.len() > 100 || text.chars().any(char::is_control) {
        Err(ApiError::bad_input(
            field,
            "a document symbol is 1 to 100 printable characters, such as \"A/HRC/RES/45/31\"",
        ))
    } else {
        Ok(text.to_owned())
    }
}

/// Entry points to the reference data, mechanisms, recommendations and visits.
#[Object]
impl CoreQuery {
    /// Any object by its global ID; null if it no longer exists. An ID this API did not issue is `BAD_USER_INPUT`.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID from any object's `id`.")] id: ID,
    ) -> Result<Option<Node>, ApiError> {
        node::fetch(ctx, "id", &id).await
    }

    /// Several objects by their global IDs, in the order given (null where one no longer exists); at most 100.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>, ApiError> {
        if ids.len() > MAX_NODES {
            return Err(ApiError::bad_input("ids", format!("at most {MAX_NODES} IDs at once, not {}", ids.len())));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(node::fetch(ctx, "ids", id).await?);
        }
        Ok(out)
    }

    /// The caller, as its bearer token says; null for an anonymous caller.
    async fn viewer(&self, ctx: &Context<'_>) -> Option<Viewer> {
        crate::viewer(ctx).cloned().map(Viewer)
    }

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
        let code = self::iso_code("isoCode", &iso_code)?;
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

    /// Resolutions and drafts, as a cursor connection (`first`/`after` forwards, `last`/`before` backwards; at most
    /// 100 a page).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn resolutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Only resolutions of this organ.")] organ: Option<Organ>,
        #[graphql(desc = "Only resolutions of this Council session.")] session_number: Option<i32>,
        #[graphql(desc = "Only drafts, or only adopted resolutions.")] status: Option<ResolutionStatus>,
        #[graphql(desc = "Only resolutions created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<ListConnection<Resolution>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        if let Some(n) = session_number.filter(|n| *n <= 0) {
            return Err(ApiError::bad_input("sessionNumber", format!("a session number is positive, not {n}")));
        }
        let organ = organ.map(Into::into);
        let status = status.map(Into::into);
        let (filter, rows) = query(ctx, move |c| {
            let session_id = match session_number {
                Some(n) => match models::Session::by_number(c, models::SessionBody::Hrc, n)? {
                    Some(s) => Some(Ok(s.id)),
                    None => Some(Err(n)),
                },
                None => None,
            };
            let session_id = match session_id.transpose() {
                Ok(id) => id,
                Err(n) => return Ok(Err(n)),
            };
            let filter = ResolutionFilter { organ, session_id, status, updated_since: updated_since.map(|t| t.0) };
            let rows = models::Resolution::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await?
        .map_err(|n| ApiError::bad_input("sessionNumber", format!("there is no Council session {n} in the data")))?;
        let count = TotalCount::new(move |c| models::Resolution::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), Resolution, count))
    }

    /// A resolution by its symbol, such as `A/HRC/RES/45/31`; null if there is none.
    async fn resolution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Document symbol, such as \"A/HRC/RES/45/31\".")] symbol: String,
    ) -> Result<Option<Resolution>, ApiError> {
        let symbol = self::symbol("symbol", &symbol)?;
        Ok(query(ctx, move |c| models::Resolution::by_symbol(c, &symbol)).await?.map(Resolution))
    }

    /// Reports, by symbol.
    async fn reports(&self, ctx: &Context<'_>) -> Result<Vec<Report>, ApiError> {
        let rows = query(ctx, models::Report::all).await?;
        Ok(rows.into_iter().map(Report).collect())
    }

    /// A report by its symbol, such as `A/HRC/43/37`; null if there is none.
    async fn report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Document symbol, such as \"A/HRC/43/37\".")] symbol: String,
    ) -> Result<Option<Report>, ApiError> {
        let symbol = self::symbol("symbol", &symbol)?;
        Ok(query(ctx, move |c| models::Report::by_symbol(c, &symbol)).await?.map(Report))
    }

    /// The Council's mechanisms, as a cursor connection in a stable order.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn mechanisms(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Only mechanisms of this kind.")] kind: Option<MechanismKind>,
        #[graphql(
            desc = "Only mechanisms whose terms of reference do (true) or do not (false) carry a prevention dimension."
        )]
        prevention_dimension: Option<bool>,
        #[graphql(desc = "Only records created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<ListConnection<Mechanism>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let filter = MechanismFilter {
            kind: kind.map(Into::into),
            prevention_dimension,
            updated_since: updated_since.map(|t| t.0),
        };
        let (filter, rows) =
            query(ctx, move |c| Ok((filter.clone(), models::Mechanism::page(c, &filter, &page)?))).await?;
        let count = TotalCount::new(move |c| models::Mechanism::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), Mechanism::from, count))
    }

    /// A mechanism by its key, such as `upr`; null if there is none.
    async fn mechanism(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mechanism's key, such as \"upr\" or \"commission-of-inquiry-burundi\".")] key: String,
    ) -> Result<Option<Mechanism>, ApiError> {
        Ok(query(ctx, move |c| models::Mechanism::by_key(c, &key)).await?.map(Mechanism::from))
    }

    /// Special-procedure mandates, as a cursor connection in a stable order.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn mandates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Only thematic, or only country, mandates.")] scope: Option<MandateScope>,
        #[graphql(desc = "Only running, or only discontinued, mandates.")] status: Option<MandateStatus>,
        #[graphql(desc = "Only the mandates on this country (ISO 3166-1 alpha-3 code); an unknown code is an error.")]
        country: Option<String>,
        #[graphql(
            desc = "Only mandates whose terms of reference do (true) or do not (false) carry a prevention dimension."
        )]
        prevention_dimension: Option<bool>,
        #[graphql(desc = "Only records created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<ListConnection<Mandate>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let iso = country.as_deref().map(|c| iso_code("country", c)).transpose()?;
        let relations = MandateRelations::selected(&page_nodes(ctx));
        let loaders = crate::support::database::loaders(ctx)?;
        let reference = loaders.loader().reference().clone();
        let filter_on = move |country_id| MandateFilter {
            scope: scope.map(Into::into),
            status: status.map(Into::into),
            country_id,
            prevention_dimension,
            updated_since: updated_since.map(|t| t.0),
        };
        // The page from the copy of the mandates in memory, where there is one and it knows the country asked for:
        // the database is read only for the visits, if they are asked for.
        if let Some(snapshot) = reference.current() {
            let country_id = match &iso {
                Some(code) => snapshot.country_by_iso(code).map(|country| Some(country.id)),
                None => Some(None),
            };
            if let Some(country_id) = country_id {
                let filter = filter_on(country_id);
                let rows = snapshot.mandates_page(&filter, &page);
                let (rows, prefetched) = match relations.read_in_memory(&snapshot, &rows.rows) {
                    Some(prefetched) => (rows, prefetched),
                    None => {
                        query(ctx, move |c| {
                            let prefetched = relations.read(c, &rows.rows, &reference)?;
                            Ok((rows, prefetched))
                        })
                        .await?
                    }
                };
                prefetched.feed(loaders).await;
                let count = TotalCount::in_memory(move || snapshot.count_mandates(&filter));
                return Ok(connection(&page, rows, |r| (r.id, r.updated_at), Mandate, count));
            }
        }
        let (filter, rows, prefetched) = query(ctx, move |c| {
            let country_id = match &iso {
                Some(code) => match models::Country::by_iso3(c, code)? {
                    Some(country) => Some(Ok(country.id)),
                    None => Some(Err(code.clone())),
                },
                None => None,
            };
            let country_id = match country_id.transpose() {
                Ok(id) => id,
                Err(code) => return Ok(Err(code)),
            };
            let filter = filter_on(country_id);
            let rows = models::Mandate::page(c, &filter, &page)?;
            let prefetched = relations.read(c, &rows.rows, &reference)?;
            Ok(Ok((filter, rows, prefetched)))
        })
        .await?
        .map_err(|code| ApiError::bad_input("country", format!("there is no country {code:?}")))?;
        prefetched.feed(loaders).await;
        let count = TotalCount::new(move |c| models::Mandate::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), Mandate, count))
    }

    /// A mandate by its key, such as `sr-truth-justice`; null if there is none.
    async fn mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate's key, such as \"sr-truth-justice\".")] key: String,
    ) -> Result<Option<Mandate>, ApiError> {
        Ok(query(ctx, move |c| models::Mandate::by_key(c, &key)).await?.map(Mandate))
    }

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

    /// Country visits of the special procedures, as a cursor connection in a stable order.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn visits(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Which visits; all of them when absent.")] filter: Option<VisitFilter>,
    ) -> Result<ListConnection<Visit>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        check_visit_filter(&f)?;
        let (filter, rows) = query(ctx, move |c| {
            let filter = match resolve_visit_filter(c, f)? {
                Ok(filter) => filter,
                Err(e) => return Ok(Err(e)),
            };
            let rows = models::Visit::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| models::Visit::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), Visit, count))
    }

    /// Visits counted by one or two dimensions (such as `[YEAR]` for visits per year), in the database, with the same
    /// filters as `visits`; in dimension order.
    async fn visit_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One or two dimensions to count by.")] group_by: Vec<VisitDimension>,
        #[graphql(desc = "Which visits; all of them when absent.")] filter: Option<VisitFilter>,
    ) -> Result<Vec<VisitCount>, ApiError> {
        if group_by.is_empty() || group_by.len() > 2 || (group_by.len() == 2 && group_by[0] == group_by[1]) {
            return Err(ApiError::bad_input("groupBy", "count by one or two different dimensions"));
        }
        let f = filter.unwrap_or_default();
        check_visit_filter(&f)?;
        let dimensions: Vec<models::VisitDimension> = group_by.iter().map(|d| (*d).into()).collect();
        let buckets = query(ctx, move |c| {
            let filter = match resolve_visit_filter(c, f)? {
                Ok(filter) => filter,
                Err(e) => return Ok(Err(e)),
            };
            Ok(Ok(models::Visit::count_by(c, &filter, &dimensions)?))
        })
        .await??;
        Ok(buckets
            .into_iter()
            .map(|b| VisitCount {
                count: b.count,
                values: group_by
                    .iter()
                    .zip(b.values)
                    .map(|(dimension, key)| VisitDimensionValue { dimension: *dimension, key })
                    .collect(),
            })
            .collect())
    }
}
