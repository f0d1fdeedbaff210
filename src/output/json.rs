//! A JSON writer that reproduces iproute2's `json_writer.c` byte for byte,
//! compact (`-j`) and pretty (`-j -p`), so that `netns -j …` output can be
//! diffed against `ip -j …`. serde_json's pretty printer indents and spaces
//! differently, so it cannot be used here.
//!
//! iproute2's quirks, kept on purpose: pretty arrays open with `[ ` and
//! close with ` ]` (empty: `[ ]`), objects inside arrays follow each other
//! as `},{`, members are indented four spaces per level, strings are
//! written as raw bytes with only `\t \n \r \f \b \\ \"` escaped.
//!
//! ```
//! let mut w = netns::output::JsonWriter::new(false);
//! w.start_array();
//! w.start_object();
//! w.string_field("name", b"blue");
//! w.int_field("id", 3);
//! w.end_object();
//! w.end_array();
//! assert_eq!(w.finish(), b"[{\"name\":\"blue\",\"id\":3}]\n");
//! ```

/// Streaming JSON writer with iproute2's layout.
#[derive(Debug)]
pub struct JsonWriter {
    out: Vec<u8>,
    pretty: bool,
    depth: usize,
    /// Separator to print before the next element: `,` or nothing.
    sep: bool,
}

impl JsonWriter {
    /// A new writer; `pretty` selects the `-p` layout.
    pub fn new(pretty: bool) -> JsonWriter {
        JsonWriter { out: Vec::new(), pretty, depth: 0, sep: false }
    }

    fn eol(&mut self) {
        if self.pretty {
            self.out.push(b'\n');
            for _ in 0..self.depth {
                self.out.extend_from_slice(b"    ");
            }
        }
    }

    fn eor(&mut self) {
        if self.sep {
            self.out.push(b',');
        }
        self.sep = true;
    }

    fn begin(&mut self, c: u8) {
        self.eor();
        self.out.push(c);
        self.depth += 1;
        self.sep = false;
    }

    fn end(&mut self, c: u8) {
        self.depth -= 1;
        if self.sep {
            self.eol();
        }
        self.out.push(c);
        self.sep = true;
    }

    /// `{`
    pub fn start_object(&mut self) {
        self.begin(b'{');
    }

    /// `}`
    pub fn end_object(&mut self) {
        self.end(b'}');
    }

    /// `[`
    pub fn start_array(&mut self) {
        self.begin(b'[');
        if self.pretty {
            self.out.push(b' ');
        }
    }

    /// `]`
    pub fn end_array(&mut self) {
        if self.pretty && self.sep {
            self.out.push(b' ');
        }
        self.sep = false;
        self.end(b']');
    }

    /// A member name; the value must follow.
    pub fn name(&mut self, name: &str) {
        self.eor();
        self.eol();
        self.sep = false;
        self.puts(name.as_bytes());
        self.out.push(b':');
        if self.pretty {
            self.out.push(b' ');
        }
    }

    fn puts(&mut self, s: &[u8]) {
        self.out.push(b'"');
        for &c in s {
            match c {
                b'\t' => self.out.extend_from_slice(b"\\t"),
                b'\n' => self.out.extend_from_slice(b"\\n"),
                b'\r' => self.out.extend_from_slice(b"\\r"),
                0x0c => self.out.extend_from_slice(b"\\f"),
                0x08 => self.out.extend_from_slice(b"\\b"),
                b'\\' => self.out.extend_from_slice(b"\\\\"),
                b'"' => self.out.extend_from_slice(b"\\\""),
                _ => self.out.push(c),
            }
        }
        self.out.push(b'"');
    }

    /// A string value.
    pub fn string(&mut self, s: &[u8]) {
        self.eor();
        self.puts(s);
    }

    /// A raw (already formatted) value: numbers, `true`, `null`.
    pub fn raw(&mut self, v: &str) {
        self.eor();
        self.out.extend_from_slice(v.as_bytes());
    }

    /// `"name": "value"`
    pub fn string_field(&mut self, name: &str, value: &[u8]) {
        self.name(name);
        self.string(value);
    }

    /// `"name": 12`
    pub fn int_field(&mut self, name: &str, value: i64) {
        self.name(name);
        self.raw(&value.to_string());
    }

    /// `"name": true`
    pub fn bool_field(&mut self, name: &str, value: bool) {
        self.name(name);
        self.raw(if value { "true" } else { "false" });
    }

    /// The document followed by the newline iproute2 prints after it.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.push(b'\n');
        self.out
    }

    /// The document so far, without a trailing newline (for JSON lines).
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(pretty: bool, items: &[(&str, Option<i64>)]) -> String {
        let mut w = JsonWriter::new(pretty);
        w.start_array();
        for (name, id) in items {
            w.start_object();
            w.string_field("name", name.as_bytes());
            if let Some(id) = id {
                w.int_field("id", *id);
            }
            w.end_object();
        }
        w.end_array();
        String::from_utf8(w.finish()).unwrap()
    }

    #[test]
    fn compact_matches_iproute2() {
        assert_eq!(
            list(false, &[("rt-c", None), ("rt-b", Some(5))]),
            "[{\"name\":\"rt-c\"},{\"name\":\"rt-b\",\"id\":5}]\n"
        );
        assert_eq!(list(false, &[]), "[]\n");
    }

    #[test]
    fn pretty_matches_iproute2() {
        assert_eq!(list(true, &[]), "[ ]\n");
        assert_eq!(
            list(true, &[("b", Some(5)), ("a", None)]),
            "[ {\n        \"name\": \"b\",\n        \"id\": 5\n    },{\n        \"name\": \"a\"\n    } ]\n"
        );
    }

    #[test]
    fn escapes_like_iproute2() {
        let mut w = JsonWriter::new(false);
        w.string(b"a\"b\\c\nd\x01");
        assert_eq!(w.into_bytes(), b"\"a\\\"b\\\\c\\nd\x01\"");
    }
}
