//! CSV downloads: UTF-8 with a byte-order mark (so spreadsheet software reads the accents),
//! a comma or, with `?sep=semicolon`, a semicolon and decimal commas (European spreadsheets),
//! cells defused against formula injection, and bodies of any size streamed as they are read.

use futures::Stream;
use rocket::http::{ContentType, Header};
use rocket::response::stream::TextStream;
use rocket::response::{self, Responder};
use rocket::{Request, Response};

use crate::domain::money::Money;

/// The byte-order mark every CSV starts with.
pub const BOM: &str = "\u{feff}";

/// The `sep` query value: `comma` (or nothing) or `semicolon`; anything else is `None` (400).
pub fn separator(value: Option<&str>) -> Option<char> {
    match value.unwrap_or("comma") {
        "comma" | "" => Some(','),
        "semicolon" => Some(';'),
        _ => None,
    }
}

/// A text cell: a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR) is defused with `'`
/// (OWASP "CSV injection"); quoted when it holds the separator, a quote or a line break.
pub fn text_cell(value: &str, sep: char) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// An amount: `-150.00`, or `-150,00` with the semicolon separator.
pub fn amount_cell(m: Money, sep: char) -> String {
    let plain = m.plain();
    if sep == ';' {
        plain.replace('.', ",")
    } else {
        plain
    }
}

/// One line of cells already made with [`text_cell`] or [`amount_cell`], CRLF-terminated.
pub fn line(cells: &[String], sep: char) -> String {
    let mut out = cells.join(&sep.to_string());
    out.push_str("\r\n");
    out
}

/// A streamed CSV download: the body is sent chunk by chunk as the stream yields it.
pub struct CsvStream<S> {
    pub filename: String,
    pub body: S,
}

impl<'r, S> Responder<'r, 'r> for CsvStream<S>
where
    S: Stream<Item = String> + Send + 'r,
{
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'r> {
        let mut res: Response<'r> = TextStream(self.body).respond_to(req)?;
        res.set_header(ContentType::CSV);
        res.set_header(Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", self.filename),
        ));
        res.set_header(Header::new("Cache-Control", "no-store"));
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(separator(None), Some(','));
        assert_eq!(separator(Some("semicolon")), Some(';'));
        assert_eq!(separator(Some("tab")), None);
        assert_eq!(text_cell("=1+1", ','), "'=1+1");
        assert_eq!(text_cell("a;b", ';'), "\"a;b\"");
        assert_eq!(text_cell("a;b", ','), "a;b");
        assert_eq!(amount_cell(Money::eur(-15_050), ';'), "-150,50");
        assert_eq!(amount_cell(Money::gbp(5), ','), "0.05");
        assert_eq!(line(&["a".into(), "b".into()], ';'), "a;b\r\n");
    }
}
