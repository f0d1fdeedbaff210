//! `netns find WHAT… [--all] [-j [-p]]`.
//!
//! Exit status, as grep's: 0 when something matched (a default route
//! alone covering an address is no match), 1 when nothing did
//! and every namespace was searched, 2 when nothing matched but some
//! namespace or process could not be read (the answer may be missing);
//! 255 for a command line that is not understood.

use super::{Ctx, Exit, Status};
use crate::find::{Query, render, search};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

pub const USAGE: &str = "\
Usage: netns [-j [-p]] find WHAT... [--all] [-j] [-p]
WHAT := ADDRESS | PREFIX | MAC | IFNAME | GLOB | PID | PROCESS-NAME | :PORT | tcp:PORT | udp:PORT
Searches every named namespace, the root namespace and the current one;
--all: also every unnamed namespace a process holds. Nothing is run inside
a namespace and nothing is changed.
Namespaces that reach an ADDRESS only by their default route are counted
on one line (-j lists each); they alone are no match.
Exit status: 0 found, 1 not found, 2 not found and something could not be read.
";

fn usage_error(msg: &str) -> Exit {
    eprintln!("netns find: {msg}");
    eprint!("{USAGE}");
    Exit::FAILURE
}

/// How many namespaces a grouped failure names before "and N more".
const NAMED_IN_FAILURE: usize = 3;

/// Run `find ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    // Options after the subcommand apply to this command only (a batch
    // file's next line keeps the global ones).
    let (mut all, mut json, mut pretty) = (ctx.opts.all, ctx.opts.json, ctx.opts.pretty);
    let mut queries = Vec::new();
    let mut words = Vec::new();
    let mut options_done = false;
    for a in args {
        let b = a.as_bytes();
        if !options_done && b.starts_with(b"-") && b.len() > 1 {
            match b {
                b"--" => options_done = true,
                b"--all" | b"-all" | b"-a" => all = true,
                b"-j" | b"-json" | b"--json" => json = true,
                b"-p" | b"-pretty" | b"--pretty" => pretty = true,
                b"-h" | b"-help" | b"--help" => {
                    eprint!("{USAGE}");
                    return Err(Exit::FAILURE);
                }
                _ => {
                    let shown = crate::procscan::printable(b);
                    return Err(usage_error(&format!(
                        "\"{shown}\" is an unknown option (a WHAT that starts with \"-\" goes after \"--\")"
                    )));
                }
            }
            continue;
        }
        match Query::parse(b) {
            // The same WHAT twice is one question.
            Ok(q) if queries.contains(&q) => {}
            Ok(q) => {
                queries.push(q);
                words.push(crate::procscan::printable(b));
            }
            Err(bad) => return Err(usage_error(&format!("{bad}"))),
        }
    }
    if queries.is_empty() {
        return Err(usage_error("nothing to find: give at least one WHAT"));
    }
    let run = ctx.run.clone();
    let found = search(&run, &queries, all, ctx.netlink()?);
    report_failures(&found);
    for note in &found.notes {
        crate::sys::eprint_line(format!("netns find: {note}").as_bytes());
    }
    let out = if json { render::json(&found, &words, pretty) } else { render::text(&found, &words) };
    ctx.write(out.as_bytes());
    // A default route covers every address: reaching one only that way
    // does not make it found (`if ! netns find IP` asks whether anything
    // has or specifically routes it).
    Ok(if found.hits.iter().any(|h| !render::by_default_route(h)) {
        0
    } else if found.failures.is_empty() {
        1
    } else {
        2
    })
}

/// Each failure once: the same message from many namespaces (a port
/// query, a user who may not enter them) is one line naming a few.
fn report_failures(found: &crate::find::Found) {
    let mut by_message: BTreeMap<&str, Vec<Option<usize>>> = BTreeMap::new();
    let mut order = Vec::new();
    for f in &found.failures {
        let e = by_message.entry(f.message.as_str()).or_default();
        if e.is_empty() {
            order.push(f.message.as_str());
        }
        e.push(f.ns);
    }
    for message in order {
        let namespaces: Vec<String> =
            by_message[message].iter().flatten().map(|&i| render::label(&found.namespaces[i])).collect();
        let line = match namespaces.len() {
            0 => format!("netns find: {message}"),
            1 => format!("netns find: {}: {message}", namespaces[0]),
            n => {
                let shown = namespaces.iter().take(NAMED_IN_FAILURE).cloned().collect::<Vec<_>>().join(", ");
                let more =
                    if n > NAMED_IN_FAILURE { format!(" and {} more", n - NAMED_IN_FAILURE) } else { String::new() };
                format!("netns find: {message} (in {n} namespaces: {shown}{more})")
            }
        };
        crate::sys::eprint_line(line.as_bytes());
    }
}
