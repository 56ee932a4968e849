//! The thesaurus of themes and affected persons that recommendations are indexed by.

use async_graphql::{Context, Enum, Object, ID};
use hrc_db::models;

use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::support::lang::{pick, Lang};
use crate::support::pagination::{connection, ListConnection, PageArgs, TotalCount};
use crate::support::scalars::DateTime;

/// The facets of the thesaurus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "hrc_db::models::TermFacet")]
pub enum TermFacet {
    /// A human rights theme, such as prevention or the right to education.
    Theme,
    /// A group of persons a recommendation concerns, such as children or human rights defenders.
    AffectedPersons,
}

/// A term of the thesaurus: a theme or a group of affected persons.
pub struct ThesaurusTerm(pub std::sync::Arc<models::ThesaurusTerm>);

impl From<models::ThesaurusTerm> for ThesaurusTerm {
    fn from(row: models::ThesaurusTerm) -> Self {
        ThesaurusTerm(std::sync::Arc::new(row))
    }
}

/// A term of the thesaurus: a theme or a group of affected persons.
#[Object]
impl ThesaurusTerm {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode("ThesaurusTerm", &self.0.key)
    }

    /// Stable key, as the `theme` and `affectedPersons` filters take it (such as `prevention` or `children`).
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Theme or affected persons.
    async fn facet(&self) -> TermFacet {
        self.0.facet().into()
    }

    /// The term's name in the requested language, falling back to English.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language wanted; default: the request's Accept-Language, else English.")] lang: Option<Lang>,
    ) -> &str {
        pick(Lang::resolve(ctx, lang), &self.0.name_en, &self.0.name_zh)
    }

    /// What the term covers (English).
    async fn description(&self) -> Option<&str> {
        self.0.description_en.as_deref()
    }

    /// Where the term comes from.
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

/// Entry points to the thesaurus.
#[derive(Default)]
pub struct ThesaurusQuery;

/// Entry points to the thesaurus.
#[Object]
impl ThesaurusQuery {
    /// The thesaurus of themes and affected persons, as a cursor connection in a stable order.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::support::pagination::page_cost(first, last, child_complexity)")]
    async fn thesaurus_terms(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, most 100).")] first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many from the end (most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; default: by id, ascending (creation order).")] order_by: Option<
            crate::support::pagination::ListOrder,
        >,
        #[graphql(desc = "Only terms of this facet.")] facet: Option<TermFacet>,
        #[graphql(desc = "Only records created or changed at or after this instant, for incremental sync.")]
        updated_since: Option<DateTime>,
    ) -> Result<ListConnection<ThesaurusTerm>, ApiError> {
        let page = PageArgs { first, after, last, before, order_by }.parse()?;
        let filter = models::TermFilter { facet: facet.map(Into::into), updated_since: updated_since.map(|t| t.0) };
        let (filter, rows) =
            query(ctx, move |c| Ok((filter.clone(), models::ThesaurusTerm::page(c, &filter, &page)?))).await?;
        let count = TotalCount::new(move |c| models::ThesaurusTerm::count(c, &filter));
        Ok(connection(&page, rows, |r| (r.id, r.updated_at), ThesaurusTerm::from, count))
    }

    /// A thesaurus term by its key, such as `prevention`; null if there is none.
    async fn thesaurus_term(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The term's key.")] key: String,
    ) -> Result<Option<ThesaurusTerm>, ApiError> {
        Ok(query(ctx, move |c| models::ThesaurusTerm::by_key(c, &key)).await?.map(ThesaurusTerm::from))
    }
}
