//! The document checks that run before validation, on any document the parser accepts: the alias count and the
//! data depth (over fragments that may spread each other, in cycles or in a bomb) finish, and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if text.len() > 32 * 1024 {
        return;
    }
    if let Ok(document) = async_graphql::parser::parse_query(text) {
        let _ = hrc_schema::limits::count_aliases(&document);
        let _ = hrc_schema::limits::depth(&document);
    }
});
