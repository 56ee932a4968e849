//! Relations a page reads ahead of its resolvers, on the page's own trip to the database, to put into the
//! request's loaders.

use crate::cache::reference::{Reference, Snapshot};
use hrc_db::models::{Country, Mandate, Mechanism, Recommendation, SdgTarget, Visit};
use hrc_db::DbConnection;
use std::collections::HashMap;
use std::sync::Arc;

use super::{
    distinct, first_visits_by_mandate, grouped, linked, links_of, reference_rows, visits_by_mandate, CountryId,
    FirstVisitsOfMandate, HoldersOfMandate, Loaders, MechanismId, TargetsOfRecommendation, TermsOfRecommendation,
    VisitsOfMandate,
};

/// The relations a page of recommendations resolves, read ahead on the connection that read the page.
///
/// A page's relations are otherwise one batch each, and each batch is a trip to a blocking thread and back: four
/// on the country page. Reading them in the page's own blocking call, for the fields the query selects, makes that
/// one. What is read goes into the request's loaders ([`Prefetched::feed`]), with the values those loaders would
/// have made, so that a resolver finds it there and a field that was not foreseen still loads as before.
#[derive(Debug, Default, Clone, Copy)]
pub struct RecommendationRelations {
    /// `mechanism`.
    pub mechanism: bool,
    /// `country` or `recommendingCountry`.
    pub countries: bool,
    /// `themes` or `affectedPersons`.
    pub terms: bool,
    /// `sdgTargets`.
    pub sdg_targets: bool,
}

impl RecommendationRelations {
    /// The relations selected on the given recommendation selections (`nodes`, `edges.node`).
    pub fn selected(nodes: &[async_graphql::Lookahead<'_>]) -> Self {
        let any = |names: &[&str]| nodes.iter().any(|n| names.iter().any(|name| n.field(name).exists()));
        RecommendationRelations {
            mechanism: any(&["mechanism"]),
            countries: any(&["country", "recommendingCountry"]),
            terms: any(&["themes", "affectedPersons"]),
            sdg_targets: any(&["sdgTargets"]),
        }
    }

    /// Reads the selected relations of `rows`: the mechanisms and countries from the copy of the reference tables
    /// where there is one, the terms and SDG targets as links to it (one statement for both).
    pub fn read(
        self,
        c: &mut DbConnection,
        rows: &[Recommendation],
        reference: &Reference,
    ) -> hrc_db::QueryResult<Prefetched> {
        let mut out = Prefetched::default();
        if rows.is_empty() || !(self.mechanism || self.countries || self.terms || self.sdg_targets) {
            return Ok(out);
        }
        let snapshot = reference.get_or_load(c)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        if self.mechanism {
            let wanted = distinct(rows.iter().filter_map(|r| r.mechanism_id));
            if !wanted.is_empty() {
                out.mechanisms =
                    reference_rows(c, snapshot.as_deref(), wanted, Snapshot::mechanism, Mechanism::by_ids)?;
            }
        }
        if self.countries {
            let wanted = distinct(rows.iter().flat_map(|r| [r.country_id, r.recommending_country_id]).flatten());
            if !wanted.is_empty() {
                out.countries = reference_rows(c, snapshot.as_deref(), wanted, Snapshot::country, Country::by_ids)?;
            }
        }
        if self.terms || self.sdg_targets {
            let (terms, targets) = links_of(c, snapshot.as_deref(), &ids, self.terms, self.sdg_targets)?;
            if self.terms {
                let keys: Vec<_> = ids.iter().map(|id| TermsOfRecommendation(*id)).collect();
                out.terms = linked(terms, &keys, TermsOfRecommendation);
            }
            if self.sdg_targets {
                let keys: Vec<_> = ids.iter().map(|id| TargetsOfRecommendation(*id)).collect();
                out.sdg_targets = linked(targets, &keys, TargetsOfRecommendation);
            }
        }
        Ok(out)
    }
}

/// The relations a page of mandates resolves, read ahead like [`RecommendationRelations`].
#[derive(Debug, Default, Clone)]
pub struct MandateRelations {
    /// `holders`.
    pub holders: bool,
    /// `visits(country: …)`: every visit, which the resolver filters.
    pub all_visits: bool,
    /// `visits(first: n)` without a country: the latest n of each mandate, for each n asked (aliases may ask for
    /// several).
    pub first_visits: Vec<usize>,
    /// `visits { country }`.
    pub visit_countries: bool,
}

impl MandateRelations {
    /// The relations selected on the given mandate selections (`nodes`, `edges.node`).
    pub fn selected(nodes: &[async_graphql::Lookahead<'_>]) -> Self {
        use async_graphql::Value;
        let mut first_visits = Vec::new();
        let mut all_visits = false;
        for field in nodes.iter().flat_map(|n| n.field("visits").selection_fields()) {
            let Ok(arguments) = field.arguments() else { continue };
            let argument = |name: &str| arguments.iter().find(|(n, _)| n.as_str() == name).map(|(_, v)| v);
            if argument("country").is_some_and(|v| *v != Value::Null) {
                all_visits = true;
                continue;
            }
            let first = match argument("first") {
                None | Some(Value::Null) => Some(10),
                Some(Value::Number(n)) => n.as_u64().and_then(|n| usize::try_from(n).ok()).filter(|n| *n <= 100),
                Some(_) => None,
            };
            // A `first:` out of range is refused by the resolver, which reads nothing.
            first_visits.extend(first);
        }
        first_visits.sort_unstable();
        first_visits.dedup();
        MandateRelations {
            holders: nodes.iter().any(|n| n.field("holders").exists()),
            all_visits,
            first_visits,
            visit_countries: nodes.iter().any(|n| n.field("visits").field("country").exists()),
        }
    }

    /// Reads the selected relations of `rows`; the visits' countries from the copy of the reference tables where
    /// there is one.
    pub fn read(
        self,
        c: &mut DbConnection,
        rows: &[Mandate],
        reference: &Reference,
    ) -> hrc_db::QueryResult<Prefetched> {
        let mut out = Prefetched::default();
        if rows.is_empty() {
            return Ok(out);
        }
        let snapshot = if self.visit_countries || self.holders { reference.get_or_load(c)? } else { None };
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        if self.holders {
            // From the copy of the reference tables; a mandate it does not know (created since) from the database.
            let unknown = holders_in_memory(snapshot.as_deref(), &ids, &mut out);
            if !unknown.is_empty() {
                let keys: Vec<_> = unknown.iter().map(|id| HoldersOfMandate(*id)).collect();
                let rows = hrc_db::models::MandateHolder::of_mandates(c, &unknown)?;
                out.holders.extend(grouped(rows, |r| HoldersOfMandate(r.mandate_id), &keys));
            }
        }
        if self.all_visits || !self.first_visits.is_empty() {
            let most = self.first_visits.iter().copied().max().unwrap_or(0);
            // The visits' countries come from the copy of the reference tables, else in the same statement, joined:
            // one round trip fewer.
            let visits = match (self.all_visits, self.visit_countries && snapshot.is_none()) {
                (true, false) => Visit::of_mandates(c, &ids)?,
                (false, false) => Visit::first_of_mandates(c, &ids, most)?,
                (true, true) => {
                    let (visits, countries) = Visit::of_mandates_with_countries(c, &ids)?;
                    out.countries = countries.into_iter().map(Arc::new).collect();
                    visits
                }
                (false, true) => {
                    let (visits, countries) = Visit::first_of_mandates_with_countries(c, &ids, most)?;
                    out.countries = countries.into_iter().map(Arc::new).collect();
                    visits
                }
            };
            if let (Some(snapshot), true) = (snapshot.as_deref(), self.visit_countries) {
                let wanted = distinct(visits.iter().map(|v| v.country_id));
                out.countries = reference_rows(c, Some(snapshot), wanted, Snapshot::country, Country::by_ids)?;
            }
            let first_keys: Vec<_> =
                ids.iter().flat_map(|id| self.first_visits.iter().map(|n| FirstVisitsOfMandate(*id, *n))).collect();
            if self.all_visits {
                if !first_keys.is_empty() {
                    out.first_visits = first_visits_by_mandate(visits.clone(), &first_keys);
                }
                let keys: Vec<_> = ids.iter().map(|id| VisitsOfMandate(*id)).collect();
                out.visits = visits_by_mandate(visits, &keys);
            } else {
                out.first_visits = first_visits_by_mandate(visits, &first_keys);
            }
        }
        Ok(out)
    }

    /// The selected relations of `rows` when `snapshot` holds them all (no visits are selected, and it knows every
    /// mandate's holders): no trip to the database.
    pub fn read_in_memory(&self, snapshot: &Snapshot, rows: &[Mandate]) -> Option<Prefetched> {
        if self.all_visits || !self.first_visits.is_empty() {
            return None;
        }
        let mut out = Prefetched::default();
        if self.holders {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            if !holders_in_memory(Some(snapshot), &ids, &mut out).is_empty() {
                return None;
            }
        }
        Some(out)
    }
}

/// Puts into `out` the holders `snapshot` knows of the mandates `ids`; the ids of those it does not know.
fn holders_in_memory(snapshot: Option<&Snapshot>, ids: &[i64], out: &mut Prefetched) -> Vec<i64> {
    let mut unknown = Vec::new();
    for id in ids {
        match snapshot.and_then(|s| s.holders_of(*id)) {
            Some(holders) => {
                out.holders.insert(HoldersOfMandate(*id), holders.to_vec());
            }
            None => unknown.push(*id),
        }
    }
    unknown
}

/// Relations read ahead of their resolvers, to put into the request's loaders.
#[derive(Debug, Default)]
pub struct Prefetched {
    mechanisms: Vec<Arc<Mechanism>>,
    countries: Vec<Arc<Country>>,
    terms: HashMap<TermsOfRecommendation, Vec<Arc<hrc_db::models::ThesaurusTerm>>>,
    sdg_targets: HashMap<TargetsOfRecommendation, Vec<Arc<SdgTarget>>>,
    holders: HashMap<HoldersOfMandate, Vec<hrc_db::models::MandateHolder>>,
    visits: HashMap<VisitsOfMandate, Arc<[Visit]>>,
    first_visits: HashMap<FirstVisitsOfMandate, Arc<[Visit]>>,
}

impl Prefetched {
    /// Puts what was read into the loaders' caches.
    pub async fn feed(self, loaders: &Loaders) {
        if !self.mechanisms.is_empty() {
            loaders.feed_many(self.mechanisms.into_iter().map(|m| (MechanismId(m.id), m))).await;
        }
        if !self.countries.is_empty() {
            loaders.feed_many(self.countries.into_iter().map(|c| (CountryId(c.id), c))).await;
        }
        if !self.terms.is_empty() {
            loaders.feed_many(self.terms).await;
        }
        if !self.sdg_targets.is_empty() {
            loaders.feed_many(self.sdg_targets).await;
        }
        if !self.holders.is_empty() {
            loaders.feed_many(self.holders).await;
        }
        if !self.visits.is_empty() {
            loaders.feed_many(self.visits).await;
        }
        if !self.first_visits.is_empty() {
            loaders.feed_many(self.first_visits).await;
        }
    }
}
