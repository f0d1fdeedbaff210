//! `netns [-j [-p]] [-n NAME] firewall [NAME…|--all|--root]`: the
//! firewall of namespaces, read natively (see [`crate::shared::firewall`]),
//! as an `iptables -vnL`-style table per chain, or JSON.

use super::{Ctx, Exit, Status};
use crate::namespace::{NetNs, not_a_namespace};
use crate::rundir::NsName;
use crate::shared::firewall::{self, ReadError, Ruleset};
use serde::Serialize;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

const USAGE: &str = "Usage: netns [-j [-p]] [-n NAME] firewall [NAME… | --all | --root] [-j [-p]]\n\
Without a name: the namespace netns runs in (after -n NAME, that one).\n\
--all: that one and every named namespace, read in parallel.\n";

/// Which namespace to read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// The one netns runs in.
    Current,
    /// PID 1's.
    Root,
    /// A name in the run directory.
    Named(OsString),
}

/// What `-j` prints for one namespace.
#[derive(Serialize)]
struct View {
    /// The namespace's name; `None` for the current or root one.
    name: Option<String>,
    /// `(current)` or `(root)` for a namespace reached without a name.
    #[serde(skip_serializing_if = "Option::is_none")]
    special: Option<&'static str>,
    rulesets: Vec<Ruleset>,
}

/// Run `firewall ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut targets = Vec::new();
    // `-j`/`-p` after the word apply to this command only (a batch file
    // goes on with its own options).
    let (mut json, mut pretty) = (ctx.opts.json, ctx.opts.pretty);
    for a in args {
        match a.as_bytes() {
            b"-j" | b"-json" | b"--json" => json = true,
            b"-p" | b"-pretty" | b"--pretty" => pretty = true,
            b"--all" | b"-a" | b"-all" => {
                targets.push(Target::Current);
                match ctx.run.names() {
                    Ok(names) => targets.extend(names.into_iter().map(Target::Named)),
                    Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
                    Err(e) => {
                        eprintln!(
                            "Cannot open netns runtime directory \"{}\": {}",
                            ctx.run.path().display(),
                            crate::sys::io_text(&e)
                        );
                        return Ok(1);
                    }
                }
            }
            b"--root" => targets.push(Target::Root),
            b"-h" | b"--help" | b"help" => {
                eprint!("{USAGE}");
                return Err(Exit::FAILURE);
            }
            w if w.starts_with(b"-") => {
                crate::errln!("firewall: unknown option \"", a, "\"");
                eprint!("{USAGE}");
                return Err(Exit::FAILURE);
            }
            _ => targets.push(Target::Named(a.clone())),
        }
    }
    if targets.is_empty() {
        targets.push(Target::Current);
    }
    // Names are checked and turned into paths here: the run directory's
    // handle stays on this thread.
    let resolved: Vec<(Target, Result<std::path::PathBuf, String>)> = targets
        .iter()
        .map(|t| {
            let path = match t {
                Target::Named(n) => path_of(&ctx.run, n),
                _ => Ok(std::path::PathBuf::new()),
            };
            (t.clone(), path)
        })
        .collect();
    // The current namespace is read on this thread (after `-n NAME` it is
    // that one); the others each on a worker that switches in for the
    // socket only, two workers sharing the list.
    let read_one = |(t, path): &(Target, Result<std::path::PathBuf, String>)| -> Result<View, String> {
        let (name, special) = match t {
            Target::Current => (None, Some("(current)")),
            Target::Root => (None, Some("(root)")),
            Target::Named(n) => (Some(n.to_string_lossy().into_owned()), None),
        };
        let shown = name.clone().map_or_else(|| special.unwrap_or_default().to_string(), |n| format!("\"{n}\""));
        let read = match t {
            Target::Current => firewall::read_here(),
            Target::Root => {
                let ns = NetNs::open_path("/proc/1/ns/net")
                    .map_err(|e| format!("Cannot open network namespace \"(root)\": {}", crate::sys::io_text(&e)))?;
                firewall::read(&ns)
            }
            Target::Named(n) => firewall::read(&open_named(n, path.clone()?)?),
        };
        let rulesets = read.map_err(|e| describe(&shown, &e))?;
        Ok(View { name, special, rulesets })
    };
    let results: Vec<Result<View, String>> = if targets.len() == 1 {
        vec![read_one(&resolved[0])]
    } else {
        crate::sys::reserve_fds(64 + 2 * targets.len());
        let parts = crate::shared::parallel::shares(&resolved, 2);
        crate::shared::parallel::run(parts, |share| share.iter().map(read_one).collect())
    };
    let mut failed = false;
    let mut views = Vec::new();
    for r in results {
        match r {
            Ok(v) => views.push(v),
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    let out = if json {
        let mut s = if pretty { serde_json::to_string_pretty(&views) } else { serde_json::to_string(&views) }
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        s.push('\n');
        s
    } else if targets.len() == 1 {
        views.first().map(|v| firewall::text::render(&v.rulesets)).unwrap_or_default()
    } else {
        let blocks: Vec<String> = views
            .iter()
            .map(|v| {
                let label = v.name.clone().unwrap_or_else(|| v.special.unwrap_or_default().to_string());
                format!("netns {label}\n{}", firewall::text::render(&v.rulesets))
            })
            .collect();
        blocks.join("\n")
    };
    ctx.write(out.as_bytes());
    Ok(if failed { 1 } else { 0 })
}

fn describe(shown: &str, e: &ReadError) -> String {
    format!("Cannot read the firewall of network namespace {shown}: {e}")
}

/// The path of name `n` in the run directory, once the name is checked.
fn path_of(run: &crate::rundir::RunDir, n: &OsString) -> Result<std::path::PathBuf, String> {
    let name = NsName::existing(n).map_err(|e| e.to_string())?;
    Ok(run.entry(&name))
}

/// Open the namespace named `n` at `path`; the error names it and says
/// what is there instead.
fn open_named(n: &OsString, path: std::path::PathBuf) -> Result<NetNs, String> {
    let cannot = |why: String| format!("Cannot open network namespace \"{}\": {why}", n.to_string_lossy());
    if let Some(what) = not_a_namespace(&path) {
        return Err(cannot(format!("not a network namespace ({what})")));
    }
    NetNs::open_path(&path).map_err(|e| cannot(crate::sys::io_text(&e)))
}
