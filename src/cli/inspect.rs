//! `netns inspect [NAME…|--all]`.

use super::{Code, Ctx, Exit, Status};
use crate::inspect::{Target, collect, render};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// Run `inspect ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut targets = Vec::new();
    for a in args {
        match a.as_bytes() {
            b"--all" | b"-a" | b"-all" => {
                // The namespace netns runs in (the root one, on a host) and
                // every named one.
                targets.push(Target::Current);
                // A run directory that cannot be read is reported by collect.
                for n in ctx.run.names().unwrap_or_default() {
                    targets.push(Target::Named(n));
                }
            }
            b"--root" => targets.push(Target::Root),
            b"-h" | b"--help" | b"help" => {
                eprintln!(
                    "Usage: netns [-j [-p]] [-n NAME] inspect [NAME… | --all | --root]\n\
                     Without a name: the namespace netns runs in (after -n NAME, that one)."
                );
                return Err(Exit::FAILURE);
            }
            _ => targets.push(Target::Named(a.clone())),
        }
    }
    if targets.is_empty() {
        targets.push(Target::Current);
    }
    let run = ctx.run.clone();
    let (json, pretty) = (ctx.opts.json, ctx.opts.pretty);
    let found = match collect(&run, ctx.netlink()?, &targets) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{e}");
            return Ok(Code::FAILED);
        }
    };
    // What could be read is shown; what could not is said, and fails the
    // command.
    for f in &found.failures {
        eprintln!("{f}");
    }
    let views = &found.views;
    if !views.is_empty() || json {
        let out = if json { render::json(views, pretty) } else { render::text_all(views) };
        ctx.write(out.as_bytes());
    }
    Ok(if found.failures.is_empty() { Code::SUCCESS } else { Code::FAILED })
}
