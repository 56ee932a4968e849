//! Import rows: arbitrary bytes as a CSV file of each layout (the first line its header) and as NDJSON, each row
//! through the field checks. A row must parse or yield field errors; nothing may panic.
#![no_main]

use hrc_db::import::{parse, Format, Layout, Rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for layout in [Layout::Uhri, Layout::UprInfo, Layout::Implementation] {
        for format in [Format::Csv, Format::Ndjson, Format::Json] {
            let input: Box<dyn std::io::Read> = Box::new(std::io::Cursor::new(bytes.to_vec()));
            let Ok(rows) = Rows::open(layout, format, input, bytes.len() as u64) else { continue };
            for row in rows.take(1_000) {
                let Ok(row) = row else { continue };
                match layout {
                    Layout::Implementation => {
                        let _ = parse::report(&row);
                    }
                    _ => {
                        if let Ok((parsed, _)) = parse::recommendation(layout, &row) {
                            assert!(!parsed.key.is_empty() && !parsed.text.is_empty());
                        }
                    }
                }
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = parse::parse_date(text);
    }
});
