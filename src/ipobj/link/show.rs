//! `link show`: text byte-identical to `ip link show`, JSON with `ip -j`'s
//! keys. (Being written: issue 3.)

use crate::cli::{Ctx, Exit, Status};
use crate::ipobj::args::Args;

/// `link [show|list|lst] [dev NAME] [up] [master M] [type T] …`
pub fn list(ctx: &mut Ctx, args: Args<'_>) -> Status {
    let _ = (ctx, args);
    eprintln!("netns: `link show` is not implemented yet");
    Err(Exit(255))
}
