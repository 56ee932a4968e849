//! Global IDs: decoding any text never panics, and what encodes decodes back to the same type and key.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, &str)| {
    let (text, type_name, key) = input;
    let _ = hrc_schema::ids::decode("id", text);
    // The API's type names are GraphQL names and its keys are never empty.
    if !type_name.is_empty() && type_name.bytes().all(|b| b.is_ascii_alphanumeric()) && !key.is_empty() {
        let id = hrc_schema::ids::encode(type_name, key);
        let decoded = hrc_schema::ids::decode("id", id.as_str()).expect("an ID this API issued decodes");
        assert_eq!(decoded, (type_name.to_owned(), key.to_owned()));
    }
});
