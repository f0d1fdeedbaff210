//! macvlan and macvtap: mode, flags and broadcast queue length; both
//! print the same details. macvtap options are not parsed.

use super::{LinkUtil, u};
use crate::ipobj::args::Args;
use crate::ipobj::grammar::matches;
use crate::ipobj::inet;
use crate::ipobj::link::Modify;
use crate::ipobj::link::format::lladdr;
use crate::ipobj::link::linkinfo::Env;
use crate::ipobj::link::write::{Held, P, Stop, unsupported};
use crate::ipobj::out::Out;
use crate::ipobj::{Code, Ctx};
use crate::netlink::link::{KindData, LinkKindInfo};
use crate::netlink::link_ops::{LinkKind, MacVlan};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

const USAGE: &str = "Usage: ... macvlan mode MODE [flag MODE_FLAG] MODE_OPTS [bcqueuelen BC_QUEUE_LEN]

MODE: private | vepa | bridge | passthru | source
MODE_FLAG: null | nopromisc | nodst
MODE_OPTS: for mode \"source\":
\tmacaddr { { add | del } <macaddr> | set [ <macaddr> [ <macaddr>  ... ] ] | flush }
BC_QUEUE_LEN: Length of the rx queue for broadcast/multicast: [0-4294967295]
";

pub(super) const MACVLAN: LinkUtil = LinkUtil {
    parse: Some(parse_macvlan),
    print: Some(print_macvlan),
    ..LinkUtil::generic("macvlan", Some(USAGE), Some(("macvlan", "CONFIG_MACVLAN")))
};

pub(super) const MACVTAP: LinkUtil = LinkUtil {
    print: Some(print_macvlan),
    ..LinkUtil::generic(
        "macvtap",
        Some(
            "Usage: ... macvtap mode MODE [flag MODE_FLAG] MODE_OPTS [bcqueuelen BC_QUEUE_LEN]\n\nMODE: private | vepa | bridge | passthru | source\nMODE_FLAG: null | nopromisc | nodst\nMODE_OPTS: for mode \"source\":\n\tmacaddr { { add | del } <macaddr> | set [ <macaddr> [ <macaddr>  ... ] ] | flush }\nBC_QUEUE_LEN: Length of the rx queue for broadcast/multicast: [0-4294967295]\n",
        ),
        Some(("macvtap", "CONFIG_MACVTAP")),
    )
};

/// iproute2's `macvlan_parse_opt` (without `macaddr`).
fn parse_macvlan<'h>(_: &mut Ctx, _: Modify, words: &[OsString], _: &'h Held) -> P<LinkKind<'h>> {
    let mut a = Args::new(words);
    let mut m = MacVlan::default();
    let mut mode = 0u32;
    let mut flags = 0u16;
    let mut has_flags = false;
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if matches(wb, "mode") {
            let v = a.value()?;
            mode = match v.as_bytes() {
                b"private" => 1,
                b"vepa" => 2,
                b"bridge" => 4,
                b"passthru" => 8,
                b"source" => 16,
                _ => {
                    crate::errln!(
                        "Error: argument of \"mode\" must be \"private\", \"vepa\", \"bridge\", \"passthru\" or \"source\", not \"",
                        v,
                        "\""
                    );
                    return Err(Stop::Ret(Code::FAILED));
                }
            };
        } else if matches(wb, "flag") {
            let v = a.value()?;
            flags |= match v.as_bytes() {
                b"nopromisc" => 1,
                b"nodst" => 2,
                b"null" => 0,
                _ => {
                    crate::errln!(
                        "Error: argument of \"flag\" must be \"nopromisc\", \"nodst\" or \"null\", not \"",
                        v,
                        "\""
                    );
                    return Err(Stop::Ret(Code::FAILED));
                }
            };
            has_flags = true;
        } else if matches(wb, "macaddr") {
            return Err(unsupported(w));
        } else if matches(wb, "nopromisc") {
            flags |= 1;
            has_flags = true;
        } else if matches(wb, "nodst") {
            flags |= 2;
            has_flags = true;
        } else if matches(wb, "bcqueuelen") {
            let v = a.value()?;
            let Some(n) = inet::get_unsigned(v.as_bytes()) else {
                crate::errln!(
                    "Error: argument of \"bcqueuelen\" must be a positive integer [0-4294967295], not \"",
                    v,
                    "\""
                );
                return Err(Stop::Ret(Code::FAILED));
            };
            m.bc_queue_len = Some(n);
        } else if matches(wb, "help") {
            eprint!("{USAGE}");
            return Err(Stop::Ret(Code::FAILED));
        } else {
            crate::errln!("macvlan: unknown option \"", w, "\"?");
            eprint!("{USAGE}");
            return Err(Stop::Ret(Code::FAILED));
        }
    }
    if mode != 0 {
        m.mode = Some(mode);
    }
    if has_flags {
        if flags & 1 != 0 && mode != 8 {
            eprintln!("macvlan: nopromisc flag only valid in passthru mode");
            eprint!("{USAGE}");
            return Err(Stop::Ret(Code::FAILED));
        }
        m.flags = Some(flags);
    }
    Ok(LinkKind::MacVlan(m))
}

fn print_macvlan(out: &mut Out, _: &mut Env<'_>, info: &LinkKindInfo) {
    let Some(KindData::Macvlan(m)) = &info.data else { return };
    let Some(mode) = m.mode else { return };
    let name = match mode {
        1 => "private",
        2 => "vepa",
        4 => "bridge",
        8 => "passthru",
        16 => "source",
        _ => "unknown",
    };
    out.string("mode", "mode ", name, " ");
    let flags = m.flags.unwrap_or(0);
    if flags & 1 != 0 {
        out.boolean("nopromisc", "nopromisc ", true);
    }
    if flags & 2 != 0 {
        out.boolean("nodst", "nodst ", true);
    }
    u(out, "bcqueuelen", "bcqueuelen ", m.bc_queue_len);
    u(out, "usedbcqueuelen", "usedbcqueuelen ", m.bc_queue_len_used);
    if mode != 16 {
        return;
    }
    let Some(count) = m.macaddr_count else { return };
    out.number("macaddr_count", "remotes (", count as i32, ") ");
    out.open_array("macaddr_data");
    for mac in &m.macaddrs {
        let s = lladdr(mac, 1);
        out.json_element(&s);
        out.text(format!("{s} "));
    }
    out.close_array();
}
