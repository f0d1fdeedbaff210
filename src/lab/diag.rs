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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_one_line_whatever_names_it_carries() {
        let src = Source { path: "l.toml".into(), text: "a\nb\n".into() };
        let d = Diag::at(2..3, "node x\nl.toml:1:1: error: forged\u{1b}[2J");
        assert_eq!(src.render(&d), "l.toml:2:1: error: node x\\nl.toml:1:1: error: forged\\x1b[2J");
    }
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
    /// Read a lab file (a regular file of bounded size: see
    /// [`super::labfile::read`]).
    pub fn read(path: &str) -> std::io::Result<Source> {
        Ok(Source { path: path.to_string(), text: super::labfile::read(path)?.text })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let before = &self.text[..pos];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// `path:line:col: error: message` (or `path: error: message`), on
    /// one line: control characters a name from the file may carry into
    /// the message are escaped, so no file can forge lines of the output.
    pub fn render(&self, d: &Diag) -> String {
        let msg = escape_controls(&d.message);
        let path = escape_controls(&self.path);
        match &d.span {
            Some(s) => {
                let (l, c) = self.line_col(s.start);
                format!("{path}:{l}:{c}: error: {msg}")
            }
            None => format!("{path}: error: {msg}"),
        }
    }
}

/// `s` with control characters written as `\n`, `\t`, `\r` or `\xNN`.
fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !crate::rundir::has_control_bytes(s.as_bytes()) {
        return s.into();
    }
    crate::rundir::escape_name(std::ffi::OsStr::new(s)).into()
}
