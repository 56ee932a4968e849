//! The roster of human rights experts deployable at short notice (A/HRC/43/37 paras 63 and 71 (b) (i)): expertise
//! (thesaurus themes), languages, regions, availability windows and past deployments. Personal data, read and
//! written by the secretariat only.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::page::keyset_page;
use super::write::{insert_keyed, lock_for_write, now, WorkflowError};
use super::{Page, PageRequest};
use crate::connection::MultiBackend;
use crate::schema::{
    roster_availability, roster_deployments, roster_expert_expertise, roster_expert_languages, roster_expert_regions,
    roster_experts,
};
use crate::DbConnection;

/// An expert on the roster.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roster_experts)]
pub struct Expert {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub email: String,
    pub nationality_id: Option<i64>,
    pub biography: String,
    pub fictional: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A past (or current) deployment.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roster_deployments)]
pub struct Deployment {
    pub id: i64,
    pub expert_id: i64,
    pub country_id: Option<i64>,
    pub mechanism_id: Option<i64>,
    pub role: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

/// An area of an expert's expertise.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roster_expert_expertise)]
pub struct ExpertTerm {
    pub expert_id: i64,
    pub term_id: i64,
}

/// A working language of an expert.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roster_expert_languages)]
pub struct ExpertLanguage {
    pub expert_id: i64,
    pub language: String,
}

/// A region of an expert's experience.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roster_expert_regions)]
pub struct ExpertRegion {
    pub expert_id: i64,
    pub regional_group_id: i64,
}

/// When an expert can be deployed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roster_availability)]
pub struct Availability {
    pub id: i64,
    pub expert_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// An expert's record, as the secretariat writes it.
#[derive(Debug, Clone)]
pub struct ExpertFields {
    pub name: String,
    pub email: String,
    pub nationality_id: Option<i64>,
    pub biography: String,
    /// Thesaurus term ids (themes).
    pub expertise: BTreeSet<i64>,
    /// ISO 639-1 codes, lower case.
    pub languages: BTreeSet<String>,
    pub regional_group_ids: BTreeSet<i64>,
    /// Availability windows, inclusive.
    pub availability: Vec<(NaiveDate, NaiveDate)>,
}

/// A deployment to record.
#[derive(Debug, Clone)]
pub struct NewDeployment {
    pub country_id: Option<i64>,
    pub mechanism_id: Option<i64>,
    pub role: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// How to search the roster; every criterion given must hold.
#[derive(Debug, Clone, Default)]
pub struct ExpertFilter {
    /// Has this expertise (a thesaurus term id).
    pub expertise: Option<i64>,
    /// Works in this language (ISO 639-1).
    pub language: Option<String>,
    /// Covers this regional group.
    pub regional_group_id: Option<i64>,
    /// Available for the whole of this range: one availability window covers it, and no deployment overlaps it.
    pub available: Option<(NaiveDate, NaiveDate)>,
    pub updated_since: Option<NaiveDateTime>,
    pub fictional: Option<bool>,
}

fn filtered(filter: &ExpertFilter) -> roster_experts::BoxedQuery<'static, MultiBackend> {
    let mut query = roster_experts::table.into_boxed();
    if let Some(term) = filter.expertise {
        query = query.filter(
            roster_experts::id.eq_any(
                roster_expert_expertise::table
                    .filter(roster_expert_expertise::term_id.eq(term))
                    .select(roster_expert_expertise::expert_id),
            ),
        );
    }
    if let Some(language) = &filter.language {
        query = query.filter(
            roster_experts::id.eq_any(
                roster_expert_languages::table
                    .filter(roster_expert_languages::language.eq(language.clone()))
                    .select(roster_expert_languages::expert_id),
            ),
        );
    }
    if let Some(group) = filter.regional_group_id {
        query = query.filter(
            roster_experts::id.eq_any(
                roster_expert_regions::table
                    .filter(roster_expert_regions::regional_group_id.eq(group))
                    .select(roster_expert_regions::expert_id),
            ),
        );
    }
    if let Some((from, to)) = filter.available {
        query = query
            .filter(
                roster_experts::id.eq_any(
                    roster_availability::table
                        .filter(roster_availability::starts_on.le(from))
                        .filter(roster_availability::ends_on.ge(to))
                        .select(roster_availability::expert_id),
                ),
            )
            .filter(diesel::dsl::not(
                roster_experts::id.eq_any(
                    roster_deployments::table
                        .filter(roster_deployments::starts_on.le(to))
                        .filter(roster_deployments::ends_on.is_null().or(roster_deployments::ends_on.ge(from)))
                        .select(roster_deployments::expert_id),
                ),
            ));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(roster_experts::updated_at.ge(since));
    }
    if let Some(fictional) = filter.fictional {
        query = query.filter(roster_experts::fictional.eq(fictional));
    }
    query
}

impl Expert {
    pub fn page(conn: &mut DbConnection, filter: &ExpertFilter, page: &PageRequest) -> QueryResult<Page<Expert>> {
        keyset_page!(
            conn,
            filtered(filter).select(Expert::as_select()),
            roster_experts::id,
            roster_experts::updated_at,
            page
        )
    }

    pub fn count(conn: &mut DbConnection, filter: &ExpertFilter) -> QueryResult<i64> {
        filtered(filter).count().get_result(conn)
    }

    pub fn by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<Expert>> {
        roster_experts::table.filter(roster_experts::key.eq(key)).select(Expert::as_select()).first(conn).optional()
    }

    /// The expertise (thesaurus term ids) of these experts.
    pub fn expertise_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<ExpertTerm>> {
        roster_expert_expertise::table
            .filter(roster_expert_expertise::expert_id.eq_any(ids.to_vec()))
            .order((roster_expert_expertise::expert_id, roster_expert_expertise::term_id))
            .select(ExpertTerm::as_select())
            .load(conn)
    }

    /// The working languages of these experts.
    pub fn languages_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<ExpertLanguage>> {
        roster_expert_languages::table
            .filter(roster_expert_languages::expert_id.eq_any(ids.to_vec()))
            .order((roster_expert_languages::expert_id, roster_expert_languages::language))
            .select(ExpertLanguage::as_select())
            .load(conn)
    }

    /// The regions of these experts.
    pub fn regions_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<ExpertRegion>> {
        roster_expert_regions::table
            .filter(roster_expert_regions::expert_id.eq_any(ids.to_vec()))
            .order((roster_expert_regions::expert_id, roster_expert_regions::regional_group_id))
            .select(ExpertRegion::as_select())
            .load(conn)
    }

    /// The availability windows of these experts, each expert's earliest first.
    pub fn availability_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Availability>> {
        roster_availability::table
            .filter(roster_availability::expert_id.eq_any(ids.to_vec()))
            .order((roster_availability::expert_id, roster_availability::starts_on))
            .select(Availability::as_select())
            .load(conn)
    }

    /// The deployments of these experts, each expert's earliest first.
    pub fn deployments_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Deployment>> {
        roster_deployments::table
            .filter(roster_deployments::expert_id.eq_any(ids.to_vec()))
            .order((roster_deployments::expert_id, roster_deployments::starts_on, roster_deployments::id))
            .select(Deployment::as_select())
            .load(conn)
    }

    fn set_lists(conn: &mut DbConnection, id: i64, fields: &ExpertFields) -> QueryResult<()> {
        diesel::delete(roster_expert_expertise::table.filter(roster_expert_expertise::expert_id.eq(id)))
            .execute(conn)?;
        for term in &fields.expertise {
            diesel::insert_into(roster_expert_expertise::table)
                .values((roster_expert_expertise::expert_id.eq(id), roster_expert_expertise::term_id.eq(term)))
                .execute(conn)?;
        }
        diesel::delete(roster_expert_languages::table.filter(roster_expert_languages::expert_id.eq(id)))
            .execute(conn)?;
        for language in &fields.languages {
            diesel::insert_into(roster_expert_languages::table)
                .values((roster_expert_languages::expert_id.eq(id), roster_expert_languages::language.eq(language)))
                .execute(conn)?;
        }
        diesel::delete(roster_expert_regions::table.filter(roster_expert_regions::expert_id.eq(id))).execute(conn)?;
        for group in &fields.regional_group_ids {
            diesel::insert_into(roster_expert_regions::table)
                .values((roster_expert_regions::expert_id.eq(id), roster_expert_regions::regional_group_id.eq(group)))
                .execute(conn)?;
        }
        diesel::delete(roster_availability::table.filter(roster_availability::expert_id.eq(id))).execute(conn)?;
        for (starts_on, ends_on) in &fields.availability {
            diesel::insert_into(roster_availability::table)
                .values((
                    roster_availability::expert_id.eq(id),
                    roster_availability::starts_on.eq(starts_on),
                    roster_availability::ends_on.eq(ends_on),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Adds an expert, keyed `EXP-nnnnn` (`DEMO-EXP-…` when fictional), audited.
    pub fn add(
        conn: &mut DbConnection,
        fields: &ExpertFields,
        fictional: bool,
        audit: &crate::audit::Entry,
    ) -> Result<Expert, WorkflowError> {
        use roster_experts as e;
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let at = now();
            let values = (
                e::name.eq(&fields.name),
                e::email.eq(&fields.email),
                e::nationality_id.eq(fields.nationality_id),
                e::biography.eq(&fields.biography),
                e::fictional.eq(fictional),
                e::created_at.eq(at),
                e::updated_at.eq(at),
            );
            let (id, key) =
                insert_keyed!(conn, e, values, |id| format!("{}EXP-{id:05}", if fictional { "DEMO-" } else { "" }));
            Self::set_lists(conn, id, fields)?;
            crate::audit::Entry { entity_key: key, ..audit.clone() }.write(conn, at)?;
            Ok(e::table.find(id).select(Expert::as_select()).first(conn)?)
        })
    }

    /// Rewrites an expert's record at version `expected`, audited.
    pub fn update(
        conn: &mut DbConnection,
        key: &str,
        expected: i32,
        fields: &ExpertFields,
        audit: &crate::audit::Entry,
    ) -> Result<Expert, WorkflowError> {
        use roster_experts as e;
        conn.transaction(|conn| {
            let at = now();
            let updated = diesel::update(e::table.filter(e::key.eq(key)).filter(e::version.eq(expected)))
                .set((
                    e::name.eq(&fields.name),
                    e::email.eq(&fields.email),
                    e::nationality_id.eq(fields.nationality_id),
                    e::biography.eq(&fields.biography),
                    e::version.eq(expected.saturating_add(1)),
                    e::updated_at.eq(at),
                ))
                .execute(conn)?;
            let current = Self::by_key(conn, key)?.ok_or(WorkflowError::NotFound)?;
            if updated == 0 {
                return Err(WorkflowError::Stale { current: current.version });
            }
            Self::set_lists(conn, current.id, fields)?;
            audit.write(conn, at)?;
            Ok(current)
        })
    }

    /// Records a deployment of an expert; one that overlaps another of the expert's is refused.
    pub fn deploy(
        conn: &mut DbConnection,
        key: &str,
        new: &NewDeployment,
        actor: &str,
        audit: &crate::audit::Entry,
    ) -> Result<Expert, WorkflowError> {
        use roster_deployments as d;
        conn.transaction(|conn| {
            lock_for_write(conn)?;
            let expert = Self::by_key(conn, key)?.ok_or(WorkflowError::NotFound)?;
            let end = new.ends_on.unwrap_or(NaiveDate::MAX);
            let overlapping: i64 = d::table
                .filter(d::expert_id.eq(expert.id))
                .filter(d::starts_on.le(end))
                .filter(d::ends_on.is_null().or(d::ends_on.ge(new.starts_on)))
                .count()
                .get_result(conn)?;
            if overlapping > 0 {
                return Err(WorkflowError::Conflict("the expert is already deployed during those days".into()));
            }
            let at = now();
            diesel::insert_into(d::table)
                .values((
                    d::expert_id.eq(expert.id),
                    d::country_id.eq(new.country_id),
                    d::mechanism_id.eq(new.mechanism_id),
                    d::role.eq(&new.role),
                    d::starts_on.eq(new.starts_on),
                    d::ends_on.eq(new.ends_on),
                    d::recorded_by.eq(actor),
                    d::created_at.eq(at),
                ))
                .execute(conn)?;
            diesel::update(roster_experts::table.find(expert.id))
                .set((roster_experts::version.eq(expert.version.saturating_add(1)), roster_experts::updated_at.eq(at)))
                .execute(conn)?;
            audit.write(conn, at)?;
            Self::by_key(conn, key)?.ok_or(WorkflowError::NotFound)
        })
    }
}

/// What [`demo`] added.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub experts: usize,
    pub deployments: usize,
    /// True when fictional experts were already there and nothing was added.
    pub already_loaded: bool,
}

/// Fictional, flagged experts: 30 named `FICTIONAL expert nnn` (addresses at `example.invalid`), with themes,
/// languages, regions, availability in 2026–2027 and past deployments. No real person is ever seeded. The same seed
/// gives the same roster; a second load adds nothing.
pub fn demo(conn: &mut DbConnection, seed: u64) -> Result<DemoReport, WorkflowError> {
    use crate::schema::{countries, regional_groups, thesaurus_terms};
    use rand::prelude::IndexedRandom;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    const LANGUAGES: [&str; 9] = ["en", "fr", "es", "ar", "zh", "ru", "pt", "sw", "fa"];

    let loaded: i64 = roster_experts::table.filter(roster_experts::fictional.eq(true)).count().get_result(conn)?;
    if loaded > 0 {
        return Ok(DemoReport { already_loaded: true, ..DemoReport::default() });
    }
    let mut rng = StdRng::seed_from_u64(seed ^ 0x726f_7374);
    let themes: Vec<i64> = thesaurus_terms::table
        .filter(thesaurus_terms::facet.eq("THEME"))
        .order(thesaurus_terms::id)
        .select(thesaurus_terms::id)
        .load(conn)?;
    let groups: Vec<i64> = regional_groups::table.order(regional_groups::id).select(regional_groups::id).load(conn)?;
    let states: Vec<i64> = countries::table
        .filter(countries::un_status.eq("MEMBER"))
        .order(countries::iso3)
        .select(countries::id)
        .load(conn)?;
    let audit = |action: &'static str, key: &str| crate::audit::Entry {
        actor: "demo-loader".into(),
        action,
        entity: "RosterExpert",
        entity_key: key.to_owned(),
        detail: r#"{"fictional":true}"#.into(),
    };
    let mut report = DemoReport::default();
    for n in 1..=30 {
        let day = |rng: &mut StdRng, year: i32| {
            NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), rng.random_range(1..=28)).unwrap_or_default()
        };
        let mut availability = Vec::new();
        for year in [2026, 2027] {
            if rng.random_bool(0.7) {
                let from = day(&mut rng, year);
                availability
                    .push((from, from.checked_add_days(chrono::Days::new(rng.random_range(30..200))).unwrap_or(from)));
            }
        }
        let (n_themes, n_languages, n_regions) =
            (rng.random_range(1..=3), rng.random_range(1..=3), rng.random_range(1..=2));
        let fields = ExpertFields {
            name: format!("FICTIONAL expert {n:03}"),
            email: format!("expert-{n:03}@example.invalid"),
            nationality_id: states.choose(&mut rng).copied(),
            biography: "[FICTIONAL DEMO DATA] generated roster entry: no such person.".into(),
            expertise: themes.choose_multiple(&mut rng, n_themes).copied().collect(),
            languages: LANGUAGES.choose_multiple(&mut rng, n_languages).map(|l| (*l).to_owned()).collect(),
            regional_group_ids: groups.choose_multiple(&mut rng, n_regions).copied().collect(),
            availability,
        };
        let expert = Expert::add(conn, &fields, true, &audit("roster_expert.add", ""))?;
        report.experts += 1;
        if rng.random_bool(0.5) {
            let from = day(&mut rng, 2025);
            let new = NewDeployment {
                country_id: states.choose(&mut rng).copied(),
                mechanism_id: None,
                role: "FICTIONAL human rights officer".into(),
                starts_on: from,
                ends_on: from.checked_add_days(chrono::Days::new(rng.random_range(14..90))),
            };
            Expert::deploy(conn, &expert.key, &new, "demo-loader", &audit("roster_expert.deploy", &expert.key))?;
            report.deployments += 1;
        }
    }
    Ok(report)
}
