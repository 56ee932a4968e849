//! The roster of human rights experts deployable at short notice (A/HRC/43/37 paras 63 and 71 (b) (i)): personal
//! data, read and written by the secretariat only, searchable by expertise, language, region and availability.

use std::collections::BTreeSet;

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use hrc_db::models::roster::{self as store, Expert as Row};
use hrc_db::models::{self, WorkflowError};

use crate::loaders::{
    AvailabilityOf, CountryId, DeploymentsOf, ExpertiseOf, LanguagesOf, MechanismId, RegionalGroupId, RegionsOf,
    ThesaurusTermId,
};
use crate::mechanism::Mechanism;
use crate::reference::{Country, RegionalGroup, RegionalGroupCode};
use crate::support::access::guard_caller;
use crate::support::auth::Viewer;
use crate::support::database::{loaders, query};
use crate::support::error::{workflow_error, ApiError};
use crate::support::ids;
use crate::support::pagination::{connection, ListConnection, ListOrder, PageArgs, TotalCount};
use crate::support::scalars::{Date, DateTime};
use crate::thesaurus::ThesaurusTerm;

fn expert_error(e: WorkflowError) -> ApiError {
    workflow_error("roster expert", e)
}

fn expert_key(field: &str, id: &ID) -> Result<String, ApiError> {
    match ids::decode(field, id)? {
        (kind, key) if kind == "RosterExpert" => Ok(key),
        _ => Err(ApiError::bad_input(field, "this is not the ID of a roster expert")),
    }
}

/// An expert on the roster.
pub struct RosterExpert(pub Row);

/// A human rights expert deployable at short notice.
#[Object]
impl RosterExpert {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        ids::encode("RosterExpert", &self.0.key)
    }

    /// Reference, such as `EXP-00007` (`DEMO-EXP-…` for fictional demonstration data).
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// E-mail address.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Nationality.
    async fn nationality(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        let Some(id) = self.0.nationality_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(CountryId(id)).await?.map(Country))
    }

    /// A short biography.
    async fn biography(&self) -> &str {
        &self.0.biography
    }

    /// Areas of expertise (thesaurus themes).
    async fn expertise(&self, ctx: &Context<'_>) -> Result<Vec<ThesaurusTerm>, ApiError> {
        let rows = loaders(ctx)?.load_one(ExpertiseOf(self.0.id)).await?.unwrap_or_default();
        let ids: Vec<i64> = rows.iter().map(|r| r.term_id).collect();
        let loaded = loaders(ctx)?.load_many(ids.iter().map(|i| ThesaurusTermId(*i))).await?;
        Ok(ids.iter().filter_map(|i| loaded.get(&ThesaurusTermId(*i)).cloned()).map(ThesaurusTerm).collect())
    }

    /// Working languages (ISO 639-1 codes).
    async fn languages(&self, ctx: &Context<'_>) -> Result<Vec<String>, ApiError> {
        let rows = loaders(ctx)?.load_one(LanguagesOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(|r| r.language).collect())
    }

    /// Regions of experience.
    async fn regions(&self, ctx: &Context<'_>) -> Result<Vec<RegionalGroup>, ApiError> {
        let rows = loaders(ctx)?.load_one(RegionsOf(self.0.id)).await?.unwrap_or_default();
        let ids: Vec<i64> = rows.iter().map(|r| r.regional_group_id).collect();
        let loaded = loaders(ctx)?.load_many(ids.iter().map(|i| RegionalGroupId(*i))).await?;
        Ok(ids.iter().filter_map(|i| loaded.get(&RegionalGroupId(*i)).cloned()).map(RegionalGroup).collect())
    }

    /// When the expert can be deployed, earliest first.
    async fn availability(&self, ctx: &Context<'_>) -> Result<Vec<DateRange>, ApiError> {
        let rows = loaders(ctx)?.load_one(AvailabilityOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(|w| DateRange { starts_on: Date(w.starts_on), ends_on: Date(w.ends_on) }).collect())
    }

    /// Deployments, earliest first.
    async fn deployments(&self, ctx: &Context<'_>) -> Result<Vec<RosterDeployment>, ApiError> {
        let rows = loaders(ctx)?.load_one(DeploymentsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(RosterDeployment).collect())
    }

    /// Generated demonstration data, never real.
    async fn fictional(&self) -> bool {
        self.0.fictional
    }

    /// Its version, to name in an update.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the expert was added.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When the record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// Days from one to another, both included.
#[derive(Debug, SimpleObject, InputObject, Clone, Copy)]
#[graphql(input_name = "DateRangeInput")]
pub struct DateRange {
    /// The first day.
    pub starts_on: Date,
    /// The last day.
    pub ends_on: Date,
}

/// A deployment of an expert.
pub struct RosterDeployment(store::Deployment);

/// A deployment of an expert.
#[Object]
impl RosterDeployment {
    /// Where.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>, ApiError> {
        let Some(id) = self.0.country_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(CountryId(id)).await?.map(Country))
    }

    /// For which mechanism.
    async fn mechanism(&self, ctx: &Context<'_>) -> Result<Option<Mechanism>, ApiError> {
        let Some(id) = self.0.mechanism_id else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(MechanismId(id)).await?.map(Mechanism))
    }

    /// In what role.
    async fn role(&self) -> &str {
        &self.0.role
    }

    /// First day.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    /// Last day, once known.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }
}

/// How to search the roster: every criterion given must hold.
#[derive(Debug, Clone, Default, InputObject)]
pub struct RosterExpertFilter {
    /// With this expertise (a thesaurus theme's key, such as `torture`).
    pub expertise: Option<String>,
    /// Working in this language (ISO 639-1 code, such as `fr`).
    pub language: Option<String>,
    /// With experience of this region.
    pub region: Option<RegionalGroupCode>,
    /// Available for the whole of this range: one of the expert's availability windows covers it and no
    /// deployment overlaps it.
    pub available: Option<DateRange>,
    /// Only those changed since this instant.
    pub updated_since: Option<DateTime>,
    /// Only generated demonstration data (true) or only real records (false).
    pub fictional: Option<bool>,
}

/// A language code: two lower-case letters (ISO 639-1).
pub fn language(field: &str, text: &str) -> Result<String, ApiError> {
    let code = text.trim().to_ascii_lowercase();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(code)
    } else {
        Err(ApiError::bad_input(field, format!("{text:?} is not an ISO 639-1 language code (such as \"fr\")")))
    }
}

/// The row id of a thesaurus theme; the inner error names `field` when there is none.
fn theme_id(c: &mut hrc_db::DbConnection, field: &str, key: &str) -> hrc_db::QueryResult<Result<i64, ApiError>> {
    Ok(match models::ThesaurusTerm::by_key(c, key.trim())? {
        Some(t) if t.facet == models::TermFacet::Theme.as_str() => Ok(t.id),
        _ => Err(ApiError::bad_input(field, format!("no theme of the thesaurus has the key {key:?}"))),
    })
}

/// The roster's entry points: the secretariat's.
#[derive(Default)]
pub struct RosterQuery;

#[Object]
impl RosterQuery {
    /// Experts of the roster, searched by expertise, language, region and availability (the secretariat).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn roster_experts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending.")] order_by: Option<ListOrder>,
        #[graphql(desc = "How to search; every expert when absent.")] filter: Option<RosterExpertFilter>,
    ) -> Result<ListConnection<RosterExpert>, ApiError> {
        guard_caller(ctx, "Query.rosterExperts")?;
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let f = filter.unwrap_or_default();
        let language = f.language.as_deref().map(|l| language("filter.language", l)).transpose()?;
        if let Some(range) = f.available.filter(|r| r.ends_on.0 < r.starts_on.0) {
            return Err(ApiError::bad_input(
                "filter.available",
                format!("the range ends ({}) before it starts ({})", range.ends_on.0, range.starts_on.0),
            ));
        }
        let (filter, rows) = query(ctx, move |c| {
            let expertise = match f.expertise.as_deref() {
                None => None,
                Some(key) => match theme_id(c, "filter.expertise", key)? {
                    Ok(id) => Some(id),
                    Err(e) => return Ok(Err(e)),
                },
            };
            let regional_group_id = crate::lookup::regional_group_id(c, f.region)?;
            let filter = store::ExpertFilter {
                expertise,
                language,
                regional_group_id,
                available: f.available.map(|r| (r.starts_on.0, r.ends_on.0)),
                updated_since: f.updated_since.map(|t| t.0),
                fictional: f.fictional,
            };
            let rows = Row::page(c, &filter, &page)?;
            Ok(Ok((filter, rows)))
        })
        .await??;
        let count = TotalCount::new(move |c| Row::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), RosterExpert, count))
    }

    /// An expert by ID (the secretariat); null if there is none.
    async fn roster_expert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its ID.")] id: ID,
    ) -> Result<Option<RosterExpert>, ApiError> {
        guard_caller(ctx, "Query.rosterExpert")?;
        let Ok(key) = expert_key("id", &id) else { return Ok(None) };
        Ok(query(ctx, move |c| Row::by_key(c, &key)).await?.map(RosterExpert))
    }
}

/// An expert's record, as the secretariat writes it.
#[derive(Debug, InputObject)]
pub struct RosterExpertInput {
    /// Name (1 to 300 characters).
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Nationality (ISO 3166-1 alpha-3 code).
    pub nationality: Option<String>,
    /// A short biography (up to 5,000 characters).
    #[graphql(default)]
    pub biography: String,
    /// Areas of expertise: thesaurus theme keys (1 to 30).
    pub expertise: Vec<String>,
    /// Working languages: ISO 639-1 codes (1 to 20).
    pub languages: Vec<String>,
    /// Regions of experience.
    #[graphql(default)]
    pub regions: Vec<RegionalGroupCode>,
    /// When the expert can be deployed (at most 50 windows).
    #[graphql(default)]
    pub availability: Vec<DateRange>,
}

fn expert_fields(
    c: &mut hrc_db::DbConnection,
    input: RosterExpertInput,
) -> hrc_db::QueryResult<Result<store::ExpertFields, ApiError>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 300 {
        errors.push(("input.name".into(), "give 1 to 300 characters".into()));
    }
    let email = input.email.trim().to_owned();
    let plausible = email.len() <= 320
        && email
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.contains('@'))
        && !email.chars().any(char::is_whitespace);
    if !plausible {
        errors.push(("input.email".into(), "not an e-mail address".into()));
    }
    let biography = input.biography.trim().to_owned();
    if biography.chars().count() > 5_000 {
        errors.push(("input.biography".into(), "give at most 5,000 characters".into()));
    }
    if input.expertise.is_empty() || input.expertise.len() > 30 {
        errors.push(("input.expertise".into(), "give 1 to 30 themes".into()));
    }
    if input.languages.is_empty() || input.languages.len() > 20 {
        errors.push(("input.languages".into(), "give 1 to 20 languages".into()));
    }
    if input.availability.len() > 50 {
        errors.push(("input.availability".into(), "give at most 50 windows".into()));
    }
    if input.availability.iter().any(|w| w.ends_on.0 < w.starts_on.0) {
        errors.push(("input.availability".into(), "a window ends before it starts".into()));
    }
    let mut languages = BTreeSet::new();
    for l in &input.languages {
        match language("input.languages", l) {
            Ok(code) => drop(languages.insert(code)),
            Err(ApiError::BadUserInput { field, message }) => errors.push((field, message)),
            Err(e) => return Ok(Err(e)),
        }
    }
    let mut expertise = BTreeSet::new();
    for key in &input.expertise {
        match theme_id(c, "input.expertise", key)? {
            Ok(id) => drop(expertise.insert(id)),
            Err(ApiError::BadUserInput { field, message }) => errors.push((field, message)),
            Err(e) => return Ok(Err(e)),
        }
    }
    let nationality_id = match input.nationality.as_deref() {
        None => None,
        Some(code) => match crate::lookup::country_id(c, "input.nationality", code)? {
            Ok(id) => Some(id),
            Err(ApiError::BadUserInput { field, message }) => {
                errors.push((field, message));
                None
            }
            Err(e) => return Ok(Err(e)),
        },
    };
    let mut regional_group_ids = BTreeSet::new();
    for code in &input.regions {
        regional_group_ids.extend(crate::lookup::regional_group_id(c, Some(*code))?);
    }
    if !errors.is_empty() {
        return Ok(Err(ApiError::InvalidFields(errors)));
    }
    Ok(Ok(store::ExpertFields {
        name,
        email,
        nationality_id,
        biography,
        expertise,
        languages,
        regional_group_ids,
        availability: input.availability.iter().map(|w| (w.starts_on.0, w.ends_on.0)).collect(),
    }))
}

fn audit(viewer: &Viewer, action: &'static str, key: &str) -> hrc_db::audit::Entry {
    hrc_db::audit::Entry {
        actor: viewer.subject.clone(),
        action,
        entity: "RosterExpert",
        entity_key: key.to_owned(),
        detail: "{}".into(),
    }
}

/// A deployment to record.
#[derive(Debug, InputObject)]
pub struct RosterDeploymentInput {
    /// Where (ISO 3166-1 alpha-3 code).
    pub country: Option<String>,
    /// For which mechanism (its key).
    pub mechanism: Option<String>,
    /// In what role (1 to 300 characters).
    pub role: String,
    /// First day.
    pub starts_on: Date,
    /// Last day, if known.
    pub ends_on: Option<Date>,
}

/// The roster's writes: the secretariat's.
#[derive(Default)]
pub struct RosterMutation;

#[Object]
impl RosterMutation {
    /// Adds an expert to the roster (the secretariat).
    async fn add_roster_expert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The expert.")] input: RosterExpertInput,
    ) -> Result<RosterExpert, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.addRosterExpert")?.clone();
        let row = query(ctx, move |c| {
            let fields = match expert_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            Ok(Row::add(c, &fields, false, &audit(&viewer, "roster_expert.add", "")).map_err(expert_error))
        })
        .await??;
        Ok(RosterExpert(row))
    }

    /// Rewrites an expert's record (the secretariat).
    async fn update_roster_expert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The expert.")] id: ID,
        #[graphql(desc = "The version read; a newer one gives CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The record, whole.")] input: RosterExpertInput,
    ) -> Result<RosterExpert, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.updateRosterExpert")?.clone();
        let key = expert_key("id", &id)?;
        let row = query(ctx, move |c| {
            let fields = match expert_fields(c, input)? {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            let entry = audit(&viewer, "roster_expert.update", &key);
            Ok(Row::update(c, &key, expected_version, &fields, &entry).map_err(expert_error))
        })
        .await??;
        Ok(RosterExpert(row))
    }

    /// Records a deployment of an expert (the secretariat); one overlapping another of the expert's is refused.
    async fn record_roster_deployment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The expert.")] id: ID,
        #[graphql(desc = "The deployment.")] input: RosterDeploymentInput,
    ) -> Result<RosterExpert, ApiError> {
        let viewer = guard_caller(ctx, "Mutation.recordRosterDeployment")?.clone();
        let key = expert_key("id", &id)?;
        let role = input.role.trim().to_owned();
        if role.is_empty() || role.chars().count() > 300 {
            return Err(ApiError::bad_input("input.role", "give 1 to 300 characters"));
        }
        if input.ends_on.is_some_and(|d| d.0 < input.starts_on.0) {
            return Err(ApiError::bad_input("input.endsOn", "it ends before it starts"));
        }
        let row = query(ctx, move |c| {
            let country_id = match input.country.as_deref() {
                None => None,
                Some(code) => match crate::lookup::country_id(c, "input.country", code)? {
                    Ok(id) => Some(id),
                    Err(e) => return Ok(Err(e)),
                },
            };
            let mechanism_id = match input.mechanism.as_deref() {
                None => None,
                Some(k) => match models::Mechanism::by_key(c, k.trim())? {
                    Some(m) => Some(m.id),
                    None => {
                        return Ok(Err(ApiError::bad_input(
                            "input.mechanism",
                            format!("no mechanism has the key {k:?}"),
                        )))
                    }
                },
            };
            let new = store::NewDeployment {
                country_id,
                mechanism_id,
                role,
                starts_on: input.starts_on.0,
                ends_on: input.ends_on.map(|d| d.0),
            };
            let entry = audit(&viewer, "roster_expert.deploy", &key);
            Ok(Row::deploy(c, &key, &new, &viewer.subject, &entry).map_err(expert_error))
        })
        .await??;
        Ok(RosterExpert(row))
    }
}
