//! The Relay `Node` interface: any object by its global ID.

use async_graphql::Object;
use async_graphql::{Context, Interface, ID};
use hrc_db::models::{self, SessionBody};

use crate::communication::Communication;
use crate::mechanism::MandateHolder;
use crate::mechanism::{Mandate, Mechanism};
use crate::national::{KnowledgeItem, NationalMechanism};
use crate::recommendation::Recommendation;
use crate::reference::{Country, RegionalGroup, SdgGoal, SdgTarget, Session};
use crate::resolution::{Report, Resolution};
use crate::situation::CountrySituation;
use crate::support::database::query;
use crate::support::error::ApiError;
use crate::support::ids;
use crate::thesaurus::ThesaurusTerm;
use crate::visit::Visit;

/// Most IDs `nodes` takes at once.
pub const MAX_NODES: usize = 100;

/// An object with a global ID, which `node(id:)` fetches.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global ID: opaque, stable across databases and releases."))]
pub enum Node {
    RegionalGroup(RegionalGroup),
    Country(Country),
    Session(Session),
    SdgGoal(SdgGoal),
    SdgTarget(SdgTarget),
    Resolution(Resolution),
    Report(Report),
    Mechanism(Mechanism),
    Mandate(Mandate),
    Recommendation(Recommendation),
    Visit(Visit),
    ThesaurusTerm(ThesaurusTerm),
    MandateHolder(MandateHolder),
    Communication(Communication),
    CountrySituation(CountrySituation),
    NationalMechanism(NationalMechanism),
    KnowledgeItem(KnowledgeItem),
    EarlyWarningSignal(crate::early_warning::EarlyWarningSignal),
    HorizonBriefing(crate::early_warning::HorizonBriefing),
    ReprisalCase(crate::reprisal::ReprisalCase),
    PublishedReprisalCase(crate::reprisal::PublishedReprisalCase),
    RosterExpert(crate::roster::RosterExpert),
}

/// Fetches the object an ID names; `None` if it no longer exists. `field` names the argument for errors.
pub async fn fetch(ctx: &Context<'_>, field: &'static str, id: &ID) -> Result<Option<Node>, ApiError> {
    let (type_name, key) = ids::decode(field, id)?;
    // An ID of a record that is not a node (such as a confidential complaint record) is refused the same way whether
    // or not the record exists, and whoever asks: `node` never reaches the confidential store.
    let unknown = || ApiError::bad_input(field, format!("{:?} is not the ID of a node", id.as_str()));
    // A record of a type the caller may not see answers as one that does not exist; a type the access table does
    // not list is never reached (a test keeps every `Node` type in the table).
    match crate::support::access::NODE_TYPES.iter().any(|(name, _)| *name == type_name) {
        false => return Err(unknown()),
        true if crate::support::access::node_scope(ctx, &type_name).is_none() => return Ok(None),
        true => {}
    }
    Ok(match type_name.as_str() {
        "RegionalGroup" => query(ctx, move |c| models::RegionalGroup::by_code(c, &key))
            .await?
            .map(|r| Node::RegionalGroup(RegionalGroup(r))),
        "Country" => {
            query(ctx, move |c| models::Country::by_iso3(c, &key)).await?.map(|r| Node::Country(Country::from(r)))
        }
        "Session" => {
            let (body, number) = key.split_once('/').ok_or_else(unknown)?;
            let body = SessionBody::parse(body).ok_or_else(unknown)?;
            let number: i32 = number.parse().map_err(|_| unknown())?;
            query(ctx, move |c| models::Session::by_number(c, body, number)).await?.map(|r| Node::Session(Session(r)))
        }
        "SdgGoal" => {
            let number: i32 = key.parse().map_err(|_| unknown())?;
            query(ctx, move |c| models::SdgGoal::by_number(c, number)).await?.map(|r| Node::SdgGoal(SdgGoal(r)))
        }
        "SdgTarget" => {
            query(ctx, move |c| models::SdgTarget::by_code(c, &key)).await?.map(|r| Node::SdgTarget(SdgTarget::from(r)))
        }
        "Resolution" => {
            query(ctx, move |c| models::Resolution::by_key(c, &key)).await?.map(|r| Node::Resolution(Resolution(r)))
        }
        "Report" => query(ctx, move |c| models::Report::by_symbol(c, &key)).await?.map(|r| Node::Report(Report(r))),
        "Mechanism" => {
            query(ctx, move |c| models::Mechanism::by_key(c, &key)).await?.map(|r| Node::Mechanism(Mechanism::from(r)))
        }
        "Mandate" => query(ctx, move |c| models::Mandate::by_key(c, &key)).await?.map(|r| Node::Mandate(Mandate(r))),
        "Recommendation" => query(ctx, move |c| models::Recommendation::by_key(c, &key))
            .await?
            .map(|r| Node::Recommendation(Recommendation(r))),
        "Visit" => query(ctx, move |c| models::Visit::by_key(c, &key)).await?.map(|r| Node::Visit(Visit(r))),
        "ThesaurusTerm" => query(ctx, move |c| models::ThesaurusTerm::by_key(c, &key))
            .await?
            .map(|r| Node::ThesaurusTerm(ThesaurusTerm::from(r))),
        "MandateHolder" => query(ctx, move |c| models::MandateHolder::by_key(c, &key))
            .await?
            .map(|r| Node::MandateHolder(MandateHolder(r))),
        "Communication" => query(ctx, move |c| models::Communication::by_key(c, &key))
            .await?
            .map(|r| Node::Communication(Communication(r))),
        "CountrySituation" => query(ctx, move |c| models::CountrySituation::by_key(c, &key))
            .await?
            .map(|r| Node::CountrySituation(CountrySituation(r))),
        "NationalMechanism" => query(ctx, move |c| models::NationalMechanism::by_key(c, &key))
            .await?
            .map(|r| Node::NationalMechanism(NationalMechanism(r))),
        "KnowledgeItem" => query(ctx, move |c| models::KnowledgeItem::by_key(c, &key))
            .await?
            .map(|r| Node::KnowledgeItem(KnowledgeItem(r))),
        "EarlyWarningSignal" => {
            let Some(scope) = crate::support::access::node_scope(ctx, "EarlyWarningSignal") else { return Ok(None) };
            let scope = crate::early_warning::signal_scope(scope);
            query(ctx, move |c| hrc_db::models::early_warning::Signal::by_key(c, &key, scope))
                .await?
                .map(|r| Node::EarlyWarningSignal(crate::early_warning::EarlyWarningSignal(r)))
        }
        "HorizonBriefing" => {
            let scheduled = crate::support::access::node_scope(ctx, "HorizonBriefing").is_some_and(|s| s.is_all());
            query(ctx, move |c| hrc_db::models::early_warning::Briefing::by_key(c, &key, scheduled))
                .await?
                .map(|r| Node::HorizonBriefing(crate::early_warning::HorizonBriefing(r)))
        }
        "ReprisalCase" => query(ctx, move |c| hrc_db::models::reprisal::Case::by_key(c, &key))
            .await?
            .map(|r| Node::ReprisalCase(crate::reprisal::ReprisalCase(r))),
        "PublishedReprisalCase" => query(ctx, move |c| hrc_db::models::reprisal::Case::public_by_key(c, &key))
            .await?
            .map(|r| Node::PublishedReprisalCase(crate::reprisal::PublishedReprisalCase(r))),
        "RosterExpert" => query(ctx, move |c| hrc_db::models::roster::Expert::by_key(c, &key))
            .await?
            .map(|r| Node::RosterExpert(crate::roster::RosterExpert(r))),
        _ => return Err(unknown()),
    })
}

/// Entry points to any object by its global ID.
#[derive(Default)]
pub struct NodeQuery;

/// Entry points to any object by its global ID.
#[Object]
impl NodeQuery {
    /// Any object by its global ID; null if it no longer exists. An ID this API did not issue is `BAD_USER_INPUT`.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID from any object's `id`.")] id: ID,
    ) -> Result<Option<Node>, ApiError> {
        fetch(ctx, "id", &id).await
    }

    /// Several objects by their global IDs, in the order given (null where one no longer exists); at most 100.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>, ApiError> {
        if ids.len() > MAX_NODES {
            return Err(ApiError::bad_input("ids", format!("at most {MAX_NODES} IDs at once, not {}", ids.len())));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(fetch(ctx, "ids", id).await?);
        }
        Ok(out)
    }
}
