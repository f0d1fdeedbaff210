//! `netns down`. (Stub: being written.)

use crate::cli::{Ctx, Status};
use std::ffi::OsString;

/// Run `netns down ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let _ = (ctx, args);
    eprintln!("netns down: not implemented yet");
    Ok(1)
}
