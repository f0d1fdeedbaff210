//! One output sink with iproute2's print_* semantics: each value is printed
//! either as text (with its own words and spacing) or as a JSON member, so
//! the printers below read as one list of "print this field" calls for both
//! `ip` and `ip -j`.

use crate::output::JsonWriter;

/// Text or JSON output for one `link`/`address` listing.
pub struct Out {
    /// The JSON document, under `-j`.
    pub json: Option<JsonWriter>,
    /// Text output (unused under `-j`).
    pub text: Vec<u8>,
    /// `-oneline`: line breaks inside a record become `\`.
    pub oneline: bool,
}

impl Out {
    /// A sink for text (`json == false`) or JSON output.
    pub fn new(json: bool, pretty: bool, oneline: bool) -> Out {
        Out { json: json.then(|| JsonWriter::new(pretty)), text: Vec::with_capacity(8192), oneline }
    }

    /// Is this JSON output?
    pub fn is_json(&self) -> bool {
        self.json.is_some()
    }

    /// Text only.
    pub fn fp(&mut self, s: impl AsRef<[u8]>) {
        if self.json.is_none() {
            self.text.extend_from_slice(s.as_ref());
        }
    }

    /// iproute2's `print_nl()`: a line break inside a record (text only).
    pub fn nl(&mut self) {
        if self.json.is_none() {
            self.text.extend_from_slice(if self.oneline { b"\\" } else { b"\n" });
        }
    }

    /// A string: `pre VALUE post` as text, `"key": "VALUE"` as JSON.
    pub fn str(&mut self, key: &str, pre: &str, value: impl AsRef<[u8]>, post: &str) {
        match &mut self.json {
            Some(j) => j.string_field(key, value.as_ref()),
            None => {
                self.text.extend_from_slice(pre.as_bytes());
                self.text.extend_from_slice(value.as_ref());
                self.text.extend_from_slice(post.as_bytes());
            }
        }
    }

    /// A number: `pre VALUE post` as text, `"key": VALUE` as JSON.
    pub fn num(&mut self, key: &str, pre: &str, value: impl std::fmt::Display, post: &str) {
        let v = value.to_string();
        match &mut self.json {
            Some(j) => {
                j.name(key);
                j.raw(&v);
            }
            None => {
                self.text.extend_from_slice(pre.as_bytes());
                self.text.extend_from_slice(v.as_bytes());
                self.text.extend_from_slice(post.as_bytes());
            }
        }
    }

    /// `print_bool(PRINT_ANY, …)`: the text as is, or `"key": true|false`.
    pub fn flag(&mut self, key: &str, text: &str, value: bool) {
        match &mut self.json {
            Some(j) => j.bool_field(key, value),
            None => self.text.extend_from_slice(text.as_bytes()),
        }
    }

    /// `print_on_off`: `pre on|off post` as text, a JSON boolean.
    pub fn on_off(&mut self, key: &str, pre: &str, value: bool, post: &str) {
        match &mut self.json {
            Some(j) => j.bool_field(key, value),
            None => {
                self.text.extend_from_slice(pre.as_bytes());
                self.text.extend_from_slice(if value { b"on" } else { b"off" });
                self.text.extend_from_slice(post.as_bytes());
            }
        }
    }

    /// JSON only: a string member.
    pub fn jstr(&mut self, key: &str, value: impl AsRef<[u8]>) {
        if let Some(j) = &mut self.json {
            j.string_field(key, value.as_ref());
        }
    }

    /// JSON only: a raw member (number, `true`, `null`).
    pub fn jraw(&mut self, key: &str, value: impl std::fmt::Display) {
        if let Some(j) = &mut self.json {
            j.name(key);
            j.raw(&value.to_string());
        }
    }

    /// JSON only: a string array element.
    pub fn jelem(&mut self, value: impl AsRef<[u8]>) {
        if let Some(j) = &mut self.json {
            j.string(value.as_ref());
        }
    }

    /// JSON only: open an object (a member when `key` is given).
    pub fn open_obj(&mut self, key: Option<&str>) {
        if let Some(j) = &mut self.json {
            if let Some(k) = key {
                j.name(k);
            }
            j.start_object();
        }
    }

    /// JSON only: close an object.
    pub fn close_obj(&mut self) {
        if let Some(j) = &mut self.json {
            j.end_object();
        }
    }

    /// JSON only: open an array (a member when `key` is given).
    pub fn open_arr(&mut self, key: Option<&str>) {
        if let Some(j) = &mut self.json {
            if let Some(k) = key {
                j.name(k);
            }
            j.start_array();
        }
    }

    /// JSON only: close an array.
    pub fn close_arr(&mut self) {
        if let Some(j) = &mut self.json {
            j.end_array();
        }
    }

    /// The bytes to write to stdout.
    pub fn finish(self) -> Vec<u8> {
        match self.json {
            Some(j) => j.finish(),
            None => self.text,
        }
    }
}

/// `%#llx`: `0` for zero, else `0x…`.
pub fn hex0x(v: u64) -> String {
    if v == 0 { "0".to_string() } else { format!("{v:#x}") }
}

/// A hardware address as `ll_addr_n2a` writes it: two hex digits per byte
/// joined by `:` (IPv4/IPv6 for tunnel types).
pub fn lladdr(addr: &[u8], link_type: u16) -> String {
    const ARPHRD_TUNNEL: u16 = 768;
    const ARPHRD_TUNNEL6: u16 = 769;
    const ARPHRD_SIT: u16 = 776;
    const ARPHRD_IPGRE: u16 = 778;
    const ARPHRD_IP6GRE: u16 = 823;
    if addr.len() == 4 && matches!(link_type, ARPHRD_TUNNEL | ARPHRD_SIT | ARPHRD_IPGRE) {
        return std::net::Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]).to_string();
    }
    if addr.len() == 16 && matches!(link_type, ARPHRD_TUNNEL6 | ARPHRD_IP6GRE) {
        let mut b = [0u8; 16];
        b.copy_from_slice(addr);
        return std::net::Ipv6Addr::from(b).to_string();
    }
    if addr.is_empty() {
        return "00".to_string(); // iproute2 prints the (zero) first byte anyway
    }
    let mut s = String::with_capacity(addr.len() * 3);
    for (i, b) in addr.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_like_printf_alternate_form() {
        assert_eq!(hex0x(0), "0");
        assert_eq!(hex0x(8), "0x8");
        assert_eq!(hex0x(0xc01), "0xc01");
    }

    #[test]
    fn lladdr_like_iproute2() {
        assert_eq!(lladdr(&[2, 0, 0, 0, 0, 0x1a], 1), "02:00:00:00:00:1a");
        assert_eq!(lladdr(&[10, 0, 0, 1], 768), "10.0.0.1");
    }

    #[test]
    fn text_and_json_from_the_same_calls() {
        for json in [false, true] {
            let mut out = Out::new(json, false, false);
            out.open_obj(None);
            out.num("mtu", "mtu ", 1500, " ");
            out.str("qdisc", "qdisc ", "noop", " ");
            out.flag("proto_down", "protodown on ", true);
            out.close_obj();
            let got = String::from_utf8(out.finish()).unwrap();
            let want = if json {
                "{\"mtu\":1500,\"qdisc\":\"noop\",\"proto_down\":true}\n"
            } else {
                "mtu 1500 qdisc noop protodown on "
            };
            assert_eq!(got, want);
        }
    }
}
