//! `netns prune [--dry-run] [-j] [--min-age SECONDS]`.

use super::{Ctx, Exit, Status};
use crate::lab::owner::parse_mark;
use crate::lab::state::LabDir;
use crate::prune::{self, Action, Claims, Options, Outcome, render};
use std::collections::HashMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

const USAGE: &str = "Usage: netns [-j [-p]] prune [--dry-run] [--min-age SECONDS]\n\
    Remove the names in the run directory that nothing uses: namespaces with no\n\
    process and no interface up but lo, and stale placeholders. Names of labs,\n\
    names a process holds, names younger than --min-age (default 10) seconds,\n\
    and anything that is not a namespace or a placeholder (symbolic links\n\
    included) are kept. --dry-run lists what would go, and why, and changes nothing.";

fn usage(msg: Option<String>) -> Status {
    if let Some(m) = msg {
        eprintln!("netns prune: {m}");
    }
    eprintln!("{USAGE}");
    Err(Exit::FAILURE)
}

/// Run `prune ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut dry_run = false;
    // `-j`/`-p` after the word apply to this command only (a batch file
    // goes on with its own options).
    let (mut json, mut pretty) = (ctx.opts.json, ctx.opts.pretty);
    let mut min_age = prune::DEFAULT_MIN_AGE;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_bytes() {
            b"--dry-run" | b"-dry-run" => dry_run = true,
            b"-j" | b"-json" | b"--json" => json = true,
            b"-p" | b"-pretty" | b"--pretty" => pretty = true,
            b"--min-age" | b"-min-age" => {
                let Some(v) = it.next() else { return usage(Some("--min-age needs a number of seconds".into())) };
                match v.to_str().and_then(|s| s.parse().ok()) {
                    Some(n) => min_age = n,
                    None => {
                        return usage(Some(format!(
                            "--min-age: \"{}\" is not a number of seconds",
                            v.to_string_lossy()
                        )));
                    }
                }
            }
            b"-h" | b"--help" | b"help" => return usage(None),
            _ => return usage(Some(format!("unexpected argument \"{}\"", a.to_string_lossy()))),
        }
    }
    let opts = Options { min_age, can_enter: prune::can_enter() };
    if !dry_run && !opts.can_enter {
        eprintln!(
            "netns prune: prune needs root: removing a name unmounts it and judging a namespace enters it \
             (CAP_SYS_ADMIN); `netns prune --dry-run` shows what it would remove"
        );
        return Ok(1);
    }
    let claims = Claims { listed: lab_claims(), mark: parse_mark };
    let run = ctx.run.clone();
    let mut survey = match prune::survey(&run, &claims, &opts) {
        Ok(s) => s,
        Err(msg) => {
            crate::sys::eprint_line(&msg);
            return Ok(1);
        }
    };
    if !json {
        // The list first, on its own: it stands even if a removal hangs.
        ctx.write(render::plan(&run, &survey, dry_run).as_bytes());
        ctx.flush();
    }
    if !opts.can_enter {
        let undecided = survey.entries.iter().filter(|j| j.action == Action::Unknown).count();
        if undecided > 0 {
            eprintln!(
                "netns prune: {undecided} not judged without root (a namespace's interfaces and lab mark are \
                 read from inside it): try `sudo netns prune --dry-run`"
            );
        }
    }
    let mut failed = 0;
    if !dry_run {
        prune::remove(&run, &claims, &opts, &mut survey, &mut |j| {
            if let Outcome::Failed(e) = &j.outcome {
                failed += 1;
                eprintln!("netns prune: cannot remove {}: {e}", crate::rundir::escape_name(j.name.as_os_str()));
            }
        });
    }
    if json {
        ctx.write(&render::json(&survey, pretty));
    } else {
        ctx.write(render::removed(&survey).as_bytes());
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

/// Every namespace name a lab's state lists, with its lab and node. (The
/// ownership marks are read from the namespaces themselves.)
fn lab_claims() -> HashMap<OsString, (String, String)> {
    let labdir = LabDir::from_env();
    let mut out = HashMap::new();
    for lab in labdir.labs() {
        let Some(state) = labdir.read(&lab) else { continue };
        for r in state.namespaces {
            out.insert(OsString::from(r.ns), (state.lab.clone(), r.node));
        }
    }
    out
}
