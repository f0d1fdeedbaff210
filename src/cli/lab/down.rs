//! `netns down FILE|LAB`: remove everything a lab made.

use super::super::{Ctx, Exit, Status};
use crate::lab::down::down;
use crate::lab::state::LabDir;
use std::ffi::OsString;

const USAGE: &str = "Usage: netns down FILE|LAB\n\
    Remove every namespace, process, /etc/netns entry and state of the lab.\n\
    Works after a crash, and when things are already gone.";

/// Is `arg` a lab name (as opposed to a file)?
fn is_lab_name(arg: &str) -> bool {
    !arg.is_empty() && arg.len() <= 12 && arg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Run `netns down ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let words: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).filter(|a| a != "-f").collect();
    let [target] = words.as_slice() else {
        eprintln!("{USAGE}");
        return Err(Exit(255));
    };
    if matches!(target.as_str(), "-h" | "--help" | "help") {
        eprintln!("{USAGE}");
        return Err(Exit(255));
    }
    if let Some(status) = super::need_privilege("down") {
        return status;
    }
    // A lab name wins unless a file of that name exists.
    let lab = if std::path::Path::new(target).is_file() || !is_lab_name(target) {
        match super::load_or_report(target) {
            Ok((_, lab)) => Some(lab),
            Err(status) => return status,
        }
    } else {
        None
    };
    let name = lab.as_ref().map_or(target.clone(), |l| l.name.clone());
    // `down LAB`: the file the lab came up from still says what its
    // exec_down commands are, if it is readable and still that lab.
    let lab = lab.or_else(|| {
        let state = LabDir::from_env().read(&name)?;
        crate::lab::load(&state.file).ok().map(|(_, l)| l).filter(|l| l.name == name)
    });
    let report = match down(&ctx.run, &LabDir::from_env(), &name, lab.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("netns down: {e}");
            return Ok(1);
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
    if !report.errors.is_empty() {
        out = format!("lab {name}: down did not finish; run it again after fixing the errors above\n");
    }
    ctx.write(out.as_bytes());
    Ok(if report.errors.is_empty() { 0 } else { 1 })
}
