//! Input values parsed at the edge: exact money (positive, at most two decimals, bounded), ISO 3166-1 alpha-3 codes
//! and ISO 639-1 language codes. Nothing panics, and what is accepted has the promised shape.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(cents) = hrc_schema::fund::minor_units("amount", text) {
        assert!(cents > 0 && cents <= 100_000_000_000_000, "{text:?} gave {cents}");
        let formatted = format!("{}.{:02}", cents / 100, cents % 100);
        assert_eq!(hrc_schema::fund::minor_units("amount", &formatted).ok(), Some(cents), "{text:?}");
    }
    if let Ok(code) = hrc_schema::query::iso_code("country", text) {
        assert!(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()), "{text:?} gave {code:?}");
    }
    if let Ok(code) = hrc_schema::roster::language("language", text) {
        assert!(code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()), "{text:?} gave {code:?}");
    }
});
