//! `netns validate FILE`: every problem of a lab file, without privileges
//! and without changing anything.

use super::{LabCode, load_or_report};
use crate::cli::{Code, Ctx, Exit, Status};
use crate::lab::{Diag, Lab, Source, features};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

const USAGE: &str = "Usage: netns validate FILE\n\
                     Checks a lab file (schema, names, addresses, routes) without changing anything.";

/// Run `netns validate ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let path = match args {
        // Anything that looks like an option is not a file name here.
        [a] if a.as_bytes() != b"help" && !a.as_bytes().starts_with(b"-") => a.to_string_lossy().into_owned(),
        _ => {
            eprintln!("{USAGE}");
            return Err(Exit::FAILURE);
        }
    };
    let (src, lab) = match load_or_report(&path) {
        Ok(x) => x,
        Err(status) => return status,
    };
    let mut diags: Vec<Diag> = Vec::new();
    // Names that belong to namespaces this lab did not make.
    match crate::lab::owner::collisions(&ctx.run, &lab) {
        Some(d) => diags.extend(d),
        None => eprintln!("{path}: note: existing namespaces were not checked for name clashes (that needs root)"),
    }
    match features::missing(&lab) {
        Ok(Some(d)) => diags.extend(d),
        Ok(None) => eprintln!("{path}: note: kernel features were not checked (that needs root)"),
        Err(e) => eprintln!("{path}: note: kernel features were not checked: {e}"),
    }
    if !diags.is_empty() {
        for d in &diags {
            eprintln!("{}", src.render(d));
        }
        return Ok(LabCode::INVALID);
    }
    ctx.write(summary(&src, &lab).as_bytes());
    Ok(Code::SUCCESS)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `lab.toml: lab "chain3" is valid: 5 nodes, 4 links, 1 expectation`.
fn summary(src: &Source, lab: &Lab) -> String {
    format!(
        "{}: lab \"{}\" is valid: {}, {}, {}\n",
        src.path,
        lab.name,
        plural(lab.nodes.len(), "node"),
        plural(lab.links.len(), "link"),
        plural(lab.expects.len(), "expectation")
    )
}
