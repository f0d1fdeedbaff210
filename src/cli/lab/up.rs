//! `netns up`. (Stub: being written.)

use crate::cli::{Ctx, Status};
use std::ffi::OsString;

/// Run `netns up ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let _ = (ctx, args);
    eprintln!("netns up: not implemented yet");
    Ok(1)
}
