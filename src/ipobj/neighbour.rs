//! `ip neighbour` in any namespace. (Being written: see issue 3.)

use crate::cli::{Ctx, Exit, Status};
use std::ffi::OsString;

/// Run `neighbour ARGS…` (`args` excludes the object word).
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let _ = (ctx, args);
    eprintln!("netns: `neighbour` is not implemented yet");
    Err(Exit(255))
}
