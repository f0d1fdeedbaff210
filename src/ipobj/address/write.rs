//! `address add|change|replace|delete|flush` with iproute2's syntax and
//! messages. (Being written: issue 3.)

use super::Modify;
use crate::cli::{Ctx, Exit, Status};
use crate::ipobj::args::Args;

/// `address add|change|replace|delete …`
pub fn modify(ctx: &mut Ctx, what: Modify, args: Args<'_>) -> Status {
    let _ = (ctx, what, args);
    eprintln!("netns: `address {what:?}` is not implemented yet");
    Err(Exit(255))
}

/// `address flush …`
pub fn flush(ctx: &mut Ctx, args: Args<'_>) -> Status {
    let _ = (ctx, args);
    eprintln!("netns: `address flush` is not implemented yet");
    Err(Exit(255))
}

/// `address help`: iproute2's usage text (stderr, exit 255).
pub fn usage() -> Status {
    Err(Exit(255))
}
