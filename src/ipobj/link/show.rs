//! `link show`: text byte-identical to `ip link show`, JSON with `ip -j`'s
//! keys. The listing itself is shared with `address show` (see
//! [`super::listing`]).

use crate::ipobj::args::Args;
use crate::ipobj::{Ctx, Status};

/// `link [show|list|lst] [dev NAME] [up] [master M] [type T] …`
pub fn list(ctx: &mut Ctx, args: Args<'_>) -> Status {
    super::listing::list(ctx, args, true, super::write::usage)
}
