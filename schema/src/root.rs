//! The roots of both schemas: each only merges the areas' own roots, in the order their fields are listed.

use async_graphql::MergedObject;

/// Entry points of the graph.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    crate::node::NodeQuery,
    crate::viewer::ViewerQuery,
    crate::reference::query::ReferenceQuery,
    crate::resolution::query::ResolutionQuery,
    crate::mechanism::query::MechanismQuery,
    crate::recommendation::query::RecommendationQuery,
    crate::visit::query::VisitQuery,
    crate::thesaurus::ThesaurusQuery,
    crate::communication::CommunicationQuery,
    crate::situation::SituationQuery,
    crate::national::NationalQuery,
    crate::complaint::query::ComplaintPublicQuery,
    crate::fund::query::FundQuery,
    crate::early_warning::query::EarlyWarningQuery,
    crate::reprisal::query::ReprisalQuery,
    crate::roster::query::RosterQuery,
    crate::support::ratelimit::RateLimitQuery,
);

/// The entry points of the complaint schema: the public ones, and the confidential complaint procedure's. (Merged
/// from the same parts rather than from [`QueryRoot`], which would register a second type named `Query`.)
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct ComplaintQueryRoot(
    crate::node::NodeQuery,
    crate::viewer::ViewerQuery,
    crate::reference::query::ReferenceQuery,
    crate::resolution::query::ResolutionQuery,
    crate::mechanism::query::MechanismQuery,
    crate::recommendation::query::RecommendationQuery,
    crate::visit::query::VisitQuery,
    crate::thesaurus::ThesaurusQuery,
    crate::communication::CommunicationQuery,
    crate::situation::SituationQuery,
    crate::national::NationalQuery,
    crate::complaint::query::ComplaintPublicQuery,
    crate::fund::query::FundQuery,
    crate::early_warning::query::EarlyWarningQuery,
    crate::reprisal::query::ReprisalQuery,
    crate::roster::query::RosterQuery,
    crate::support::ratelimit::RateLimitQuery,
    crate::complaint::query::ComplaintQuery,
);

/// Entry points for writing.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    crate::recommendation::mutation::RecommendationMutation,
    crate::mechanism::mutation::MechanismMutation,
    crate::visit::mutation::VisitMutation,
    crate::fund::mutation::FundMutation,
    crate::early_warning::mutation::EarlyWarningMutation,
    crate::reprisal::mutation::ReprisalMutation,
    crate::roster::mutation::RosterMutation,
);

/// The writes of the complaint schema: the public ones, and the confidential complaint procedure's.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct ComplaintMutationRoot(
    crate::recommendation::mutation::RecommendationMutation,
    crate::mechanism::mutation::MechanismMutation,
    crate::visit::mutation::VisitMutation,
    crate::fund::mutation::FundMutation,
    crate::early_warning::mutation::EarlyWarningMutation,
    crate::reprisal::mutation::ReprisalMutation,
    crate::roster::mutation::RosterMutation,
    crate::complaint::mutation::ComplaintMutation,
);

/// Live events, over WebSocket (`graphql-transport-ws`).
#[derive(async_graphql::MergedSubscription, Default)]
#[graphql(name = "Subscription")]
pub struct SubscriptionRoot(
    crate::fund::subscription::FundSubscription,
    crate::early_warning::subscription::EarlyWarningSubscription,
);
