//! Models and their queries, one module per area.

pub mod page;
pub mod reference;
pub mod resolution;

pub use page::{Page, PageRequest};
pub use reference::{Country, CountryFilter, RegionalGroup, SdgGoal, SdgTarget, Session};
pub use resolution::{Report, Resolution, ResolutionFilter, ResolutionSponsor, ResolutionVote};

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
    /// How a resolution was adopted.
    AdoptionMethod { RecordedVote = "RECORDED_VOTE", WithoutVote = "WITHOUT_VOTE" }
);
text_enum!(
    /// A member's vote in a recorded vote.
    Vote { Yes = "YES", No = "NO", Abstain = "ABSTAIN" }
);
