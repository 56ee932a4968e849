//! Limits on a document's shape beyond complexity: its length, how many aliases it uses (aliases multiply the work
//! of one field without deepening or widening the query much), and how deep its data selections go.
//!
//! Depth is counted on data: the selections under `__schema` and `__type` are not, since the standard introspection
//! query that GraphiQL and every client tool send is 15 deep. Introspection has its own, fixed ceiling
//! ([`INTROSPECTION_DEPTH`], async-graphql's own depth limit), so it cannot be nested without bound either.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult};

use crate::support::error::code;

/// The deepest any document may go, introspection included: the standard introspection query is 15 deep.
pub const INTROSPECTION_DEPTH: usize = 16;

/// Refuses, before anything runs, a document longer than `max_bytes`, with more than `max_aliases` aliased fields,
/// or whose data selections nest deeper than `max_depth`, with `QUERY_TOO_COMPLEX` naming the limit.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    pub max_bytes: usize,
    pub max_aliases: usize,
    pub max_depth: usize,
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

/// How deep a selection set's data goes (a field is one level; introspection's subtrees count nothing). Named
/// fragments are measured once each (`known`), and a fragment that spreads itself counts nothing more (validation
/// refuses it after this), so a document of fragments spreading fragments costs linear time.
fn data_depth<'a>(
    set: &'a SelectionSet,
    document: &'a ExecutableDocument,
    known: &mut HashMap<&'a str, usize>,
    visiting: &mut Vec<&'a str>,
) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => match field.node.name.node.as_str() {
                "__schema" | "__type" => 0,
                _ => 1 + data_depth(&field.node.selection_set.node, document, known, visiting),
            },
            Selection::InlineFragment(fragment) => {
                data_depth(&fragment.node.selection_set.node, document, known, visiting)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if let Some(depth) = known.get(name) {
                    return *depth;
                }
                if visiting.contains(&name) {
                    return 0;
                }
                let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) else { return 0 };
                visiting.push(name);
                let depth = data_depth(&fragment.node.selection_set.node, document, known, visiting);
                visiting.pop();
                known.insert(name, depth);
                depth
            }
        })
        .max()
        .unwrap_or(0)
}

/// The depth of the document's deepest operation, introspection not counted.
pub fn depth(document: &ExecutableDocument) -> usize {
    let mut known = HashMap::new();
    document
        .operations
        .iter()
        .map(|(_, op)| data_depth(&op.node.selection_set.node, document, &mut known, &mut Vec::new()))
        .max()
        .unwrap_or(0)
}

/// Aliases in the whole document: its operations and its named fragments.
pub fn count_aliases(document: &ExecutableDocument) -> usize {
    let operations: usize = document.operations.iter().map(|(_, op)| aliases(&op.node.selection_set.node)).sum();
    let fragments: usize = document.fragments.values().map(|f| aliases(&f.node.selection_set.node)).sum();
    operations + fragments
}

impl DocumentLimits {
    /// The length check, before the document is parsed.
    pub fn check_length(&self, query: &str) -> ServerResult<()> {
        if query.len() > self.max_bytes {
            return Err(too_complex(format!(
                "the document is {} bytes long; the limit is {} (use variables, or persisted queries, for long input)",
                query.len(),
                self.max_bytes
            )));
        }
        Ok(())
    }

    /// The alias and depth checks, on the parsed document.
    pub fn check_shape(&self, document: &ExecutableDocument) -> ServerResult<()> {
        let count = count_aliases(document);
        if count > self.max_aliases {
            return Err(too_complex(format!("the document uses {count} aliases; the limit is {}", self.max_aliases)));
        }
        let depth = depth(document);
        if depth > self.max_depth {
            return Err(too_complex(format!("the query is nested {depth} deep; the limit is {}", self.max_depth)));
        }
        Ok(())
    }
}

fn introspects(set: &SelectionSet) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => matches!(field.node.name.node.as_str(), "__schema" | "__type"),
        Selection::InlineFragment(fragment) => introspects(&fragment.node.selection_set.node),
        Selection::FragmentSpread(_) => false,
    })
}

/// For the anonymous public in production: refuses, with `UNAUTHENTICATED`, a document that asks for `__schema` or
/// `__type`, instead of answering null; signed-in callers are served by a schema without this check.
pub fn refuse_introspection(document: &ExecutableDocument) -> ServerResult<()> {
    // Root fields of operations, and of fragments (a fragment on Query may be spread at the root).
    let asks = document.operations.iter().any(|(_, op)| introspects(&op.node.selection_set.node))
        || document.fragments.values().any(|f| introspects(&f.node.selection_set.node));
    if asks {
        let mut error = ServerError::new("introspection is open to signed-in callers only", None);
        error.extensions.get_or_insert_with(Default::default).set("code", code::UNAUTHENTICATED);
        return Err(error);
    }
    Ok(())
}
