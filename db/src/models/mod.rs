//! Models and their queries, one module per area.

pub mod communication;
pub mod complaint_public;
pub mod early_warning;
pub mod fund;
pub mod holder;
pub mod mechanism;
pub mod national;
pub mod page;
pub mod persisted;
pub mod recommendation;
pub mod reference;
pub mod reprisal;
pub mod roster;
pub mod situation;
pub mod sql;
pub mod thesaurus;
pub mod visit;
pub mod write;

pub use crate::resolution::{
    CouncilMembership, Report, Resolution, ResolutionFilter, ResolutionSponsor, ResolutionVote,
};
pub use communication::{Communication, CommunicationFilter};
pub use complaint_public::{NewPublicExamination, PublicExamination, PublicFigure};
pub use fund::{FundKind, FundStatus};
pub use holder::{HolderChanges, MandateHolder, MandateRenewal, NewMandateHolder};
pub use mechanism::{Mandate, MandateChanges, MandateFilter, Mechanism, MechanismChanges, MechanismFilter, NewMandate};
pub use national::{
    ActionPlan, KnowledgeFilter, KnowledgeItem, NationalMechanism, NationalMechanismFilter, Participant,
    RecommendationCluster,
};
pub use page::{Order, OrderField, Page, PageRequest, Position};
pub use recommendation::{
    Bucket, Dimension, ImplementationReport, LinkIds, NewImplementationReport, NewRecommendation, Recommendation,
    RecommendationChanges, RecommendationFilter,
};
pub use reference::{Country, CountryFilter, ReferenceRows, RegionalGroup, SdgGoal, SdgTarget, Session};
pub use situation::{CountrySituation, SituationBody, SituationEvent, SituationFilter, StandingInvitation};
pub use thesaurus::{TermFilter, ThesaurusTerm};
pub use visit::{NewVisit, Visit, VisitChanges, VisitDimension, VisitFilter};
pub use write::{WorkflowError, WriteError};

/// Declares a closed set of values stored as upper-case text (with a CHECK constraint in the migrations).
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// All values, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored text.
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// Parses text that the database's CHECK constraint guarantees; a value outside it is a bug.
            pub fn from_db(text: &str) -> $name {
                Self::parse(text).unwrap_or_else(|| {
                    tracing::error!(value = text, kind = stringify!($name), "unexpected value in the database");
                    $name::ALL[0]
                })
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// A mandate holder's role.
    HolderRole {
        SpecialRapporteur = "SPECIAL_RAPPORTEUR",
        IndependentExpert = "INDEPENDENT_EXPERT",
        WorkingGroupChair = "WORKING_GROUP_CHAIR",
        WorkingGroupMember = "WORKING_GROUP_MEMBER",
    }
);
text_enum!(
    /// The kinds of special-procedure communication.
    CommunicationKind {
        AllegationLetter = "ALLEGATION_LETTER",
        UrgentAppeal = "URGENT_APPEAL",
        OtherLetter = "OTHER_LETTER",
    }
);
text_enum!(
    /// What happened on a country situation.
    SituationEventKind { Briefing = "BRIEFING", GoodOfficesMission = "GOOD_OFFICES_MISSION" }
);
text_enum!(
    /// OHCHR's typology of national mechanisms for implementation, reporting and follow-up.
    NationalMechanismKind {
        AdHoc = "AD_HOC",
        Ministerial = "MINISTERIAL",
        InterMinisterial = "INTER_MINISTERIAL",
        InstitutionallySeparate = "INSTITUTIONALLY_SEPARATE",
    }
);
text_enum!(
    /// Who takes part in a national mechanism.
    ParticipantKind {
        Government = "GOVERNMENT",
        Parliament = "PARLIAMENT",
        Judiciary = "JUDICIARY",
        NationalHumanRightsInstitution = "NATIONAL_HUMAN_RIGHTS_INSTITUTION",
        CivilSociety = "CIVIL_SOCIETY",
        UnitedNations = "UNITED_NATIONS",
        Other = "OTHER",
    }
);
text_enum!(
    /// How a participant takes part.
    ParticipantRole { Member = "MEMBER", Observer = "OBSERVER", Consulted = "CONSULTED" }
);
text_enum!(
    /// The kinds of knowledge-hub entry.
    KnowledgeKind { GoodPractice = "GOOD_PRACTICE", LessonLearned = "LESSON_LEARNED", Resource = "RESOURCE" }
);
text_enum!(
    /// The facets of the thesaurus.
    TermFacet { Theme = "THEME", AffectedPersons = "AFFECTED_PERSONS" }
);
text_enum!(
    /// The five UN regional groups.
    RegionalGroupCode {
        African = "AFRICAN",
        AsiaPacific = "ASIA_PACIFIC",
        EasternEuropean = "EASTERN_EUROPEAN",
        LatinAmericanCaribbean = "LATIN_AMERICAN_CARIBBEAN",
        WesternEuropeanOthers = "WESTERN_EUROPEAN_OTHERS",
    }
);
text_enum!(
    /// A State's standing at the United Nations.
    UnStatus { Member = "MEMBER", Observer = "OBSERVER" }
);
text_enum!(
    /// The body a session belongs to.
    SessionBody { Hrc = "HRC", UprWorkingGroup = "UPR_WG" }
);
text_enum!(
    /// The organ that adopted a resolution.
    Organ {
        /// Human Rights Council.
        Hrc = "HRC",
        /// General Assembly.
        Ga = "GA",
        /// Security Council.
        Sc = "SC",
        /// Commission on Human Rights (the Council's predecessor).
        Chr = "CHR",
    }
);
text_enum!(
    /// Where a resolution stands.
    ResolutionStatus { Draft = "DRAFT", Adopted = "ADOPTED" }
);
text_enum!(
    /// What kind of text was put to the Council.
    ResolutionKind {
        /// A resolution (`A/HRC/RES/…`).
        Resolution = "RESOLUTION",
        /// A decision (`A/HRC/DEC/…`).
        Decision = "DECISION",
        /// A draft put to the vote as a whole (`A/HRC/…/L.…`).
        Draft = "DRAFT",
        /// An amendment to a draft (`A/HRC/…/L.…`, titled as an amendment).
        Amendment = "AMENDMENT",
    }
);
text_enum!(
    /// How a resolution was adopted.
    AdoptionMethod { RecordedVote = "RECORDED_VOTE", WithoutVote = "WITHOUT_VOTE" }
);
text_enum!(
    /// A member's vote in a recorded vote.
    Vote {
        /// In favour.
        Yes = "YES",
        /// Against.
        No = "NO",
        /// Abstention.
        Abstain = "ABSTAIN",
        /// A member present that did not vote (`.` in the library's roll calls).
        NonVoting = "NON_VOTING",
        /// A member absent from the vote (`-`).
        Absent = "ABSENT",
    }
);
text_enum!(
    /// The seven kinds of Council mechanism.
    MechanismKind {
        UniversalPeriodicReview = "UNIVERSAL_PERIODIC_REVIEW",
        SpecialProcedures = "SPECIAL_PROCEDURES",
        ComplaintProcedure = "COMPLAINT_PROCEDURE",
        AdvisoryCommittee = "ADVISORY_COMMITTEE",
        Forum = "FORUM",
        IntergovernmentalWorkingGroup = "INTERGOVERNMENTAL_WORKING_GROUP",
        InvestigativeBody = "INVESTIGATIVE_BODY",
    }
);
text_enum!(
    /// Whether a mandate covers a theme or a country.
    MandateScope { Thematic = "THEMATIC", Country = "COUNTRY" }
);
text_enum!(
    /// The form of a special-procedure mandate.
    MandateForm {
        SpecialRapporteur = "SPECIAL_RAPPORTEUR",
        IndependentExpert = "INDEPENDENT_EXPERT",
        WorkingGroup = "WORKING_GROUP",
    }
);
text_enum!(
    /// Whether a mandate runs.
    MandateStatus { Active = "ACTIVE", Discontinued = "DISCONTINUED" }
);
text_enum!(
    /// Where a recommendation comes from.
    RecommendationSource {
        Upr = "UPR",
        SpecialProcedure = "SPECIAL_PROCEDURE",
        TreatyBody = "TREATY_BODY",
        InvestigativeBody = "INVESTIGATIVE_BODY",
        Report = "REPORT",
    }
);
text_enum!(
    /// To whom a recommendation is addressed.
    Addressee { State = "STATE", HumanRightsCouncil = "HUMAN_RIGHTS_COUNCIL", Ohchr = "OHCHR", Other = "OTHER" }
);
text_enum!(
    /// A State's response to a UPR recommendation.
    Response { Supported = "SUPPORTED", Noted = "NOTED", Pending = "PENDING" }
);
text_enum!(
    /// How far a recommendation has been implemented.
    ImplementationStatus {
        NotStarted = "NOT_STARTED",
        InProgress = "IN_PROGRESS",
        PartiallyImplemented = "PARTIALLY_IMPLEMENTED",
        FullyImplemented = "FULLY_IMPLEMENTED",
    }
);
text_enum!(
    /// Who reported on implementation.
    ImplementationSource {
        State = "STATE",
        NationalMechanism = "NATIONAL_MECHANISM",
        MidTermReport = "MID_TERM_REPORT",
        MandateFollowUp = "MANDATE_FOLLOW_UP",
        Other = "OTHER",
    }
);
text_enum!(
    /// Where a country visit stands in the OHCHR lifecycle.
    VisitStatus {
        Requested = "REQUESTED",
        ReminderSent = "REMINDER_SENT",
        Accepted = "ACCEPTED",
        Scheduled = "SCHEDULED",
        Completed = "COMPLETED",
        Postponed = "POSTPONED",
        Declined = "DECLINED",
    }
);
