//! iproute2's other objects, run in any namespace from our own process:
//! `netns [-n NAME] [-j [-p]] [-4|-6] [-d] [-s] OBJECT …` with OBJECT one of
//! `link`, `address`, `route`, `neighbour`, spelled and abbreviated as
//! `ip` spells them. netns's own subcommand words are matched first
//! (`netns l` is `list`, `netns a` is `add`), so every netns spelling keeps
//! its meaning; `netns link`, `netns addr`, `netns r`, `netns n` reach the
//! objects.
//!
//! Each object lives in its own module: argument parsing with iproute2's
//! messages, the netlink request (through [`crate::netlink`]), and output
//! byte-identical to `ip`, printed through the shared [`out::Out`] sink.

pub(crate) mod address;
pub(crate) mod args;
pub(crate) mod cnum;
pub(crate) mod ctx;
pub(crate) mod grammar;
pub(crate) mod inet;
pub(crate) mod link;
pub(crate) mod neighbour;
pub(crate) mod out;
pub(crate) mod route;

pub(crate) use ctx::{Ctx, Family, Opts};
pub(crate) use grammar::{Code, Exit, Status};

use grammar::matches;
use std::ffi::OsString;

/// The objects netns runs itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    /// `ip link`
    Link,
    /// `ip address`
    Address,
    /// `ip route`
    Route,
    /// `ip neighbour`
    Neighbour,
}

/// iproute2's object table, in its matching order, up to the last object
/// netns knows. `None`: an object netns leaves to `ip`.
const OBJECTS: &[(&str, Option<Object>)] = &[
    ("address", Some(Object::Address)),
    ("addrlabel", None),
    ("maddress", None),
    ("route", Some(Object::Route)),
    ("rule", None),
    ("neighbor", Some(Object::Neighbour)),
    ("neighbour", Some(Object::Neighbour)),
    ("ntable", None),
    ("ntbl", None),
    ("link", Some(Object::Link)),
];

/// Which object (if any) the word names. `Err(name)`: iproute2 knows the
/// object but netns does not run it.
pub fn lookup(word: &[u8]) -> Option<Result<Object, &'static str>> {
    OBJECTS.iter().find(|(name, _)| matches(word, name)).map(|&(name, obj)| obj.ok_or(name))
}

/// The end of a successful `flush` (address, route, neighbour): with `-s`,
/// iproute2 says whether there was anything to flush and how many rounds it
/// took. Returns the exit status, [`Code::SUCCESS`].
pub(crate) fn flush_complete(ctx: &mut Ctx, round: u32, stats: u8) -> i32 {
    if stats > 0 {
        if round == 0 {
            ctx.write(b"Nothing to flush.\n");
        } else {
            let s = if round > 1 { "s" } else { "" };
            ctx.write(format!("*** Flush is complete after {round} round{s} ***\n").as_bytes());
        }
    }
    ctx.flush();
    Code::SUCCESS
}

/// Run `OBJECT ARGS…`; `words[0]` is the object word.
pub fn run(ctx: &mut Ctx, object: Object, words: &[OsString]) -> Status {
    let args = &words[1..];
    match object {
        Object::Link => link::run(ctx, args),
        Object::Address => address::run(ctx, args),
        Object::Route => route::run(ctx, args),
        Object::Neighbour => neighbour::run(ctx, args),
    }
}
