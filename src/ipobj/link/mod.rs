//! `ip link` in any namespace: verbs dispatched in iproute2's order
//! (`do_iplink`): add, set/change, replace, delete, show/lst/list, property,
//! help.

mod format;
mod kinds;
pub(crate) mod linkinfo;
pub(crate) mod listing;
mod names;
mod show;
mod stats;
mod write;

use super::args::Args;
use crate::ipobj::grammar::matches;
use crate::ipobj::{Code, Ctx, Exit, Status};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// What a `link add|set|replace|delete` request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modify {
    /// `add`: NLM_F_CREATE|NLM_F_EXCL
    Add,
    /// `set` / `change`
    Set,
    /// `replace`: NLM_F_CREATE|NLM_F_REPLACE
    Replace,
    /// `delete`
    Delete,
}

/// Run `link ARGS…` (`args` excludes the object word).
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(verb) = args.first().map(|w| w.as_bytes()) else {
        return show::list(ctx, Args::new(&[]));
    };
    let rest = Args::new(&args[1..]);
    if matches(verb, "add") {
        write::modify(ctx, Modify::Add, rest)
    } else if matches(verb, "set") || matches(verb, "change") {
        write::modify(ctx, Modify::Set, rest)
    } else if matches(verb, "replace") {
        write::modify(ctx, Modify::Replace, rest)
    } else if matches(verb, "delete") {
        write::modify(ctx, Modify::Delete, rest)
    } else if matches(verb, "show") || matches(verb, "lst") || matches(verb, "list") {
        show::list(ctx, rest)
    } else if matches(verb, "property") {
        write::property(ctx, rest)
    } else if matches(verb, "help") {
        // `ip link help TYPE`: that kind's usage, on stdout, status 0.
        match rest.peek().and_then(|k| kinds::usage(k.as_bytes())) {
            Some(text) => {
                ctx.write(text.as_bytes());
                Ok(Code::SUCCESS)
            }
            None => write::usage(),
        }
    } else {
        crate::errln!("Command \"", args[0], "\" is unknown, try \"netns link help\".");
        Err(Exit::FAILURE)
    }
}

/// The listing shared by `link show` and `address show`.
pub(crate) use listing::list as listing_list;
