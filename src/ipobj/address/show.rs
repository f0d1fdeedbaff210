//! `address show`: text byte-identical to `ip address show`, JSON with
//! `ip -j`'s keys. (Being written: issue 3.)

use crate::cli::{Ctx, Exit, Status};
use crate::ipobj::args::Args;

/// `address [show|list|lst] [dev NAME] [scope S] [up] [master M] [type T] …`
pub fn list(ctx: &mut Ctx, args: Args<'_>) -> Status {
    let _ = (ctx, args);
    eprintln!("netns: `address show` is not implemented yet");
    Err(Exit(255))
}
