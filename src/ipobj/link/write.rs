//! `link add|set|replace|delete` with iproute2's syntax and messages.
//! (Being written: issue 3.)

use super::Modify;
use crate::cli::{Ctx, Exit, Status};
use crate::ipobj::args::Args;

/// `link add|set|replace|delete …`
pub fn modify(ctx: &mut Ctx, what: Modify, args: Args<'_>) -> Status {
    let _ = (ctx, what, args);
    eprintln!("netns: `link {what:?}` is not implemented yet");
    Err(Exit(255))
}

/// `link help`: iproute2's usage text (stderr, exit 255).
pub fn usage() -> Status {
    Err(Exit(255))
}
