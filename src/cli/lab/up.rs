//! `netns up FILE [--plan]`: build a lab, or bring a running one back in
//! line with its file.

use super::super::{Code, Ctx, Exit, Status};
use super::LabCode;
use crate::lab::apply::Progress;
use crate::lab::plan::{Action, describe};
use crate::lab::runtime;
use crate::lab::state::LabDir;
use crate::lab::up::{UpError, UpOptions, up};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::time::Instant;

const USAGE: &str = "Usage: netns up [--plan | --test] [--replace] [--exec-timeout SECONDS] FILE\n\
    Build the lab FILE describes, or change a running lab to match it.\n\
    --plan          print what would change, change nothing\n\
    --test          then check every [[expect]] (as `netns test FILE`)\n\
    --replace       replace a running lab of the same name that came up from another file\n\
    --exec-timeout  kill an `exec` command still running after SECONDS (default 10)";

/// A progress bar on a terminal, nothing in a pipe.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new(total: usize) -> Bar {
        if total < 2 || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg:24} [{bar:30}] {pos}/{len}") {
            bar.set_style(style.progress_chars("=> "));
        }
        Bar(Some(bar))
    }
}

impl Progress for Bar {
    fn start(&mut self, total: usize) {
        *self = Bar::new(total);
    }

    fn step(&mut self, n: usize, phase: &str) {
        if let Some(b) = &self.0 {
            b.set_message(phase.to_string());
            b.inc(n as u64);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

/// Counts for the one-line summary of a first `up`.
fn summary(actions: &[Action]) -> String {
    let mut ns = 0;
    let mut links = 0;
    let mut addrs = 0;
    let mut routes = 0;
    let mut procs = 0;
    for a in actions {
        match a {
            Action::CreateNs { .. } => ns += 1,
            Action::CreateVeth { .. } => links += 1,
            Action::AddAddr { .. } => addrs += 1,
            Action::AddRoute { .. } => routes += 1,
            Action::StartRun { .. } => procs += 1,
            _ => {}
        }
    }
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![
        plural(ns, "namespace", "namespaces"),
        plural(links, "link", "links"),
        plural(addrs, "address", "addresses"),
        plural(routes, "route", "routes"),
    ];
    if procs > 0 {
        parts.push(plural(procs, "process", "processes"));
    }
    parts.join(", ")
}

/// Run `netns up ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut plan_only = false;
    let mut then_test = false;
    let mut replace = false;
    let mut file = None;
    let mut args = args.iter();
    while let Some(a) = args.next() {
        match a.to_str() {
            Some("--plan") | Some("--dry-run") => plan_only = true,
            Some("--test") => then_test = true,
            Some("--replace") => replace = true,
            Some(s) if s == "--exec-timeout" || s.starts_with("--exec-timeout=") => {
                let value = match s.split_once('=') {
                    Some((_, v)) => Some(v.to_string()),
                    None => args.next().map(|v| v.to_string_lossy().into_owned()),
                };
                match super::exec_timeout(value) {
                    Ok(t) => crate::lab::procs::set_exec_timeout(t),
                    Err(msg) => {
                        eprintln!("netns up: {msg}\n{USAGE}");
                        return Err(Exit::FAILURE);
                    }
                }
            }
            Some("-f") | Some("--file") => {}
            Some("-h") | Some("--help") | Some("help") => {
                eprintln!("{USAGE}");
                return Err(Exit::FAILURE);
            }
            Some(s) if s.starts_with('-') && s.len() > 1 => {
                eprintln!("netns up: unknown option {s}\n{USAGE}");
                return Err(Exit::FAILURE);
            }
            _ if file.is_none() => file = Some(a.to_string_lossy().into_owned()),
            _ => {
                eprintln!("netns up: one lab file at a time\n{USAGE}");
                return Err(Exit::FAILURE);
            }
        }
    }
    let Some(path) = file else {
        eprintln!("{USAGE}");
        return Err(Exit::FAILURE);
    };
    if let Some(status) = super::need_privilege("up") {
        return status;
    }
    let (src, lab, abs) = match super::load_with_path_or_report(&path) {
        Ok(l) => l,
        Err(status) => return status,
    };
    // The state records the file by the path that names it for good (not
    // `/dev/stdin`, not a relative path): `down`, `status` and the next
    // `up` find it again by that path.
    let Some(abs) = abs else {
        eprintln!("netns up: {path}: cannot tell the absolute path of this file (deleted?); give its path");
        return Ok(LabCode::FAILED);
    };
    let labdir = LabDir::from_env();
    let started = Instant::now();
    let opts = UpOptions { plan_only, observe: false, file: abs, replace };
    let mut bar = Bar::new(0);
    // Ctrl-C and SIGTERM stop the work at a safe point (see
    // crate::lab::interrupt) rather than midway.
    let catching = crate::lab::interrupt::catch();
    let result = up(&lab, &ctx.run, &labdir, &opts, &mut bar);
    drop(bar);
    let interrupted = crate::lab::interrupt::requested();
    drop(catching);
    let report = match result {
        Ok(r) => r,
        Err(UpError::Refused(diags)) => {
            for d in &diags {
                eprintln!("{}", src.render(d));
            }
            eprintln!("netns up: nothing was changed.");
            return Ok(LabCode::FAILED);
        }
        Err(UpError::Failed { rolled_back, rollback, .. }) if interrupted.is_some() => {
            for p in &rollback {
                eprintln!("netns up: rollback: {p}");
            }
            let sig = interrupted.map_or(libc::SIGINT, |s| s as i32);
            if rolled_back {
                eprintln!("netns up: interrupted: rolled back lab {0}: nothing of it is left.", lab.name);
            } else {
                eprintln!(
                    "netns up: interrupted: lab {0} is partly up. Run `netns up {path}` again to finish it, \
                     or `netns down {0}` to remove it.",
                    lab.name
                );
            }
            // As a shell reports a command its signal ended.
            return Ok(LabCode::SIGNALLED + sig);
        }
        Err(UpError::Failed { error, rolled_back, rollback }) => {
            eprintln!("netns up: lab {} failed: {error}", lab.name);
            for p in &rollback {
                eprintln!("netns up: rollback: {p}");
            }
            if rolled_back {
                eprintln!("netns up: rolled back: nothing of lab {} is left.", lab.name);
            } else {
                eprintln!(
                    "netns up: lab {0} is partly up. Fix the cause and run `netns up {path}` again, \
                     or remove it with `netns down {0}`.",
                    lab.name
                );
            }
            return Ok(LabCode::FAILED);
        }
    };
    let actions = &report.plan.actions;
    let mut out = String::new();
    if actions.is_empty() {
        out.push_str(&format!("lab {} is up to date: no changes\n", lab.name));
    } else if plan_only || !report.fresh {
        // Steps that undo a `netns lab` change say so.
        for a in actions {
            match report.runtime.iter().find(|r| runtime::undoes(&lab, r, a)) {
                Some(rec) => out.push_str(&format!(
                    "{}: {}:{} {} (was {} at runtime)",
                    if plan_only { "restore" } else { "restored" },
                    rec.node,
                    rec.ifname,
                    runtime::restored_text(rec, a),
                    rec.change.text()
                )),
                None => out.push_str(&describe(&lab, a)),
            }
            out.push('\n');
        }
        if plan_only {
            out.push_str(&format!("lab {}: {} change(s) planned, none made (--plan)\n", lab.name, actions.len()));
        } else {
            out.push_str(&format!(
                "lab {}: {} change(s) made in {:.2} s\n",
                lab.name,
                actions.len(),
                started.elapsed().as_secs_f64()
            ));
        }
    } else {
        out.push_str(&format!(
            "lab {} is up: {} in {:.2} s\n",
            lab.name,
            summary(actions),
            started.elapsed().as_secs_f64()
        ));
    }
    ctx.write(out.as_bytes());
    if then_test && !plan_only && !lab.expects.is_empty() {
        ctx.flush();
        return Ok(super::test::test_lab(
            ctx,
            &lab,
            &path,
            &super::test::TestOpts { timeout: std::time::Duration::from_secs(1), ..Default::default() },
        ));
    }
    Ok(Code::SUCCESS)
}
