//! `netns graph FILE [--format dot|mermaid|svg|ascii|json] [--live] [-o OUT]`:
//! draw a lab from its file; `--live` overlays what the kernel has now.
//! Without `--live` it reads the file only and needs no privileges.

use crate::cli::{Ctx, Exit, Status};
use crate::lab::graph::{self, Format};
use std::ffi::OsString;

const USAGE: &str = "Usage: netns graph FILE [--format dot|mermaid|svg|ascii|json] [--live] [-o OUT]\n\
                     Draws the lab in FILE (default format: ascii; json after -j). --live marks what differs from the\n\
                     running lab: missing namespaces or interfaces, interfaces down, other addresses.";

fn usage(msg: Option<String>) -> Status {
    if let Some(m) = msg {
        eprintln!("netns graph: {m}");
    }
    eprintln!("{USAGE}");
    Err(Exit(255))
}

/// Run `netns graph ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut file: Option<String> = None;
    // `netns -j graph FILE` means JSON, as `-j` does for every other command.
    let mut format = if ctx.opts.json { Format::Json } else { Format::Ascii };
    let mut live = false;
    let mut out: Option<String> = None;
    let mut it = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = it.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match key.as_str() {
            "--format" | "-F" | "-T" => {
                let Some(v) = inline.or_else(|| it.next()) else {
                    return usage(Some("--format needs a value".into()));
                };
                match Format::parse(&v) {
                    Some(f) => format = f,
                    None => return usage(Some(format!("unknown format \"{v}\""))),
                }
            }
            "--live" => live = true,
            "-o" | "--output" => match inline.or_else(|| it.next()) {
                Some(v) => out = Some(v),
                None => return usage(Some(format!("{key} needs a file name"))),
            },
            "-f" | "--file" => match inline.or_else(|| it.next()) {
                Some(v) if file.is_none() => file = Some(v),
                Some(_) => return usage(Some("more than one lab file".into())),
                None => return usage(Some(format!("{key} needs a file name"))),
            },
            "-h" | "--help" | "help" => return usage(None),
            s if s.starts_with('-') && s != "-" => return usage(Some(format!("unknown option \"{a}\""))),
            _ if file.is_none() => file = Some(a),
            _ => return usage(Some(format!("unexpected argument \"{a}\""))),
        }
    }
    let Some(path) = file else {
        return usage(Some("which lab file?".into()));
    };
    let lab = match crate::lab::load(&path) {
        Ok((_, lab)) => lab,
        Err(e) => return super::report_load_error(e, &path),
    };
    let state = live.then(|| graph::collect_live(&lab, &ctx.run));
    let text = graph::render(&lab, state.as_ref(), format);
    match out.as_deref() {
        None | Some("-") => ctx.write(text.as_bytes()),
        Some(o) => {
            if let Err(e) = std::fs::write(o, text.as_bytes()) {
                eprintln!("netns graph: cannot write \"{o}\": {}", crate::sys::io_text(&e));
                return Ok(1);
            }
        }
    }
    Ok(0)
}
