//! The output sink every object prints through, modelled on iproute2's
//! `json_print.c`: `print_*(PRINT_ANY, key, fmt, value)` writes one field
//! as text (with its own words and spacing) or as a JSON member depending on
//! `-j`, so each printer is one list of "print this field" calls that gives
//! both `ip` and `ip -j` output in iproute2's order.
//!
//! iproute2's three print modes map onto three method families: the plain
//! names (`string`, `number`, …) are `PRINT_ANY`, `text`/`nl` are
//! `PRINT_FP`, and the `json_*` names are `PRINT_JSON`.

use crate::output::JsonWriter;
use std::io::Write;

/// Text or JSON output of one command.
pub struct Out {
    /// The JSON document, under `-j`; `None` means text output.
    json: Option<JsonWriter>,
    /// Text output (unused under `-j`).
    text: Vec<u8>,
    /// `-oneline`: line breaks inside a record become `\`.
    oneline: bool,
}

impl Out {
    /// Text output, or JSON (`pretty` for `-p`) when `json`; `oneline` for `-o`.
    pub fn new(json: bool, pretty: bool, oneline: bool) -> Out {
        // Listings run to kilobytes of text; JSON goes to the writer's own buffer.
        let text = if json { Vec::new() } else { Vec::with_capacity(8192) };
        Out { json: json.then(|| JsonWriter::new(pretty)), text, oneline }
    }

    /// `is_json_context()`: is this JSON output?
    pub fn is_json(&self) -> bool {
        self.json.is_some()
    }

    /// `-oneline`: is each record kept on one line?
    pub fn is_oneline(&self) -> bool {
        self.oneline
    }

    /// iproute2's `_SL_`: the line break inside a record (`\` under `-o`).
    pub fn sl(&self) -> &'static [u8] {
        if self.oneline { b"\\" } else { b"\n" }
    }

    /// `print_string(PRINT_FP, NULL, "%s", …)`: text only, as is.
    pub fn text(&mut self, s: impl AsRef<[u8]>) {
        if self.json.is_none() {
            self.text.extend_from_slice(s.as_ref());
        }
    }

    /// `print_nl()`: the in-record line break `_SL_` (text only).
    pub fn nl(&mut self) {
        let sl = self.sl();
        self.text(sl);
    }

    /// Text `pre VALUE post`; `value` is already formatted.
    fn text3(&mut self, pre: &str, value: &[u8], post: &str) {
        self.text.extend_from_slice(pre.as_bytes());
        self.text.extend_from_slice(value);
        self.text.extend_from_slice(post.as_bytes());
    }

    /// `print_string(PRINT_ANY, key, "PRE%sPOST", value)`: `pre VALUE post`
    /// as text, `"key": "VALUE"` as JSON.
    pub fn string(&mut self, key: &str, pre: &str, value: impl AsRef<[u8]>, post: &str) {
        match &mut self.json {
            Some(j) => j.string_field(key, value.as_ref()),
            None => self.text3(pre, value.as_ref(), post),
        }
    }

    /// `print_string(PRINT_ANY, NULL, "PRE%sPOST", value)` inside a JSON
    /// array: `pre VALUE post` as text, a string element as JSON.
    pub fn element(&mut self, pre: &str, value: impl AsRef<[u8]>, post: &str) {
        match &mut self.json {
            Some(j) => j.string(value.as_ref()),
            None => self.text3(pre, value.as_ref(), post),
        }
    }

    /// `print_int`/`print_uint`/`print_u64(PRINT_ANY, key, "PRE%dPOST", value)`:
    /// `pre VALUE post` as text, `"key": VALUE` as JSON, in decimal either way.
    /// Any integer type up to 64 bits fits, signed or not.
    pub fn number(&mut self, key: &str, pre: &str, value: impl Into<i128>, post: &str) {
        let value = value.into();
        match &mut self.json {
            Some(j) => number_field(j, key, value),
            // Writing to a Vec cannot fail.
            None => {
                let _ = write!(self.text, "{pre}{value}{post}");
            }
        }
    }

    /// `print_bool(PRINT_ANY, key, text, value)` with a format that has no
    /// `%s`: `text` as is, or `"key": true|false`.
    pub fn boolean(&mut self, key: &str, text: &str, value: bool) {
        match &mut self.json {
            Some(j) => j.bool_field(key, value),
            None => self.text.extend_from_slice(text.as_bytes()),
        }
    }

    /// `print_on_off(PRINT_ANY, key, "PRE%sPOST", value)`: `pre on|off post`
    /// as text, `"key": true|false` as JSON.
    pub fn on_off(&mut self, key: &str, pre: &str, value: bool, post: &str) {
        match &mut self.json {
            Some(j) => j.bool_field(key, value),
            None => self.text3(pre, if value { b"on" } else { b"off" }, post),
        }
    }

    /// `print_null(PRINT_ANY, key, "%s", text)`: `text` as is, or `"key": null`.
    pub fn null(&mut self, key: &str, text: &str) {
        match &mut self.json {
            Some(j) => j_null(j, key),
            None => self.text.extend_from_slice(text.as_bytes()),
        }
    }

    /// `print_string(PRINT_JSON, key, NULL, value)`: JSON only, a string member.
    pub fn json_string(&mut self, key: &str, value: impl AsRef<[u8]>) {
        if let Some(j) = &mut self.json {
            j.string_field(key, value.as_ref());
        }
    }

    /// `print_string(PRINT_JSON, NULL, NULL, value)`: JSON only, a string
    /// array element.
    pub fn json_element(&mut self, value: impl AsRef<[u8]>) {
        if let Some(j) = &mut self.json {
            j.string(value.as_ref());
        }
    }

    /// `print_int`/`print_uint`/`print_u64(PRINT_JSON, key, NULL, value)`:
    /// JSON only, a number member.
    pub fn json_number(&mut self, key: &str, value: impl Into<i128>) {
        if let Some(j) = &mut self.json {
            number_field(j, key, value.into());
        }
    }

    /// `print_bool(PRINT_JSON, key, NULL, value)`: JSON only, `true|false`.
    pub fn json_bool(&mut self, key: &str, value: bool) {
        if let Some(j) = &mut self.json {
            j.bool_field(key, value);
        }
    }

    /// `print_null(PRINT_JSON, key, NULL, NULL)`: JSON only, `"key": null`.
    pub fn json_null(&mut self, key: &str) {
        if let Some(j) = &mut self.json {
            j_null(j, key);
        }
    }

    /// JSON only, a member whose value is already JSON text: for the few
    /// values iproute2 prints with a format of its own (the bridge timers'
    /// `print_tv`, `S.CC`), which no typed method above produces.
    pub fn json_raw(&mut self, key: &str, value: &str) {
        if let Some(j) = &mut self.json {
            j.name(key);
            j.raw(value);
        }
    }

    /// `new_json_obj()`: the outer array of a listing (nothing in text).
    pub fn start_list(&mut self) {
        if let Some(j) = &mut self.json {
            j.start_array();
        }
    }

    /// `delete_json_obj()`'s closing of the outer array (nothing in text).
    pub fn end_list(&mut self) {
        if let Some(j) = &mut self.json {
            j.end_array();
        }
    }

    /// `open_json_object(key)`: a member object when `key` is given, else
    /// an anonymous one (an array element); nothing in text.
    pub fn open_object(&mut self, key: Option<&str>) {
        if let Some(j) = &mut self.json {
            if let Some(k) = key {
                j.name(k);
            }
            j.start_object();
        }
    }

    /// `close_json_object()`
    pub fn close_object(&mut self) {
        if let Some(j) = &mut self.json {
            j.end_object();
        }
    }

    /// `open_json_array(PRINT_JSON, key)`: a member array; nothing in text.
    pub fn open_array(&mut self, key: &str) {
        if let Some(j) = &mut self.json {
            j.name(key);
            j.start_array();
        }
    }

    /// `close_json_array(PRINT_JSON, NULL)`
    pub fn close_array(&mut self) {
        if let Some(j) = &mut self.json {
            j.end_array();
        }
    }

    /// Everything, as iproute2 leaves it on stdout when the command
    /// completes: the text, or the JSON document and its newline.
    pub fn finish(self) -> Vec<u8> {
        match self.json {
            Some(j) => j.finish(),
            None => self.text,
        }
    }

    /// Everything, as iproute2 leaves it on stdout when it exits part-way
    /// (a dump that failed): without `delete_json_obj()`, so the JSON array
    /// stays open and no newline follows. Text is the same as [`Out::finish`].
    pub fn finish_part_way(self) -> Vec<u8> {
        match self.json {
            Some(j) => j.into_bytes(),
            None => self.text,
        }
    }
}

/// `"key": VALUE`. Written raw rather than through `int_field`, which takes
/// `i64` and could not carry the upper half of `u64` counters; for every
/// value `i64` holds the bytes are the same.
fn number_field(j: &mut JsonWriter, key: &str, value: i128) {
    j.name(key);
    j.raw(&value.to_string());
}

/// `"key": null`
fn j_null(j: &mut JsonWriter, key: &str) {
    j.name(key);
    j.raw("null");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(f: impl Fn(&mut Out)) -> (String, String) {
        let run = |json| {
            let mut out = Out::new(json, false, false);
            f(&mut out);
            String::from_utf8(out.finish()).unwrap()
        };
        (run(false), run(true))
    }

    #[test]
    fn text_and_json_from_the_same_calls() {
        let (text, json) = both(|out| {
            out.open_object(None);
            out.number("mtu", "mtu ", 1500, " ");
            out.string("qdisc", "qdisc ", "noop", " ");
            out.boolean("proto_down", "protodown on ", true);
            out.on_off("learning", "learning ", false, " ");
            out.null("router", "router ");
            out.close_object();
        });
        assert_eq!(text, "mtu 1500 qdisc noop protodown on learning off router ");
        assert_eq!(json, "{\"mtu\":1500,\"qdisc\":\"noop\",\"proto_down\":true,\"learning\":false,\"router\":null}\n");
    }

    #[test]
    fn json_only_and_text_only_calls() {
        let (text, json) = both(|out| {
            out.start_list();
            out.open_object(None);
            out.text("Deleted ");
            out.json_bool("deleted", true);
            out.json_string("dev", "eth0");
            out.json_number("index", 2u32);
            out.json_null("link");
            out.json_raw("hello_time", "2.00");
            out.open_array("flags");
            out.json_element("UP");
            out.element("", "onlink", " ");
            out.close_array();
            out.open_object(Some("via"));
            out.close_object();
            out.nl();
            out.close_object();
            out.end_list();
        });
        assert_eq!(text, "Deleted onlink \n");
        assert_eq!(
            json,
            "[{\"deleted\":true,\"dev\":\"eth0\",\"index\":2,\"link\":null,\"hello_time\":2.00,\
             \"flags\":[\"UP\",\"onlink\"],\"via\":{}}]\n"
        );
    }

    #[test]
    fn numbers_are_decimal_for_every_width() {
        let mut out = Out::new(true, false, false);
        out.open_object(None);
        out.number("a", "", u64::MAX, "");
        out.number("b", "", i64::MIN, "");
        out.json_number("c", -1i32);
        out.close_object();
        assert_eq!(out.finish(), b"{\"a\":18446744073709551615,\"b\":-9223372036854775808,\"c\":-1}\n");
        // What the i64-only route printer used to write through `int_field`.
        let mut w = JsonWriter::new(false);
        w.start_object();
        w.int_field("b", i64::MIN);
        w.end_object();
        assert_eq!(w.finish(), b"{\"b\":-9223372036854775808}\n");
        let mut out = Out::new(false, false, false);
        out.number("a", "<", u64::MAX, ">");
        assert_eq!(out.finish(), b"<18446744073709551615>");
    }

    #[test]
    fn oneline_breaks_with_a_backslash() {
        let mut out = Out::new(false, false, true);
        assert!(out.is_oneline());
        out.text("a");
        out.nl();
        out.text("b\n");
        assert_eq!(out.finish(), b"a\\b\n");
        assert_eq!(Out::new(false, false, false).sl(), b"\n");
    }

    #[test]
    fn part_way_leaves_the_json_array_open() {
        for (pretty, want) in [(false, "[{\"dst\":\"default\"}"), (true, "[ {\n        \"dst\": \"default\"\n    }")] {
            let mut out = Out::new(true, pretty, false);
            out.start_list();
            out.open_object(None);
            out.string("dst", "", "default", " ");
            out.close_object();
            assert_eq!(String::from_utf8(out.finish_part_way()).unwrap(), want);
        }
        let mut out = Out::new(false, false, false);
        out.start_list();
        out.string("dst", "", "default", " ");
        assert_eq!(out.finish_part_way(), b"default ");
    }
}
