//! The lab commands: `validate`, `up`, `down`, `status`, `test`, `graph`.
//! New words, typed in full; they never shadow an iproute2 abbreviation.

mod down;
mod graph;
mod status;
mod test;
mod up;
mod validate;

use super::{Ctx, Status};
use std::ffi::OsString;

/// The lab command named `word`, if it is one.
pub fn lookup(word: &[u8]) -> Option<fn(&mut Ctx, &[OsString]) -> Status> {
    Some(match word {
        b"validate" => validate::run,
        b"up" => up::run,
        b"down" => down::run,
        b"status" => status::run,
        b"test" => test::run,
        b"graph" => graph::run,
        _ => return None,
    })
}

/// Print every problem of a lab file that failed to load; status 1.
pub(crate) fn report_load_error(err: (Option<crate::lab::Source>, Vec<crate::lab::Diag>), path: &str) -> Status {
    let (src, diags) = err;
    for d in &diags {
        match &src {
            Some(s) => eprintln!("{}", s.render(d)),
            None => eprintln!("{path}: error: {}", d.message),
        }
    }
    Ok(1)
}
