//! Entry points for the fuzz targets under `fuzz/` and the tests that
//! replay their corpus: each hands untrusted bytes to one reader of the
//! program's input, exactly as the program would, and changes nothing on
//! the machine. Not part of the library's API.
//!
//! | entry point | the reader | input it stands for |
//! |---|---|---|
//! | [`lab_file`] | lab parser, `for` expansion and checks | a lab file (`validate`, `up`, …) |
//! | [`batch_file`] | batch-file reader | `-batch FILE` |
//! | [`global_options`] | the scan of the global options | the command line |
//! | [`netlink_replies`] | the netlink reply decoder | a datagram from the kernel |
//! | [`nftables_dump`] | the nf_tables decoder, the rule text and the `firewall` table | messages of a ruleset dump |
//! | [`xtables_table`] | the x_tables entry walk, the legacy rule text and the `firewall` table | a legacy table's layout and entries |

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// Parse, expand and check a lab file, then render every diagnostic as
/// `validate` prints it. Returns how many diagnostics there were.
pub fn lab_file(text: &str) -> usize {
    use crate::lab::{Source, parse, validate};
    let src = Source { path: "fuzz.toml".into(), text: text.into() };
    let diags = match parse::parse(&src) {
        Ok(lab) => validate::check(&lab),
        Err(diags) => diags,
    };
    for d in &diags {
        let _ = src.render(d);
    }
    diags.len()
}

/// Split a batch file into logical lines and words, as `-batch` reads it.
/// Returns how many lines there were.
pub fn batch_file(bytes: &[u8]) -> usize {
    crate::cli::batch_split_lines(bytes).len()
}

/// Scan the global options of a command line (program name excluded), as
/// `netns` does before running a command; `-n NAME` is accepted without
/// switching. Returns how many words are left for the command, or `None`
/// when the scan ends the run (an error, help or version).
pub fn global_options(args: &[&[u8]]) -> Option<usize> {
    let args = args.iter().map(|a| OsString::from_vec(a.to_vec())).collect();
    crate::cli::scan_options_without_switch(args)
}

/// Split one receive buffer into netlink messages and decode them. Returns
/// how many there were, or `None` for a malformed buffer.
pub fn netlink_replies(buf: &[u8]) -> Option<usize> {
    crate::netlink::decode_replies(buf).ok()
}

/// Decode nf_tables dump messages, put every rule in words and render the
/// `firewall` table. `data` is a sequence of messages, each one byte of
/// type (`NFT_MSG_NEW*`, modulo 13), two bytes of length (little-endian)
/// and the payload. Returns the length of the text.
pub fn nftables_dump(data: &[u8]) -> usize {
    let mut msgs = Vec::new();
    let mut rest = data;
    while let [kind, a, b, tail @ ..] = rest {
        let len = usize::from(u16::from_le_bytes([*a, *b])).min(tail.len());
        msgs.push((u16::from(*kind % 13), &tail[..len]));
        rest = &tail[len..];
    }
    let nf = crate::netlink::netfilter::NfRuleset::from_messages(msgs);
    crate::shared::firewall::text::render(&[crate::shared::firewall::nft::ruleset(&nf)]).len()
}

/// Walk a legacy iptables table, put every rule in words and render the
/// `firewall` table. `data` is one byte of family (even: IPv4, odd: IPv6),
/// the 84 bytes of `IPT_SO_GET_INFO`'s answer and the entries. Returns the
/// length of the text, or `None` when the buffers were refused.
pub fn xtables_table(data: &[u8]) -> Option<usize> {
    use crate::xtables::{XtFamily, parse_entries, parse_info};
    let (fam, rest) = data.split_first()?;
    let fam = if fam % 2 == 0 { XtFamily::Ipv4 } else { XtFamily::Ipv6 };
    let (info, entries) = rest.split_at_checked(84)?;
    let (mut table, _) = parse_info(fam, info).ok()?;
    table.entries = parse_entries(fam, entries).ok()?;
    let rs = crate::shared::firewall::legacy::ruleset(&[table]);
    Some(crate::shared::firewall::text::render(&[rs]).len())
}
