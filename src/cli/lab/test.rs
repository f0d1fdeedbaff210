//! `netns test`. (Stub: being written.)

use crate::cli::{Ctx, Status};
use std::ffi::OsString;

/// Run `netns test ARGS…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let _ = (ctx, args);
    eprintln!("netns test: not implemented yet");
    Ok(1)
}
