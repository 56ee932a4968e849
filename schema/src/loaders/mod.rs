//! Batch loaders: every relation a type resolves goes through one of these, so that a list of N parents costs one
//! query per relation, not N. One `DataLoader` is made per request (its cache lives as long as the request).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use hrc_db::models::{
    Country, ImplementationReport, Mandate, Mechanism, Recommendation, RegionalGroup, Report, Resolution,
    ResolutionSponsor, ResolutionVote, SdgTarget, Session, Visit,
};
use hrc_db::{Database, DbConnection, DbError};

use crate::cache::reference::{Reference, ReferenceCache, Snapshot};
use crate::support::error::ApiError;

/// The loaders of one request.
pub type Loaders = DataLoader<DbLoader, HashMapCache>;

/// How many times a batch waits its turn on the scheduler before it runs.
///
/// async-graphql resolves the items of a list through `FuturesUnordered`, which yields after polling 32 of them, so
/// the keys of a 100-item page arrive over several polls. A timer (the DataLoader's default) fires in the middle of
/// that whenever the machine is slow, and splits the batch. Yielding instead puts the batch behind the resolver in
/// the worker's queue each time: 64 turns let lists of up to about 2,000 items register every key first, on any
/// machine, at the cost of a few microseconds.
const BATCH_YIELDS: usize = 64;

/// Where batch sizes are reported (the server's metrics), set once per process.
static BATCH_OBSERVER: std::sync::OnceLock<fn(&'static str, usize)> = std::sync::OnceLock::new();

/// Reports every batch's size, with the loader's key type as its name, to `observer` (the first call wins).
pub fn observe_batches(observer: fn(&'static str, usize)) {
    let _ = BATCH_OBSERVER.set(observer);
}

fn batch<K>(size: usize) {
    if let Some(observe) = BATCH_OBSERVER.get() {
        let name = std::any::type_name::<K>();
        observe(name.rsplit("::").next().unwrap_or(name), size);
    }
}

/// The loaders of one request, made when a field first asks for them: a request that loads nothing through them
/// (`{ __typename }`, a count, a page read from memory) does not make and drop them.
pub struct RequestLoaders {
    reference: Arc<ReferenceCache>,
    loaders: std::sync::OnceLock<Loaders>,
}

impl RequestLoaders {
    pub fn new(reference: &Arc<ReferenceCache>) -> RequestLoaders {
        RequestLoaders { reference: reference.clone(), loaders: std::sync::OnceLock::new() }
    }

    /// The request's loaders over `db` (the request's database, which its data holds), made on the first call.
    pub fn get(&self, db: &Database) -> &Loaders {
        self.loaders.get_or_init(|| for_request(db, &self.reference))
    }
}

/// Makes the loaders for one request.
fn for_request(db: &Database, reference: &Arc<ReferenceCache>) -> Loaders {
    let spawn = |batch: futures_util::future::BoxFuture<'static, ()>| {
        tokio::spawn(async move {
            for _ in 0..BATCH_YIELDS {
                tokio::task::yield_now().await;
            }
            batch.await
        })
    };
    let reference = Reference::new(reference.clone(), db.is_replica());
    DataLoader::with_cache(DbLoader { db: db.clone(), reference }, spawn, HashMapCache::default())
        .delay(Duration::ZERO)
        .max_batch_size(1000)
}

/// Loads related rows from the database in batches.
pub struct DbLoader {
    db: Database,
    /// The copy of the reference tables read from the request's database.
    reference: Reference,
}

impl DbLoader {
    /// The copy of the reference tables in memory, read from the request's database.
    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// Reference rows by id: from the copy in memory where it holds them (no trip to the database at all when it
    /// holds every one), the rest from the database.
    async fn reference_rows<R: Send + Sync + 'static>(
        &self,
        ids: Vec<i64>,
        pick: fn(&Snapshot, i64) -> Option<&Arc<R>>,
        fetch: fn(&mut DbConnection, &[i64]) -> hrc_db::QueryResult<Vec<R>>,
    ) -> Result<Vec<Arc<R>>, Arc<ApiError>> {
        if let Some(snapshot) = self.reference.current() {
            let (mut found, missing) = split(&snapshot, ids, pick);
            if !missing.is_empty() {
                found.extend(self.run(move |c| fetch(c, &missing)).await?.into_iter().map(Arc::new));
            }
            return Ok(found);
        }
        let reference = self.reference.clone();
        self.run(move |c| {
            let snapshot = reference.get_or_load(c)?;
            reference_rows(c, snapshot.as_deref(), ids, pick, fetch)
        })
        .await
    }

    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> hrc_db::QueryResult<T> + Send + 'static,
    ) -> Result<T, Arc<ApiError>> {
        self.db.run(move |conn| work(conn).map_err(DbError::from)).await.map_err(|e| Arc::new(ApiError::from(e)))
    }
}

/// The member countries of a regional group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountriesOfGroup(pub i64);

/// The sub-mechanisms of a mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildrenOf(pub i64);

/// The recommendations a report contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecommendationsOfReport(pub i64);

/// The visits of a mandate, latest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VisitsOfMandate(pub i64);

/// The latest visits of a mandate, as many as `visits(first:)` shows (with no country filter): read without the
/// rest of its visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FirstVisitsOfMandate(pub i64, pub usize);

fn keys<K: Copy>(keys: &[K], id: impl Fn(K) -> i64) -> Vec<i64> {
    keys.iter().copied().map(id).collect()
}

/// The rows `snapshot` holds, and the ids it does not.
fn split<R>(
    snapshot: &Snapshot,
    ids: Vec<i64>,
    pick: fn(&Snapshot, i64) -> Option<&Arc<R>>,
) -> (Vec<Arc<R>>, Vec<i64>) {
    let mut found = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match pick(snapshot, id) {
            Some(row) => found.push(row.clone()),
            None => missing.push(id),
        }
    }
    (found, missing)
}

/// Reference rows by id, from `snapshot` where there is one and it holds them, the rest read on `c`.
fn reference_rows<R>(
    c: &mut DbConnection,
    snapshot: Option<&Snapshot>,
    ids: Vec<i64>,
    pick: fn(&Snapshot, i64) -> Option<&Arc<R>>,
    fetch: fn(&mut DbConnection, &[i64]) -> hrc_db::QueryResult<Vec<R>>,
) -> hrc_db::QueryResult<Vec<Arc<R>>> {
    let Some(snapshot) = snapshot else { return Ok(fetch(c, &ids)?.into_iter().map(Arc::new).collect()) };
    let (mut found, missing) = split(snapshot, ids, pick);
    if !missing.is_empty() {
        found.extend(fetch(c, &missing)?.into_iter().map(Arc::new));
    }
    Ok(found)
}

/// (parent, row) pairs with each row behind an `Arc`, as the copy of the reference tables holds them.
fn shared<R>(rows: Vec<(i64, R)>) -> Vec<(i64, Arc<R>)> {
    rows.into_iter().map(|(parent, row)| (parent, Arc::new(row))).collect()
}

/// (parent, linked id) pairs turned into (parent, row) pairs, in the same order: the rows from `snapshot`, those it
/// does not hold read on `c`. A link whose row is nowhere is dropped, as an inner join would.
fn resolve_links<R>(
    c: &mut DbConnection,
    snapshot: &Snapshot,
    pairs: Vec<(i64, i64)>,
    pick: fn(&Snapshot, i64) -> Option<&Arc<R>>,
    fetch: fn(&mut DbConnection, &[i64]) -> hrc_db::QueryResult<Vec<R>>,
    id: fn(&R) -> i64,
) -> hrc_db::QueryResult<Vec<(i64, Arc<R>)>> {
    let missing = distinct(pairs.iter().filter(|(_, linked)| pick(snapshot, *linked).is_none()).map(|p| p.1));
    let fetched: HashMap<i64, Arc<R>> = if missing.is_empty() {
        HashMap::new()
    } else {
        fetch(c, &missing)?.into_iter().map(|r| (id(&r), Arc::new(r))).collect()
    };
    Ok(pairs
        .into_iter()
        .filter_map(|(parent, linked)| {
            pick(snapshot, linked).or_else(|| fetched.get(&linked)).map(|row| (parent, row.clone()))
        })
        .collect())
}

/// The thesaurus terms and the SDG targets of several recommendations, as wanted, as (recommendation, row) pairs in
/// the rows' id order: with a copy of the reference tables, only the links are read (one statement for both).
#[allow(clippy::type_complexity)]
fn links_of(
    c: &mut DbConnection,
    snapshot: Option<&Snapshot>,
    ids: &[i64],
    terms: bool,
    targets: bool,
) -> hrc_db::QueryResult<(Vec<(i64, Arc<hrc_db::models::ThesaurusTerm>)>, Vec<(i64, Arc<SdgTarget>)>)> {
    use hrc_db::models::ThesaurusTerm;
    let Some(snapshot) = snapshot else {
        let terms = if terms { shared(ThesaurusTerm::of_recommendations(c, ids)?) } else { Vec::new() };
        let targets = if targets { shared(Recommendation::sdg_target_links(c, ids)?) } else { Vec::new() };
        return Ok((terms, targets));
    };
    let links = Recommendation::link_ids(c, ids, terms, targets)?;
    Ok((
        resolve_links(c, snapshot, links.terms, Snapshot::term, ThesaurusTerm::by_ids, |t| t.id)?,
        resolve_links(c, snapshot, links.sdg_targets, Snapshot::sdg_target, SdgTarget::by_ids, |t| t.id)?,
    ))
}

fn grouped<K: Eq + std::hash::Hash + Clone, V>(
    rows: Vec<V>,
    key: impl Fn(&V) -> K,
    wanted: &[K],
) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = wanted.iter().cloned().map(|k| (k, Vec::new())).collect();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

impl Loader<CountriesOfGroup> for DbLoader {
    type Value = Vec<Country>;
    type Error = Arc<ApiError>;

    async fn load(&self, wanted: &[CountriesOfGroup]) -> Result<HashMap<CountriesOfGroup, Vec<Country>>, Self::Error> {
        batch::<CountriesOfGroup>(wanted.len());
        let ids = keys(wanted, |k| k.0);
        let rows = self.run(move |c| Country::by_group_ids(c, &ids)).await?;
        Ok(grouped(rows, |r| CountriesOfGroup(r.regional_group_id.unwrap_or_default()), wanted))
    }
}

impl Loader<ChildrenOf> for DbLoader {
    type Value = Vec<Mechanism>;
    type Error = Arc<ApiError>;

    async fn load(&self, wanted: &[ChildrenOf]) -> Result<HashMap<ChildrenOf, Vec<Mechanism>>, Self::Error> {
        batch::<ChildrenOf>(wanted.len());
        let ids = keys(wanted, |k| k.0);
        let rows = self.run(move |c| Mechanism::children_of(c, &ids)).await?;
        Ok(grouped(rows, |r| ChildrenOf(r.parent_id.unwrap_or_default()), wanted))
    }
}

/// Shared, not copied: the DataLoader clones a value twice on its way to a resolver, and a mandate may have many
/// visits of which a page shows a few.
impl Loader<VisitsOfMandate> for DbLoader {
    type Value = Arc<[Visit]>;
    type Error = Arc<ApiError>;

    async fn load(&self, wanted: &[VisitsOfMandate]) -> Result<HashMap<VisitsOfMandate, Arc<[Visit]>>, Self::Error> {
        batch::<VisitsOfMandate>(wanted.len());
        let ids = keys(wanted, |k| k.0);
        let rows = self.run(move |c| Visit::of_mandates(c, &ids)).await?;
        Ok(visits_by_mandate(rows, wanted))
    }
}

impl Loader<FirstVisitsOfMandate> for DbLoader {
    type Value = Arc<[Visit]>;
    type Error = Arc<ApiError>;

    async fn load(
        &self,
        wanted: &[FirstVisitsOfMandate],
    ) -> Result<HashMap<FirstVisitsOfMandate, Arc<[Visit]>>, Self::Error> {
        batch::<FirstVisitsOfMandate>(wanted.len());
        let ids = distinct(wanted.iter().map(|k| k.0));
        let most = wanted.iter().map(|k| k.1).max().unwrap_or(0);
        let rows = self.run(move |c| Visit::first_of_mandates(c, &ids, most)).await?;
        Ok(first_visits_by_mandate(rows, wanted))
    }
}

/// The latest visits of each wanted mandate, as many as each key asks for, in `visits_by_mandate`'s order.
fn first_visits_by_mandate(
    rows: Vec<Visit>,
    wanted: &[FirstVisitsOfMandate],
) -> HashMap<FirstVisitsOfMandate, Arc<[Visit]>> {
    let mandates: Vec<VisitsOfMandate> =
        distinct(wanted.iter().map(|k| k.0)).into_iter().map(VisitsOfMandate).collect();
    let all = visits_by_mandate(rows, &mandates);
    wanted
        .iter()
        .map(|key| {
            let list = all.get(&VisitsOfMandate(key.0)).map_or(&[][..], |l| &l[..]);
            (*key, list.iter().take(key.1).cloned().collect())
        })
        .collect()
}

/// Visits grouped by mandate, latest first, by start date or (not yet scheduled) request date; undated last.
/// Sorted here, not in SQL, because the backends order NULLs differently.
fn visits_by_mandate(rows: Vec<Visit>, wanted: &[VisitsOfMandate]) -> HashMap<VisitsOfMandate, Arc<[Visit]>> {
    grouped(rows, |r| VisitsOfMandate(r.mandate_id), wanted)
        .into_iter()
        .map(|(key, mut list)| {
            list.sort_by_key(|v| std::cmp::Reverse((v.starts_on.or(v.requested_on), v.id)));
            (key, list.into())
        })
        .collect()
}

impl Loader<RecommendationsOfReport> for DbLoader {
    type Value = Vec<Recommendation>;
    type Error = Arc<ApiError>;

    async fn load(
        &self,
        wanted: &[RecommendationsOfReport],
    ) -> Result<HashMap<RecommendationsOfReport, Vec<Recommendation>>, Self::Error> {
        batch::<RecommendationsOfReport>(wanted.len());
        let ids = keys(wanted, |k| k.0);
        let rows = self.run(move |c| Recommendation::of_reports(c, &ids)).await?;
        Ok(grouped(rows, |r| RecommendationsOfReport(r.report_id.unwrap_or_default()), wanted))
    }
}

/// Declares a loader key for the rows that belong to a parent id, and its loader: one statement for all parents,
/// rows kept in the order the query gives, parents without rows mapped to an empty list.
macro_rules! children_loader {
    ($(#[$meta:meta])* $key:ident => $row:ty, $fetch:path, $parent:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for DbLoader {
            type Value = Vec<$row>;
            type Error = Arc<ApiError>;

            async fn load(&self, wanted: &[$key]) -> Result<HashMap<$key, Vec<$row>>, Self::Error> {
                batch::<$key>(wanted.len());
                let ids = keys(wanted, |k| k.0);
                let rows = self.run(move |c| $fetch(c, &ids)).await?;
                Ok(grouped(rows, |r| $key(r.$parent), wanted))
            }
        }
    };
}

children_loader!(
    /// The holders of a mandate, earliest term first.
    HoldersOfMandate => hrc_db::models::MandateHolder, hrc_db::models::MandateHolder::of_mandates, mandate_id
);
children_loader!(
    /// The resolutions that renewed a mandate, oldest first.
    RenewalsOfMandate => hrc_db::models::MandateRenewal, hrc_db::models::MandateRenewal::of_mandates, mandate_id
);
children_loader!(
    /// The bodies that follow a country situation.
    BodiesOfSituation => hrc_db::models::SituationBody, hrc_db::models::SituationBody::of_situations, situation_id
);
children_loader!(
    /// The briefings and missions on a country situation, oldest first.
    EventsOfSituation => hrc_db::models::SituationEvent, hrc_db::models::SituationEvent::of_situations, situation_id
);
children_loader!(
    /// The situations the Council considers in a country.
    SituationsOfCountry => hrc_db::models::CountrySituation, hrc_db::models::CountrySituation::of_countries, country_id
);
children_loader!(
    /// A country's standing invitation (a list of at most one).
    InvitationOfCountry => hrc_db::models::StandingInvitation, hrc_db::models::StandingInvitation::of_countries, country_id
);

/// The mandates that sent a communication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MandatesOfCommunication(pub i64);

impl Loader<MandatesOfCommunication> for DbLoader {
    type Value = Vec<i64>;
    type Error = Arc<ApiError>;

    async fn load(
        &self,
        wanted: &[MandatesOfCommunication],
    ) -> Result<HashMap<MandatesOfCommunication, Vec<i64>>, Self::Error> {
        batch::<MandatesOfCommunication>(wanted.len());
        let ids = keys(wanted, |k| k.0);
        let rows = self.run(move |c| hrc_db::models::Communication::mandate_links(c, &ids)).await?;
        let mut map: HashMap<MandatesOfCommunication, Vec<i64>> = wanted.iter().map(|k| (*k, Vec::new())).collect();
        for (communication, mandate) in rows {
            map.entry(MandatesOfCommunication(communication)).or_default().push(mandate);
        }
        Ok(map)
    }
}

children_loader!(
    /// The national mechanisms of a country.
    NationalMechanismsOfCountry => hrc_db::models::NationalMechanism, hrc_db::models::NationalMechanism::of_countries, country_id
);
children_loader!(
    /// The participants of a national mechanism.
    ParticipantsOf => hrc_db::models::Participant, hrc_db::models::Participant::of_mechanisms, national_mechanism_id
);
children_loader!(
    /// The action plans of a national mechanism.
    ActionPlansOf => hrc_db::models::ActionPlan, hrc_db::models::ActionPlan::of_mechanisms, national_mechanism_id
);
children_loader!(
    /// The recommendation clusters of a national mechanism.
    ClustersOf => hrc_db::models::RecommendationCluster, hrc_db::models::RecommendationCluster::of_mechanisms, national_mechanism_id
);

/// Declares a loader of rows by id; after `in memory`, of reference rows served from the copy of the reference tables
/// where it holds them ([`DbLoader::reference_rows`]).
macro_rules! by_id_loader {
    ($(#[$meta:meta])* $key:ident => $row:ty, $fetch:path) => {
        by_id_loader!(@ $(#[$meta])* $key => $row, |this, ids| this.run(move |c| $fetch(c, &ids)).await?);
    };
    ($(#[$meta:meta])* $key:ident => $row:ty, $fetch:path, in memory $pick:path) => {
        by_id_loader!(@ $(#[$meta])* $key => Arc<$row>, |this, ids| this.reference_rows(ids, $pick, $fetch).await?);
    };
    (@ $(#[$meta:meta])* $key:ident => $row:ty, |$this:ident, $ids:ident| $rows:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for DbLoader {
            type Value = $row;
            type Error = Arc<ApiError>;

            async fn load(&self, wanted: &[$key]) -> Result<HashMap<$key, $row>, Self::Error> {
                batch::<$key>(wanted.len());
                let ($this, $ids) = (self, keys(wanted, |k| k.0));
                let rows = $rows;
                Ok(rows.into_iter().map(|r| ($key(r.id), r)).collect())
            }
        }
    };
}

children_loader!(
    /// The verification steps of an early-warning signal, oldest first.
    EventsOfSignal => hrc_db::models::early_warning::SignalEvent, hrc_db::models::early_warning::Signal::events_of, signal_id
);
children_loader!(
    /// What an early-warning signal relates to.
    LinksOfSignal => hrc_db::models::early_warning::SignalLink, hrc_db::models::early_warning::Signal::links_of, signal_id
);
children_loader!(
    /// The consents recorded for a reprisal case, oldest first.
    ConsentsOfCase => hrc_db::models::reprisal::Consent, hrc_db::models::reprisal::Case::consents_of, case_id
);
children_loader!(
    /// The follow-up actions on a reprisal case, oldest first.
    FollowUpsOfCase => hrc_db::models::reprisal::FollowUp, hrc_db::models::reprisal::Case::follow_ups_of, case_id
);
children_loader!(
    /// A roster expert's expertise (thesaurus term ids).
    ExpertiseOf => hrc_db::models::roster::ExpertTerm, hrc_db::models::roster::Expert::expertise_of, expert_id
);
children_loader!(
    /// A roster expert's working languages.
    LanguagesOf => hrc_db::models::roster::ExpertLanguage, hrc_db::models::roster::Expert::languages_of, expert_id
);
children_loader!(
    /// A roster expert's regions.
    RegionsOf => hrc_db::models::roster::ExpertRegion, hrc_db::models::roster::Expert::regions_of, expert_id
);
children_loader!(
    /// A roster expert's availability windows, earliest first.
    AvailabilityOf => hrc_db::models::roster::Availability, hrc_db::models::roster::Expert::availability_of, expert_id
);
children_loader!(
    /// A roster expert's deployments, earliest first.
    DeploymentsOf => hrc_db::models::roster::Deployment, hrc_db::models::roster::Expert::deployments_of, expert_id
);

children_loader!(
    /// The acts of a reprisal case.
    ActsOfCase => hrc_db::models::reprisal::CaseAct, hrc_db::models::reprisal::Case::acts_of, case_id
);
children_loader!(
    /// The Secretary-General's reports a reprisal case appears in, by year.
    CyclesOfCase => hrc_db::models::reprisal::CaseCycle, hrc_db::models::reprisal::Case::cycles_of, case_id
);

by_id_loader!(
    /// A national mechanism by id.
    NationalMechanismId => hrc_db::models::NationalMechanism, hrc_db::models::NationalMechanism::by_ids
);
by_id_loader!(
    /// A thesaurus term by id.
    ThesaurusTermId => hrc_db::models::ThesaurusTerm, hrc_db::models::ThesaurusTerm::by_ids, in memory Snapshot::term
);

/// Rows fetched as (parent id, row) pairs, grouped by parent in the order fetched; every wanted parent has a list.
fn linked<K: Copy + Eq + std::hash::Hash, R>(
    rows: Vec<(i64, R)>,
    wanted: &[K],
    key: fn(i64) -> K,
) -> HashMap<K, Vec<R>> {
    let mut map: HashMap<K, Vec<R>> = wanted.iter().map(|k| (*k, Vec::new())).collect();
    for (parent, row) in rows {
        map.entry(key(parent)).or_default().push(row);
    }
    map
}

/// Declares a loader of the rows linked to a parent through a link table, fetched as (parent id, row) pairs.
///
/// `$fetch` is called with the connection and the parents' ids, or, after `with reference`, with the copy of the
/// reference tables first.
macro_rules! linked_loader {
    ($(#[$meta:meta])* $key:ident => $row:ty, $fetch:path) => {
        linked_loader!(@ $(#[$meta])* $key => $row, |_reference, c, ids| $fetch(c, ids));
    };
    ($(#[$meta:meta])* $key:ident => $row:ty, with reference $fetch:path) => {
        linked_loader!(@ $(#[$meta])* $key => $row, |reference, c, ids| $fetch(&reference, c, ids));
    };
    (@ $(#[$meta:meta])* $key:ident => $row:ty, |$reference:ident, $c:ident, $ids:ident| $call:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for DbLoader {
            type Value = Vec<$row>;
            type Error = Arc<ApiError>;

            async fn load(&self, wanted: &[$key]) -> Result<HashMap<$key, Vec<$row>>, Self::Error> {
                batch::<$key>(wanted.len());
                let ids = keys(wanted, |k| k.0);
                let $reference = self.reference.clone();
                let rows = self.run(move |$c| {
                    let $ids = &ids[..];
                    $call
                }).await?;
                Ok(linked(rows, wanted, $key))
            }
        }
    };
}

linked_loader!(
    /// The recommendations of a national mechanism's cluster.
    RecommendationsOfCluster => hrc_db::models::Recommendation, hrc_db::models::Recommendation::of_clusters
);
linked_loader!(
    /// The recommendations a fund request targets.
    RecommendationsOfFundRequest => hrc_db::models::Recommendation, hrc_db::models::Recommendation::of_fund_requests
);
linked_loader!(
    /// The thesaurus terms of a knowledge-hub entry.
    TermsOfKnowledgeItem => hrc_db::models::ThesaurusTerm, hrc_db::models::KnowledgeItem::term_links
);

/// A country by its ISO 3166-1 alpha-3 code (upper case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountryByIso(pub String);

impl Loader<CountryByIso> for DbLoader {
    type Value = Arc<hrc_db::models::Country>;
    type Error = Arc<ApiError>;

    async fn load(
        &self,
        wanted: &[CountryByIso],
    ) -> Result<HashMap<CountryByIso, Arc<hrc_db::models::Country>>, Self::Error> {
        batch::<CountryByIso>(wanted.len());
        let codes: Vec<String> = wanted.iter().map(|k| k.0.clone()).collect();
        // From the copy in memory where it holds them; a code it lacks (a country added since, or none) is looked
        // up in the database, so that an unknown code is refused only on the database's word.
        let by_iso = |snapshot: &Snapshot, codes: Vec<String>| {
            let mut found = Vec::with_capacity(codes.len());
            let mut missing = Vec::new();
            for code in codes {
                match snapshot.country_by_iso(&code) {
                    Some(country) => found.push(country.clone()),
                    None => missing.push(code),
                }
            }
            (found, missing)
        };
        let rows = match self.reference.current() {
            Some(snapshot) => {
                let (mut found, missing) = by_iso(&snapshot, codes);
                if !missing.is_empty() {
                    let more = self.run(move |c| hrc_db::models::Country::by_iso3s(c, &missing)).await?;
                    found.extend(more.into_iter().map(Arc::new));
                }
                found
            }
            None => {
                let reference = self.reference.clone();
                self.run(move |c| match reference.get_or_load(c)? {
                    Some(snapshot) => {
                        let (mut found, missing) = by_iso(&snapshot, codes);
                        if !missing.is_empty() {
                            found.extend(hrc_db::models::Country::by_iso3s(c, &missing)?.into_iter().map(Arc::new));
                        }
                        Ok(found)
                    }
                    None => Ok(hrc_db::models::Country::by_iso3s(c, &codes)?.into_iter().map(Arc::new).collect()),
                })
                .await?
            }
        };
        Ok(rows.into_iter().map(|r| (CountryByIso(r.iso3.clone()), r)).collect())
    }
}
linked_loader!(
    /// The SDG targets of a recommendation.
    TargetsOfRecommendation => Arc<SdgTarget>, with reference sdg_targets_of
);
linked_loader!(
    /// The thesaurus terms (themes and affected persons) of a recommendation.
    TermsOfRecommendation => Arc<hrc_db::models::ThesaurusTerm>, with reference terms_of
);

/// The SDG targets of several recommendations, as links to the copy of the reference tables where there is one.
fn sdg_targets_of(
    reference: &Reference,
    c: &mut DbConnection,
    ids: &[i64],
) -> hrc_db::QueryResult<Vec<(i64, Arc<SdgTarget>)>> {
    let snapshot = reference.get_or_load(c)?;
    Ok(links_of(c, snapshot.as_deref(), ids, false, true)?.1)
}

/// The thesaurus terms of several recommendations, as links to the copy of the reference tables where there is one.
fn terms_of(
    reference: &Reference,
    c: &mut DbConnection,
    ids: &[i64],
) -> hrc_db::QueryResult<Vec<(i64, Arc<hrc_db::models::ThesaurusTerm>)>> {
    let snapshot = reference.get_or_load(c)?;
    Ok(links_of(c, snapshot.as_deref(), ids, true, false)?.0)
}

by_id_loader!(
    /// A country by row id.
    CountryId => Country, Country::by_ids, in memory Snapshot::country
);
by_id_loader!(
    /// A regional group by row id.
    RegionalGroupId => RegionalGroup, RegionalGroup::by_ids
);
by_id_loader!(
    /// A session by row id.
    SessionId => Session, Session::by_ids
);
by_id_loader!(
    /// A resolution by row id.
    ResolutionId => Resolution, Resolution::by_ids
);
by_id_loader!(
    /// A mechanism by row id.
    MechanismId => Mechanism, Mechanism::by_ids, in memory Snapshot::mechanism
);
by_id_loader!(
    /// A recommendation by row id.
    RecommendationId => Recommendation, Recommendation::by_ids
);
by_id_loader!(
    /// A special-procedure communication by row id.
    CommunicationId => hrc_db::models::Communication, hrc_db::models::Communication::by_ids
);
by_id_loader!(
    /// A mandate by row id.
    MandateId => Mandate, Mandate::by_ids
);
by_id_loader!(
    /// A report by row id.
    ReportId => Report, Report::by_ids
);
children_loader!(
    /// The recorded votes on a resolution.
    VotesOf => ResolutionVote, ResolutionVote::by_resolution_ids, resolution_id
);
children_loader!(
    /// The sponsors of a resolution.
    SponsorsOf => ResolutionSponsor, ResolutionSponsor::by_resolution_ids, resolution_id
);
children_loader!(
    /// The targets of an SDG.
    TargetsOfGoal => SdgTarget, SdgTarget::by_goal_ids, goal_id
);
children_loader!(
    /// The mandates of a mechanism.
    MandatesOf => Mandate, Mandate::of_mechanisms, mechanism_id
);
children_loader!(
    /// The implementation history of a recommendation, oldest first.
    ImplementationOf => ImplementationReport, ImplementationReport::of_recommendations, recommendation_id
);

/// The ids, each once, in ascending order.
fn distinct(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

mod prefetch;
pub use prefetch::{MandateRelations, Prefetched, RecommendationRelations};
