//! Cursors: any text a client sends as `after`/`before` is refused or decoded, never a panic; a decoded cursor
//! encodes back to one that decodes to the same position; the page arguments check any combination.
#![no_main]

use async_graphql::connection::CursorType;
use hrc_schema::pagination::{Cursor, PageArgs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, Option<i32>, Option<i32>)| {
    let (text, first, last) = input;
    if let Ok(cursor) = Cursor::decode_cursor(text) {
        let again = Cursor::decode_cursor(&cursor.encode_cursor()).expect("an encoded cursor decodes");
        assert_eq!(again, cursor);
    }
    let args = PageArgs { first, last, after: Some(text.to_owned()), before: None, order_by: None };
    let _ = args.parse();
});
