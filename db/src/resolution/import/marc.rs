//! The OHCHR library's MARCXML export of voting records (namespace `http://www.loc.gov/MARC21/slim`), read as a
//! stream: 791 `$a` symbol, 269 `$a` date, 245 title (`$a` and `$b`), 591 `$a` how it was adopted, 952 `$a` meeting,
//! 991 agenda item (`$b` number, `$c` title, `$d` subject), 996 totals (`$b` yes, `$c` no, `$d` abstain, `$e`
//! non-voting), and one 967 per member (`$b` ISO alpha-3, `$d` vote).

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::read::TextRecord;
use crate::import::parse::FieldError;

fn attribute(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// The field being read: its tag, and its subfields so far.
#[derive(Default)]
struct Field {
    tag: String,
    subfields: Vec<(String, String)>,
}

impl Field {
    fn get(&self, code: &str) -> Option<String> {
        self.subfields.iter().find(|(c, _)| c == code).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty())
    }
}

/// Puts a finished field into the record.
fn apply(record: &mut TextRecord, field: &Field) {
    match field.tag.as_str() {
        "791" => record.symbol = field.get("a").unwrap_or_default(),
        "269" => record.date = field.get("a"),
        "245" => {
            let parts: Vec<String> = ["a", "b", "c"].iter().filter_map(|c| field.get(c)).collect();
            record.title = (!parts.is_empty()).then(|| parts.join(" "));
        }
        "591" => record.adoption = field.get("a"),
        "952" => record.meeting = field.get("a"),
        "991" => {
            record.agenda_number = field.get("b");
            record.agenda_title = field.get("c");
            record.subject = field.get("d");
        }
        "996" => {
            record.yes = field.get("b");
            record.no = field.get("c");
            record.abstain = field.get("d");
            record.non_voting = field.get("e");
        }
        "967" => {
            if let (Some(iso3), Some(code)) = (field.get("b"), field.subfields.iter().find(|(c, _)| c == "d")) {
                record.roll_call.push((iso3, code.1.trim().to_owned()));
            }
        }
        _ => {}
    }
}

/// Every `<record>` of a MARCXML document, or why the document cannot be read.
pub fn texts(input: Box<dyn BufRead>) -> Result<Vec<Result<TextRecord, FieldError>>, String> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut record: Option<TextRecord> = None;
    let mut field: Option<Field> = None;
    let mut subfield: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not well-formed XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"record" => record = Some(TextRecord { row: out.len() + 1, ..TextRecord::default() }),
                b"datafield" => {
                    field = Some(Field { tag: attribute(&e, b"tag").unwrap_or_default(), ..Field::default() })
                }
                b"subfield" => subfield = Some((attribute(&e, b"code").unwrap_or_default(), String::new())),
                _ => {}
            },
            Event::Text(text) => {
                if let Some((_, value)) = subfield.as_mut() {
                    let text = text.unescape().map_err(|e| format!("bad text in a subfield: {e}"))?;
                    value.push_str(&text);
                }
            }
            Event::CData(text) => {
                if let Some((_, value)) = subfield.as_mut() {
                    value.push_str(&String::from_utf8_lossy(&text));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"subfield" => {
                    if let (Some(done), Some(field)) = (subfield.take(), field.as_mut()) {
                        field.subfields.push(done);
                    }
                }
                b"datafield" => {
                    if let (Some(done), Some(record)) = (field.take(), record.as_mut()) {
                        apply(record, &done);
                    }
                }
                b"record" => {
                    if let Some(done) = record.take() {
                        if done.symbol.is_empty() {
                            let message = "the record has no symbol (field 791 $a)".to_owned();
                            out.push(Err(FieldError { row: done.row, field: "791".into(), message }));
                        } else {
                            out.push(Ok(done));
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
<datafield tag="791" ind1=" " ind2=" "><subfield code="a">A/HRC/RES/7/4</subfield></datafield>
<datafield tag="269" ind1=" " ind2=" "><subfield code="a">20080327</subfield></datafield>
<datafield tag="245" ind1=" " ind2=" "><subfield code="a">Title &amp; more :</subfield><subfield code="b">resolution /</subfield></datafield>
<datafield tag="996" ind1=" " ind2=" "><subfield code="b">34</subfield><subfield code="c">1</subfield><subfield code="d">12</subfield></datafield>
<datafield tag="967" ind1=" " ind2=" "><subfield code="a">001</subfield><subfield code="b">ARG</subfield><subfield code="d">Y</subfield></datafield>
<datafield tag="967" ind1=" " ind2=" "><subfield code="a">002</subfield><subfield code="b">LBY</subfield><subfield code="d">.</subfield></datafield>
</record></collection>"#;

    #[test]
    fn a_record_gives_its_symbol_totals_and_roll_call() {
        let rows = texts(Box::new(RECORD.as_bytes())).unwrap();
        let record = rows[0].as_ref().unwrap();
        assert_eq!(record.symbol, "A/HRC/RES/7/4");
        assert_eq!(record.date.as_deref(), Some("20080327"));
        assert_eq!(record.title.as_deref(), Some("Title & more : resolution /"));
        assert_eq!((record.yes.as_deref(), record.no.as_deref()), (Some("34"), Some("1")));
        assert_eq!(record.roll_call, [("ARG".into(), "Y".into()), ("LBY".into(), ".".into())]);
    }
}
