//! The request's database and loaders, for resolvers: a query run off the async workers.

use async_graphql::Context;
use hrc_db::Database;

use crate::loaders::Loaders;
use crate::support::error::ApiError;

/// The request's loaders.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, ApiError> {
    crate::RequestData::of(ctx).map(|d| d.loaders.get(&d.db)).ok_or_else(|| {
        tracing::error!("request has no loaders");
        ApiError::Internal
    })
}

/// The database, for root queries.
pub(crate) fn database<'a>(ctx: &Context<'a>) -> Result<&'a Database, ApiError> {
    crate::RequestData::of(ctx).map(|d| &d.db).or_else(|| ctx.data_opt::<Database>()).ok_or_else(|| {
        tracing::error!("schema has no database");
        ApiError::Internal
    })
}

/// Runs a query on the database off the async workers.
pub(crate) async fn query<T: Send + 'static>(
    ctx: &Context<'_>,
    work: impl FnOnce(&mut hrc_db::DbConnection) -> hrc_db::QueryResult<T> + Send + 'static,
) -> Result<T, ApiError> {
    let db = database(ctx)?;
    Ok(db.run(move |conn| work(conn).map_err(hrc_db::DbError::from)).await?)
}
