//! Messages about a lab file, pointing at `file:line:column`.

use super::model::Span;

/// At most this many problems are reported for one file: a repeated
/// mistake in a large lab would otherwise print (and hold) one message per
/// copy. The last message says that more were found.
pub const DIAG_MAX: usize = 500;

/// `diags` sorted in file order and cut to [`DIAG_MAX`], with a last
/// message saying how many more there were (`more` counts those already
/// left out).
pub fn cap(mut diags: Vec<Diag>, more: usize) -> Vec<Diag> {
    diags.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    let more = more + diags.len().saturating_sub(DIAG_MAX);
    if more > 0 {
        diags.truncate(DIAG_MAX);
        let span = diags.last().and_then(|d| d.span.clone()).unwrap_or(0..0);
        diags.push(Diag::at(span, format!("{more} more problems were found and are not shown; fix these first")));
    }
    diags
}

/// A lab file's text and the name to show for it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it.
    pub path: String,
    /// The whole file.
    pub text: String,
}

/// One problem found in a lab file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    /// Where it is, when it is somewhere in particular.
    pub span: Option<Span>,
    /// What is wrong, in a sentence that names the object.
    pub message: String,
}

impl Diag {
    /// A problem at `span`.
    pub fn at(span: Span, message: impl Into<String>) -> Diag {
        Diag { span: Some(span), message: message.into() }
    }

    /// A problem with the file as a whole.
    pub fn file(message: impl Into<String>) -> Diag {
        Diag { span: None, message: message.into() }
    }
}

impl Source {
    /// Read a lab file.
    pub fn read(path: &str) -> std::io::Result<Source> {
        Ok(Source { path: path.to_string(), text: std::fs::read_to_string(path)? })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let before = &self.text[..pos];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// `path:line:col: error: message` (or `path: error: message`).
    pub fn render(&self, d: &Diag) -> String {
        match &d.span {
            Some(s) => {
                let (l, c) = self.line_col(s.start);
                format!("{}:{l}:{c}: error: {}", self.path, d.message)
            }
            None => format!("{}: error: {}", self.path, d.message),
        }
    }
}
