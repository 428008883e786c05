//! An uploaded file as people really have them (R35): UTF-8 with or without a byte-order mark,
//! comma or semicolon (detected from the header row), CRLF or LF, quoted fields holding
//! separators, quotes and line breaks, spaces around values trimmed, empty rows skipped. A file
//! that is not UTF-8 (Excel's "CSV" is Windows-1252) is refused, saying how to save it as UTF-8.
//! Parsing is the `csv` crate's; rows are read one at a time.

use crate::error::AppError;
use crate::i18n::Msg;

/// The largest file taken (R35: at least 100,000 rows and 50 MB).
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

/// A file ready to read: its text, and the separator its header row uses.
pub struct CsvFile<'a> {
    text: &'a [u8],
    pub delimiter: u8,
}

/// A row of the file: its line (1-based, as an editor shows it) and its trimmed cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

impl<'a> CsvFile<'a> {
    /// Checks the file: not too large, UTF-8 (a byte-order mark is dropped), not empty.
    pub fn open(bytes: &'a [u8]) -> Result<CsvFile<'a>, AppError> {
        if bytes.len() > MAX_BYTES {
            return Err(AppError::field("file", Msg::FileTooLarge { max_mb: MAX_BYTES / (1024 * 1024) }));
        }
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let Err(error) = std::str::from_utf8(text) {
            let line = text[..error.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(AppError::field("file", Msg::FileNotUtf8 { line }));
        }
        let header = text.split(|&b| b == b'\n').next().unwrap_or_default();
        if text.iter().all(u8::is_ascii_whitespace) {
            return Err(AppError::field("file", Msg::FileEmpty));
        }
        Ok(CsvFile { text, delimiter: separator(header) })
    }

    /// The rows, the header row first, skipping the empty ones. (The text is checked UTF-8 and
    /// in memory: the reader's errors are those of neither, so `FileUnreadable` is a safeguard.)
    pub fn rows(&self) -> impl Iterator<Item = Result<Row, AppError>> + '_ {
        let reader = csv::ReaderBuilder::new().delimiter(self.delimiter).has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(self.text);
        // Lines counted from the records' byte offsets, which may stand on the terminator of the
        // row before (the reader's own line count lags so on CRLF).
        let mut counted = (0usize, 1u64);
        let mut line_at = move |byte: u64| {
            let mut byte = (byte as usize).min(self.text.len());
            while self.text.get(byte).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
                byte += 1;
            }
            counted.1 += self.text[counted.0..byte].iter().filter(|&&b| b == b'\n').count() as u64;
            counted.0 = byte;
            counted.1
        };
        reader.into_records().filter_map(move |record| match record {
            Ok(record) if record.iter().all(str::is_empty) => None,
            Ok(record) => Some(Ok(Row { line: line_at(record.position().map_or(0, csv::Position::byte)), cells: record.iter().map(str::to_string).collect() })),
            Err(error) => Some(Err(AppError::field("file", Msg::FileUnreadable { line: line_at(error.position().map_or(0, csv::Position::byte)) }))),
        })
    }
}

/// The separator of a header row: the semicolon if it has more of them than commas outside
/// quotes (French spreadsheets), else the comma.
fn separator(header: &[u8]) -> u8 {
    let (mut quoted, mut commas, mut semicolons) = (false, 0, 0);
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> Vec<Row> {
        CsvFile::open(bytes).unwrap().rows().collect::<Result<_, _>>().unwrap()
    }

    fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
        rows(bytes).into_iter().map(|r| r.cells).collect()
    }

    #[test]
    fn r35_r80_a_french_excel_export_is_read_as_it_means() {
        // BOM, semicolons, CRLF, accents, apostrophes, a quoted `;`, a quoted line break, a
        // doubled quote, spaces around values, empty trailing rows.
        let file = "\u{feff}E-mail;Prénom;Nom;Groupes\r\n zoé@exemple.fr ; Zoé ; O'Brien ;\"Ventes; Paris\"\r\nleo@exemple.fr;\"Léo \"\"Le Grand\"\"\";\"Dupont\r\nJunior\";Ventes\r\n;;;\r\n\r\n";
        let file = CsvFile::open(file.as_bytes()).unwrap();
        assert_eq!(file.delimiter, b';');
        let rows: Vec<Row> = file.rows().collect::<Result<_, _>>().unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2, 3], "lines as an editor counts them");
        assert_eq!(rows[0].cells, ["E-mail", "Prénom", "Nom", "Groupes"], "the byte-order mark is not part of the first header");
        assert_eq!(rows[1].cells, ["zoé@exemple.fr", "Zoé", "O'Brien", "Ventes; Paris"]);
        assert_eq!(rows[2].cells, ["leo@exemple.fr", "Léo \"Le Grand\"", "Dupont\r\nJunior", "Ventes"]);
    }

    #[test]
    fn r35_commas_and_lf_and_short_rows() {
        assert_eq!(cells(b"email,first name\nada@example.com,Ada\nbob@example.com\n"), [vec!["email", "first name"], vec!["ada@example.com", "Ada"], vec!["bob@example.com"]]);
        assert_eq!(CsvFile::open(b"a;b,c,d\n").unwrap().delimiter, b',', "more commas than semicolons");
        assert_eq!(CsvFile::open(b"\"a,b\";c\n").unwrap().delimiter, b';', "a quoted comma does not count");
    }

    #[test]
    fn r35_a_file_that_is_not_utf8_is_refused_saying_where() {
        // "Zoé" as Excel's Windows-1252 writes it, on the second line.
        let refused = CsvFile::open(b"email;first name\nzoe@example.fr;Zo\xe9\n").err().unwrap();
        assert_eq!(refused.for_field("file"), Some(&Msg::FileNotUtf8 { line: 2 }));
        assert_eq!(CsvFile::open(b" \r\n\n").err().unwrap().for_field("file"), Some(&Msg::FileEmpty));
        // A quote never closed runs to the end of the file, as spreadsheets read it: one cell,
        // which the row's checks then refuse (no address in it).
        assert_eq!(cells(b"a,b\n\"x,y\nz,w\n"), [vec!["a", "b"], vec!["x,y\nz,w"]]);
    }
}
