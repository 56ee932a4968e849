//! Limits on a document's shape beyond depth and complexity: its length, and how many aliases it uses (aliases
//! multiply the work of one field without deepening or widening the query much).

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Variables};

use crate::error::code;

/// The extension: refuses, before anything runs, a document longer than `max_bytes` or with more than
/// `max_aliases` aliased fields, with `QUERY_TOO_COMPLEX` naming the limit.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    pub max_bytes: usize,
    pub max_aliases: usize,
}

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

fn too_complex(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    error.extensions.get_or_insert_with(Default::default).set("code", code::QUERY_TOO_COMPLEX);
    error
}

/// Aliased fields in a selection set, fragments' included where they are spread inline.
fn aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + aliases(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => aliases(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Aliases in the whole document: its operations and its named fragments.
pub fn count_aliases(document: &ExecutableDocument) -> usize {
    let operations: usize = document.operations.iter().map(|(_, op)| aliases(&op.node.selection_set.node)).sum();
    let fragments: usize = document.fragments.values().map(|f| aliases(&f.node.selection_set.node)).sum();
    operations + fragments
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if query.len() > self.max_bytes {
            return Err(too_complex(format!(
                "the document is {} bytes long; the limit is {} (use variables, or persisted queries, for long input)",
                query.len(),
                self.max_bytes
            )));
        }
        let document = next.run(ctx, query, variables).await?;
        let count = count_aliases(&document);
        if count > self.max_aliases {
            return Err(too_complex(format!("the document uses {count} aliases; the limit is {}", self.max_aliases)));
        }
        Ok(document)
    }
}

/// For the anonymous public in production: refuses, with `UNAUTHENTICATED`, a document that asks for `__schema` or
/// `__type`, instead of answering null; signed-in callers are served by a schema without this extension.
#[derive(Debug, Clone, Copy)]
pub struct NoAnonymousIntrospection;

impl ExtensionFactory for NoAnonymousIntrospection {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

fn introspects(set: &SelectionSet) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => matches!(field.node.name.node.as_str(), "__schema" | "__type"),
        Selection::InlineFragment(fragment) => introspects(&fragment.node.selection_set.node),
        Selection::FragmentSpread(_) => false,
    })
}

#[async_graphql::async_trait::async_trait]
impl Extension for NoAnonymousIntrospection {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        // Root fields of operations, and of fragments (a fragment on Query may be spread at the root).
        let asks = document.operations.iter().any(|(_, op)| introspects(&op.node.selection_set.node))
            || document.fragments.values().any(|f| introspects(&f.node.selection_set.node));
        if asks {
            let mut error = ServerError::new("introspection is open to signed-in callers only", None);
            error.extensions.get_or_insert_with(Default::default).set("code", code::UNAUTHENTICATED);
            return Err(error);
        }
        Ok(document)
    }
}
