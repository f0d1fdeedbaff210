//! `ip address` in any namespace: verbs dispatched in iproute2's order
//! (`do_ipaddr`): add, change/chg, replace, delete, list/show/lst, flush,
//! help.

pub(crate) mod addrinfo;
mod show;
mod write;

use super::args::Args;
use crate::ipobj::grammar::matches;
use crate::ipobj::{Ctx, Exit, Status};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// What an `address add|change|replace|delete` request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modify {
    /// `add`: NLM_F_CREATE|NLM_F_EXCL
    Add,
    /// `change` / `chg`: NLM_F_REPLACE
    Change,
    /// `replace`: NLM_F_CREATE|NLM_F_REPLACE
    Replace,
    /// `delete`
    Delete,
}

/// Run `address ARGS…` (`args` excludes the object word).
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(verb) = args.first().map(|w| w.as_bytes()) else {
        return show::list(ctx, Args::new(&[]));
    };
    let rest = Args::new(&args[1..]);
    if matches(verb, "add") {
        write::modify(ctx, Modify::Add, rest)
    } else if matches(verb, "change") || verb == b"chg" {
        write::modify(ctx, Modify::Change, rest)
    } else if matches(verb, "replace") {
        write::modify(ctx, Modify::Replace, rest)
    } else if matches(verb, "delete") {
        write::modify(ctx, Modify::Delete, rest)
    } else if matches(verb, "list") || matches(verb, "show") || matches(verb, "lst") {
        show::list(ctx, rest)
    } else if matches(verb, "flush") {
        write::flush(ctx, rest)
    } else if matches(verb, "help") {
        write::usage()
    } else {
        crate::errln!("Command \"", args[0], "\" is unknown, try \"netns address help\".");
        Err(Exit::FAILURE)
    }
}
