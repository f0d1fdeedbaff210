//! `netns status`. (Stub: being written.)

use crate::cli::{Ctx, Status};
use std::ffi::OsString;

/// Run `netns status ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let _ = (ctx, args);
    eprintln!("netns status: not implemented yet");
    Ok(1)
}
