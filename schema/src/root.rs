//! The roots of both schemas: each only merges the areas' own roots, in the order their fields are listed.

use async_graphql::MergedObject;

/// The public entry points, merged once for both roots (a part under a name of its own, which the schema does not
/// register as a type).
#[derive(MergedObject, Default)]
#[graphql(name = "PublicQueryParts")]
pub struct PublicQueries(
    crate::node::NodeQuery,
    crate::viewer::ViewerQuery,
    crate::reference::query::ReferenceQuery,
    crate::resolution::query::ResolutionQuery,
    crate::resolution::members::MembershipQuery,
    crate::resolution::voting::VotingQuery,
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

/// Entry points of the graph.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(PublicQueries);

/// The entry points of the complaint schema: the public ones, and the confidential complaint procedure's.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct ComplaintQueryRoot(PublicQueries, crate::complaint::query::ComplaintQuery);

/// The public writes, merged once for both roots.
#[derive(MergedObject, Default)]
#[graphql(name = "PublicMutationParts")]
pub struct PublicMutations(
    crate::recommendation::mutation::RecommendationMutation,
    crate::mechanism::mutation::MechanismMutation,
    crate::visit::mutation::VisitMutation,
    crate::fund::mutation::FundMutation,
    crate::early_warning::mutation::EarlyWarningMutation,
    crate::reprisal::mutation::ReprisalMutation,
    crate::roster::mutation::RosterMutation,
);

/// Entry points for writing.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(PublicMutations);

/// The writes of the complaint schema: the public ones, and the confidential complaint procedure's.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct ComplaintMutationRoot(PublicMutations, crate::complaint::mutation::ComplaintMutation);

/// Live events, over WebSocket (`graphql-transport-ws`).
#[derive(async_graphql::MergedSubscription, Default)]
#[graphql(name = "Subscription")]
pub struct SubscriptionRoot(
    crate::fund::subscription::FundSubscription,
    crate::early_warning::subscription::EarlyWarningSubscription,
);
