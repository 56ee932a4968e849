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

use crate::error::ApiError;

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

/// Makes the loaders for one request.
pub fn for_request(db: &Database) -> Loaders {
    let spawn = |batch: futures_util::future::BoxFuture<'static, ()>| {
        tokio::spawn(async move {
            for _ in 0..BATCH_YIELDS {
                tokio::task::yield_now().await;
            }
            batch.await
        })
    };
    DataLoader::with_cache(DbLoader { db: db.clone() }, spawn, HashMapCache::default())
        .delay(Duration::ZERO)
        .max_batch_size(1000)
}

/// Loads related rows from the database in batches.
pub struct DbLoader {
    db: Database,
}

impl DbLoader {
    async fn run<T: Send + 'static>(
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

fn keys<K: Copy>(keys: &[K], id: impl Fn(K) -> i64) -> Vec<i64> {
    keys.iter().copied().map(id).collect()
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
        let ids = keys(wanted, |k| k.0);
        let rows = self.run(move |c| Country::by_group_ids(c, &ids)).await?;
        Ok(grouped(rows, |r| CountriesOfGroup(r.regional_group_id.unwrap_or_default()), wanted))
    }
}

impl Loader<ChildrenOf> for DbLoader {
    type Value = Vec<Mechanism>;
    type Error = Arc<ApiError>;

    async fn load(&self, wanted: &[ChildrenOf]) -> Result<HashMap<ChildrenOf, Vec<Mechanism>>, Self::Error> {
        let ids = keys(wanted, |k| k.0);
        let rows = self.run(move |c| Mechanism::children_of(c, &ids)).await?;
        Ok(grouped(rows, |r| ChildrenOf(r.parent_id.unwrap_or_default()), wanted))
    }
}

impl Loader<VisitsOfMandate> for DbLoader {
    type Value = Vec<Visit>;
    type Error = Arc<ApiError>;

    async fn load(&self, wanted: &[VisitsOfMandate]) -> Result<HashMap<VisitsOfMandate, Vec<Visit>>, Self::Error> {
        let ids = keys(wanted, |k| k.0);
        let rows = self.run(move |c| Visit::of_mandates(c, &ids)).await?;
        let mut map = grouped(rows, |r| VisitsOfMandate(r.mandate_id), wanted);
        // Latest first, by start date or (not yet scheduled) request date; undated last. Sorted here, not in SQL,
        // because the backends order NULLs differently.
        for list in map.values_mut() {
            list.sort_by_key(|v| std::cmp::Reverse((v.starts_on.or(v.requested_on), v.id)));
        }
        Ok(map)
    }
}

impl Loader<RecommendationsOfReport> for DbLoader {
    type Value = Vec<Recommendation>;
    type Error = Arc<ApiError>;

    async fn load(
        &self,
        wanted: &[RecommendationsOfReport],
    ) -> Result<HashMap<RecommendationsOfReport, Vec<Recommendation>>, Self::Error> {
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

/// Declares a loader of rows by id.
macro_rules! by_id_loader {
    ($(#[$meta:meta])* $key:ident => $row:ty, $fetch:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for DbLoader {
            type Value = $row;
            type Error = Arc<ApiError>;

            async fn load(&self, wanted: &[$key]) -> Result<HashMap<$key, $row>, Self::Error> {
                let ids = keys(wanted, |k| k.0);
                let rows = self.run(move |c| $fetch(c, &ids)).await?;
                Ok(rows.into_iter().map(|r| ($key(r.id), r)).collect())
            }
        }
    };
}

by_id_loader!(
    /// A national mechanism by id.
    NationalMechanismId => hrc_db::models::NationalMechanism, hrc_db::models::NationalMechanism::by_ids
);
by_id_loader!(
    /// A thesaurus term by id.
    ThesaurusTermId => hrc_db::models::ThesaurusTerm, hrc_db::models::ThesaurusTerm::by_ids
);

/// Declares a loader of the rows linked to a parent through a link table, fetched as (parent id, row) pairs.
macro_rules! linked_loader {
    ($(#[$meta:meta])* $key:ident => $row:ty, $fetch:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for DbLoader {
            type Value = Vec<$row>;
            type Error = Arc<ApiError>;

            async fn load(&self, wanted: &[$key]) -> Result<HashMap<$key, Vec<$row>>, Self::Error> {
                let ids = keys(wanted, |k| k.0);
                let rows = self.run(move |c| $fetch(c, &ids)).await?;
                let mut map: HashMap<$key, Vec<$row>> = wanted.iter().map(|k| (*k, Vec::new())).collect();
                for (parent, row) in rows {
                    map.entry($key(parent)).or_default().push(row);
                }
                Ok(map)
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
    type Value = hrc_db::models::Country;
    type Error = Arc<ApiError>;

    async fn load(
        &self,
        wanted: &[CountryByIso],
    ) -> Result<HashMap<CountryByIso, hrc_db::models::Country>, Self::Error> {
        let codes: Vec<String> = wanted.iter().map(|k| k.0.clone()).collect();
        let rows = self.run(move |c| hrc_db::models::Country::by_iso3s(c, &codes)).await?;
        Ok(rows.into_iter().map(|r| (CountryByIso(r.iso3.clone()), r)).collect())
    }
}
linked_loader!(
    /// The SDG targets of a recommendation.
    TargetsOfRecommendation => SdgTarget, Recommendation::sdg_target_links
);
linked_loader!(
    /// The thesaurus terms (themes and affected persons) of a recommendation.
    TermsOfRecommendation => hrc_db::models::ThesaurusTerm, hrc_db::models::ThesaurusTerm::of_recommendations
);

by_id_loader!(
    /// A country by row id.
    CountryId => Country, Country::by_ids
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
    MechanismId => Mechanism, Mechanism::by_ids
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
