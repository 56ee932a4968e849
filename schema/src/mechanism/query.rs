//! The root queries of mechanisms and mandates.

use async_graphql::{Context, Object};
use hrc_db::models::{self, MandateFilter, MechanismFilter};

use crate::loaders::MandateRelations;
use crate::lookup::iso_code;
use crate::mechanism::{Mandate, MandateScope, MandateStatus, Mechanism, MechanismKind};
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::pagination::page_nodes;
use crate::support::pagination::{connection, ListConnection, PageArgs, TotalCount};
use crate::support::scalars::DateTime;

/// Entry points to the mechanisms and the special procedures' mandates.
#[derive(Default)]
pub struct MechanismQuery;

/// Entry points to the mechanisms and the special procedures' mandates.
#[Object]
impl MechanismQuery {
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
}
