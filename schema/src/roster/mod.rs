//! The roster of human rights experts deployable at short notice (A/HRC/43/37 paras 63 and 71 (b) (i)): personal
//! data, read and written by the secretariat only, searchable by expertise, language, region and availability.

pub mod mutation;
pub mod query;

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
use crate::support::auth::Viewer;
use crate::support::database::loaders;
use crate::support::error::{workflow_error, ApiError};
use crate::support::ids;
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
