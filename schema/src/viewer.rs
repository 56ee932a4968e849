//! The caller, as its token says.

use async_graphql::{Context, Object};

use crate::support::auth::{self, Role};

/// The authenticated caller.
pub struct Viewer(pub auth::Viewer);

/// The authenticated caller.
#[Object]
impl Viewer {
    /// The token's subject.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The roles the token grants that this API knows (unknown role names grant nothing and are not listed).
    async fn roles(&self) -> Vec<Role> {
        self.0.roles.iter().copied().collect()
    }

    /// ISO 3166-1 alpha-3 code of the State the caller acts for, for State-scoped roles.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
}

/// The caller.
#[derive(Default)]
pub struct ViewerQuery;

/// The caller.
#[Object]
impl ViewerQuery {
    /// The caller, as its bearer token says; null for an anonymous caller.
    async fn viewer(&self, ctx: &Context<'_>) -> Option<Viewer> {
        crate::viewer(ctx).cloned().map(Viewer)
    }
}
