//! `netns validate`. (Stub: being written.)

use crate::cli::{Ctx, Status};
use std::ffi::OsString;

/// Run `netns validate ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let _ = (ctx, args);
    eprintln!("netns validate: not implemented yet");
    Ok(1)
}
