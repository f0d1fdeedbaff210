//! Messages about a lab file, pointing at `file:line:column`.

use super::model::Span;

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
