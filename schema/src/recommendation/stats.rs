//! Aggregates for dashboards, computed in the database with the same filters as the lists.

use async_graphql::{Context, Enum, Object};
use hrc_db::models::{self, Dimension};

use crate::support::lang::{pick_opt, Lang};

/// A dimension recommendations can be counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::Dimension")]
pub enum RecommendationDimension {
    /// The State's response (UPR).
    Response,
    /// The current implementation status (that of the latest report).
    ImplementationStatus,
    /// The regional group of the State addressed.
    RegionalGroup,
    /// The State addressed (ISO code).
    Country,
    /// The mechanism that made it (key).
    Mechanism,
    /// The UPR cycle.
    UprCycle,
    /// Where it comes from (UPR, special procedure, treaty body…).
    SourceKind,
    /// Its themes (thesaurus key): a recommendation with several counts once under each.
    Theme,
    /// The groups of affected persons it names (thesaurus key): counted once under each.
    AffectedPersons,
    /// The SDGs its targets belong to (goal number): counted once under each goal.
    SdgGoal,
}

/// One dimension's value in a bucket.
#[derive(Clone)]
pub struct DimensionValue {
    pub dimension: RecommendationDimension,
    pub key: Option<String>,
    pub label_en: Option<String>,
    pub label_zh: Option<String>,
}

/// One dimension's value in a bucket.
#[Object]
impl DimensionValue {
    /// The dimension.
    async fn dimension(&self) -> RecommendationDimension {
        self.dimension
    }

    /// The value: an enum name, an ISO code, a mechanism or thesaurus key, a cycle or goal number; null for those with
    /// none (no response yet, no implementation report, no State addressed, no theme…).
    async fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// A readable name for the value, in the requested language where we hold one (groups, countries, mechanisms);
    /// otherwise the key.
    async fn label(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> Option<&str> {
        pick_opt(Lang::resolve(ctx, lang), self.label_en.as_deref(), self.label_zh.as_deref()).or(self.key.as_deref())
    }
}

/// How many recommendations share one combination of dimension values.
#[derive(Clone)]
pub struct RecommendationCount {
    pub values: Vec<DimensionValue>,
    pub count: i64,
}

/// How many recommendations share one combination of dimension values.
#[Object]
impl RecommendationCount {
    /// The values, one per dimension asked for, in the order asked.
    async fn values(&self) -> &[DimensionValue] {
        &self.values
    }

    /// How many recommendations have them.
    async fn count(&self) -> i64 {
        self.count
    }
}

/// Labels for the keys of the dimensions that name records.
pub struct Labels {
    groups: Vec<models::RegionalGroup>,
    countries: Vec<models::Country>,
    mechanisms: Vec<models::Mechanism>,
    terms: Vec<models::ThesaurusTerm>,
    goals: Vec<models::SdgGoal>,
}

impl Labels {
    /// Loads only what the dimensions need.
    pub fn load(conn: &mut hrc_db::DbConnection, dimensions: &[Dimension]) -> hrc_db::QueryResult<Labels> {
        Ok(Labels {
            groups: if dimensions.contains(&Dimension::RegionalGroup) {
                models::RegionalGroup::all(conn)?
            } else {
                vec![]
            },
            countries: if dimensions.contains(&Dimension::Country) {
                models::Country::list(conn, &Default::default())?
            } else {
                vec![]
            },
            mechanisms: if dimensions.contains(&Dimension::Mechanism) {
                models::Mechanism::page(
                    conn,
                    &Default::default(),
                    &models::PageRequest { limit: 10_000, ..Default::default() },
                )?
                .rows
            } else {
                vec![]
            },
            terms: if dimensions.iter().any(|d| matches!(d, Dimension::Theme | Dimension::AffectedPersons)) {
                models::ThesaurusTerm::all(conn)?
            } else {
                vec![]
            },
            goals: if dimensions.contains(&Dimension::SdgGoal) { models::SdgGoal::all(conn)? } else { vec![] },
        })
    }

    /// The English and Chinese labels of a key in a dimension.
    pub fn of(&self, dimension: Dimension, key: &str) -> (Option<String>, Option<String>) {
        match dimension {
            Dimension::RegionalGroup => self
                .groups
                .iter()
                .find(|g| g.code == key)
                .map(|g| (Some(g.name_en.clone()), Some(g.name_zh.clone())))
                .unwrap_or_default(),
            Dimension::Country => self
                .countries
                .iter()
                .find(|c| c.iso3 == key)
                .map(|c| (Some(c.name_en.clone()), Some(c.name_zh.clone())))
                .unwrap_or_default(),
            Dimension::Mechanism => self
                .mechanisms
                .iter()
                .find(|m| m.key == key)
                .map(|m| (Some(m.name_en.clone()), m.name_zh.clone()))
                .unwrap_or_default(),
            Dimension::Theme | Dimension::AffectedPersons => self
                .terms
                .iter()
                .find(|t| t.key == key)
                .map(|t| (Some(t.name_en.clone()), Some(t.name_zh.clone())))
                .unwrap_or_default(),
            Dimension::SdgGoal => self
                .goals
                .iter()
                .find(|g| g.number.to_string() == key)
                .map(|g| (Some(g.name_en.clone()), Some(g.name_zh.clone())))
                .unwrap_or_default(),
            _ => (None, None),
        }
    }
}
