//! `netns graph FILE [--format dot|mermaid|svg|ascii|json] [--live] [-o OUT]`:
//! draw a lab from its file; `--live` overlays what the kernel has now.
//! Without `--live` it reads the file only and needs no privileges.

use super::LabCode;
use crate::cli::{Code, Ctx, Status};
use crate::lab::graph::{self, Format};
use std::ffi::OsString;

const USAGE: &str = "Usage: netns graph FILE [--format dot|mermaid|svg|ascii|json] [--live] [-o OUT]\n\
                     Draws the lab in FILE (default format: ascii; json after -j). --live marks what differs from the\n\
                     running lab: missing namespaces or interfaces, interfaces down, other addresses.";

fn usage(msg: Option<String>) -> Status {
    super::usage_error("graph", USAGE, msg)
}

/// Run `netns graph ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    // `netns -j graph FILE` means JSON, as `-j` does for every other command.
    let mut format = if ctx.opts.json { Format::Json } else { Format::Ascii };
    let mut live = false;
    let mut out: Option<String> = None;
    let path = match super::file_and_options(args, &usage, &mut |opt| match opt.key {
        "--format" | "-F" | "-T" => {
            let v = opt.value().ok_or("--format needs a value")?;
            format = Format::parse(&v).ok_or_else(|| format!("unknown format \"{v}\""))?;
            Ok(true)
        }
        "--live" => {
            live = true;
            Ok(true)
        }
        "-o" | "--output" => {
            out = Some(opt.value().ok_or_else(|| format!("{} needs a file name", opt.key))?);
            Ok(true)
        }
        _ => Ok(false),
    }) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let lab = match super::load_or_report(&path) {
        Ok((_, lab)) => lab,
        Err(status) => return status,
    };
    let state = live.then(|| graph::collect_live(&lab, &ctx.run));
    let text = graph::render(&lab, state.as_ref(), format);
    match out.as_deref() {
        None | Some("-") => ctx.write(text.as_bytes()),
        Some(o) => {
            // The drawing never replaces the lab file it was drawn from,
            // whatever path names it.
            if crate::lab::files::Dir::same_file(std::path::Path::new(o), std::path::Path::new(&path)) {
                eprintln!("netns graph: \"{o}\" is the lab file itself; not overwriting it (choose another -o)");
                return Ok(LabCode::FAILED);
            }
            // A fresh file renamed into place: a symlink at `o` is replaced,
            // never followed, and a failed write leaves the old file.
            if let Err(e) = crate::lab::files::write_atomic(std::path::Path::new(o), text.as_bytes()) {
                eprintln!("netns graph: cannot write \"{o}\": {}", crate::sys::io_text(&e));
                return Ok(LabCode::FAILED);
            }
        }
    }
    Ok(Code::SUCCESS)
}
