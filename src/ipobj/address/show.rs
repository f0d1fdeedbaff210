//! `address show`: text byte-identical to `ip address show`, JSON with
//! `ip -j`'s keys. iproute2 runs `link show` and `address show` through one
//! function; so does netns (`ipobj::link::listing`).

use crate::ipobj::args::Args;
use crate::ipobj::{Ctx, Status};

/// `address [show|list|lst] [dev NAME] [scope S] [up] [master M] [type T] …`
pub fn list(ctx: &mut Ctx, args: Args<'_>) -> Status {
    crate::ipobj::link::listing_list(ctx, args, false, super::write::usage)
}
