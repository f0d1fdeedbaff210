//! iproute2's `print_*(PRINT_ANY, key, fmt, value)` model: one call per
//! field, written as text or as a JSON member depending on `-j`, so that
//! one printing routine gives both outputs in iproute2's order.

use crate::output::JsonWriter;

/// Output of one command, text or JSON.
pub struct Out {
    json: Option<JsonWriter>,
    text: Vec<u8>,
    /// iproute2's `_SL_`: the line break inside a record (`\` with `-o`).
    pub sl: &'static [u8],
}

impl Out {
    /// Text output, or JSON (`pretty` for `-p`) when `json`.
    pub fn new(json: bool, pretty: bool, oneline: bool) -> Out {
        Out { json: json.then(|| JsonWriter::new(pretty)), text: Vec::new(), sl: if oneline { b"\\" } else { b"\n" } }
    }

    /// Is this JSON output (`is_json_context()`)?
    pub fn is_json(&self) -> bool {
        self.json.is_some()
    }

    /// The JSON writer, when there is one.
    pub fn json(&mut self) -> Option<&mut JsonWriter> {
        self.json.as_mut()
    }

    /// `new_json_obj`: the outer array.
    pub fn start_list(&mut self) {
        if let Some(j) = &mut self.json {
            j.start_array();
        }
    }

    /// `delete_json_obj`: close the outer array.
    pub fn end_list(&mut self) {
        if let Some(j) = &mut self.json {
            j.end_array();
        }
    }

    /// `open_json_object(NULL)`
    pub fn open(&mut self) {
        if let Some(j) = &mut self.json {
            j.start_object();
        }
    }

    /// `open_json_object(key)`
    pub fn open_named(&mut self, key: &str) {
        if let Some(j) = &mut self.json {
            j.name(key);
            j.start_object();
        }
    }

    /// `close_json_object()`
    pub fn close(&mut self) {
        if let Some(j) = &mut self.json {
            j.end_object();
        }
    }

    /// `open_json_array(PRINT_JSON, key)` (nothing in text).
    pub fn open_array(&mut self, key: &str) {
        if let Some(j) = &mut self.json {
            j.name(key);
            j.start_array();
        }
    }

    /// `close_json_array(PRINT_JSON, …)`
    pub fn close_array(&mut self) {
        if let Some(j) = &mut self.json {
            j.end_array();
        }
    }

    /// `PRINT_FP` text.
    pub fn text(&mut self, bytes: &[u8]) {
        if self.json.is_none() {
            self.text.extend_from_slice(bytes);
        }
    }

    /// `print_string(PRINT_ANY, key, "PRE%sPOST", value)`; `key` `None`
    /// is an array element.
    pub fn string(&mut self, key: Option<&str>, pre: &str, value: &[u8], post: &str) {
        match &mut self.json {
            Some(j) => match key {
                Some(k) => j.string_field(k, value),
                None => j.string(value),
            },
            None => {
                self.text.extend_from_slice(pre.as_bytes());
                self.text.extend_from_slice(value);
                self.text.extend_from_slice(post.as_bytes());
            }
        }
    }

    /// `print_string(PRINT_JSON, key, …)`
    pub fn json_string(&mut self, key: &str, value: &[u8]) {
        if let Some(j) = &mut self.json {
            j.string_field(key, value);
        }
    }

    /// `print_uint(PRINT_ANY, key, "PRE%uPOST", value)` (also `%d`).
    pub fn number(&mut self, key: &str, pre: &str, value: i64, post: &str) {
        match &mut self.json {
            Some(j) => j.int_field(key, value),
            None => self.text.extend_from_slice(format!("{pre}{value}{post}").as_bytes()),
        }
    }

    /// `print_uint(PRINT_JSON, key, NULL, value)`
    pub fn json_number(&mut self, key: &str, value: i64) {
        if let Some(j) = &mut self.json {
            j.int_field(key, value);
        }
    }

    /// `print_null(PRINT_ANY, key, "%s ", text)`: `"key":null` in JSON.
    pub fn null(&mut self, key: &str, text: &str) {
        match &mut self.json {
            Some(j) => {
                j.name(key);
                j.raw("null");
            }
            None => self.text.extend_from_slice(text.as_bytes()),
        }
    }

    /// `print_bool(PRINT_JSON, key, …)`
    pub fn json_bool(&mut self, key: &str, value: bool) {
        if let Some(j) = &mut self.json {
            j.bool_field(key, value);
        }
    }

    /// Everything, as iproute2 leaves it on stdout when the command
    /// completes (`finished`) or stops part-way (an unclosed JSON array).
    pub fn into_bytes(self, finished: bool) -> Vec<u8> {
        match self.json {
            Some(j) if finished => j.finish(),
            Some(j) => j.into_bytes(),
            None => self.text,
        }
    }
}
