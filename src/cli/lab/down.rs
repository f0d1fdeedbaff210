//! `netns down FILE|LAB`: remove everything a lab made.

use super::super::{Code, Ctx, Exit, Status};
use super::LabCode;
use crate::lab::down::{DownOptions, down_with};
use crate::lab::state::LabDir;
use std::ffi::OsString;

const USAGE: &str = "Usage: netns down [--skip-exec] [--exec-timeout SECONDS] FILE|LAB\n\
    Remove what the lab made: its namespaces, processes, /etc/netns files and state.\n\
    Anything else found there is left alone, and named. Works after a crash,\n\
    when things are already gone, and from the lab's name alone.\n\
    --skip-exec     do not run the file's exec_down commands\n\
    --exec-timeout  kill an exec_down command still running after SECONDS (default 10)";

/// Is `arg` a lab name (as opposed to a file)?
fn is_lab_name(arg: &str) -> bool {
    !arg.is_empty() && arg.len() <= 12 && arg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Run `netns down ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut opts = DownOptions::default();
    let mut words: Vec<String> = Vec::new();
    let mut it = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = it.next() {
        match a.as_str() {
            "-f" => {}
            "--skip-exec" => opts.skip_exec = true,
            s if s == "--exec-timeout" || s.starts_with("--exec-timeout=") => {
                let value = s.split_once('=').map(|(_, v)| v.to_string()).or_else(|| it.next());
                match super::exec_timeout(value) {
                    Ok(t) => crate::lab::procs::set_exec_timeout(t),
                    Err(msg) => {
                        eprintln!("netns down: {msg}\n{USAGE}");
                        return Err(Exit::FAILURE);
                    }
                }
            }
            _ => words.push(a),
        }
    }
    let [target] = words.as_slice() else {
        eprintln!("{USAGE}");
        return Err(Exit::FAILURE);
    };
    if matches!(target.as_str(), "-h" | "--help" | "help") {
        eprintln!("{USAGE}");
        return Err(Exit::FAILURE);
    }
    if let Some(status) = super::need_privilege("down") {
        return status;
    }
    // A lab name wins unless a file of that name exists.
    let mut from_file_name = None;
    let lab = if std::path::Path::new(target).is_file() || !is_lab_name(target) {
        match crate::lab::load(target) {
            Ok((_, lab)) => Some(lab),
            Err((src, diags)) => {
                // `down` needs only the lab's name: a file that no longer
                // validates still names its lab, and the lab still goes,
                // from its state and its marks.
                match src.as_ref().and_then(|s| crate::lab::labfile::lenient_name(&s.text)) {
                    Some(n) => {
                        eprintln!(
                            "netns down: {target} does not validate ({} problem{}, first: {}); \
                             taking lab {n} down from its state and ownership marks, \
                             without this file's exec_down commands",
                            diags.len(),
                            if diags.len() == 1 { "" } else { "s" },
                            diags
                                .first()
                                .map_or(String::new(), |d| src.as_ref().map_or(d.message.clone(), |s| s.render(d)))
                        );
                        from_file_name = Some(n);
                        None
                    }
                    None => {
                        super::report(target, src.as_ref(), &diags);
                        return Ok(LabCode::INVALID);
                    }
                }
            }
        }
    } else {
        None
    };
    let name = lab.as_ref().map(|l| l.name.clone()).or(from_file_name.clone()).unwrap_or(target.clone());
    // `down LAB`: the file the lab came up from still says what its
    // exec_down commands are, if it is readable and still that lab.
    let lab = lab.or_else(|| {
        let state = LabDir::from_env().read(&name)?;
        crate::lab::load(&state.file).ok().map(|(_, l)| l).filter(|l| l.name == name)
    });
    if opts.skip_exec && lab.as_ref().is_some_and(|l| l.nodes.iter().any(|n| !n.exec_down.is_empty())) {
        eprintln!("netns down: --skip-exec: the exec_down commands of lab {name} were not run");
    }
    let report = match down_with(&ctx.run, &LabDir::from_env(), &name, lab.as_ref(), opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("netns down: {e}");
            return Ok(LabCode::FAILED);
        }
    };
    for s in &report.skipped {
        eprintln!("netns down: left alone: {s}");
    }
    for w in &report.warnings {
        eprintln!("netns down: warning: {w}");
    }
    for e in &report.errors {
        eprintln!("netns down: {e}");
    }
    let mut out = if report.namespaces == 0 && report.processes == 0 {
        format!("lab {name} is down: nothing was left to remove\n")
    } else {
        format!(
            "lab {name} is down: removed {} namespace{}{}\n",
            report.namespaces,
            if report.namespaces == 1 { "" } else { "s" },
            match report.processes {
                0 => String::new(),
                1 => ", ended 1 process".into(),
                n => format!(", ended {n} processes"),
            }
        )
    };
    if report.killed > 0 {
        // Said on the summary line: a service that ignores SIGTERM is
        // worth knowing about.
        out.truncate(out.trim_end().len());
        out.push_str(&format!(
            " ({} ignored SIGTERM for {} s and {} killed with SIGKILL)\n",
            report.killed,
            crate::lab::down::STOP_GRACE.as_secs(),
            if report.killed == 1 { "was" } else { "were" }
        ));
    }
    if !report.errors.is_empty() {
        out = format!("lab {name}: down did not finish; run it again after fixing the errors above\n");
    }
    ctx.write(out.as_bytes());
    Ok(if report.errors.is_empty() { Code::SUCCESS } else { LabCode::FAILED })
}
