//! # netns
//!
//! Manage Linux network namespaces: a byte-exact drop-in for iproute2's
//! `ip netns`, and the library behind the `netns` command.
//!
//! The crate is organised by concern:
//!
//! | module | what it owns |
//! |---|---|
//! | [`rundir`] | the run directory (`/run/netns`): its mount setup, placeholders, listing |
//! | [`namespace`] | [`NetNs`], a handle on one network namespace |
//! | [`netlink`] | a synchronous rtnetlink request engine (the only user of `netlink-packet-*`) |
//! | [`procscan`] | walking `/proc`: which processes live in which namespace |
//! | [`switch`] | entering a namespace the way `ip netns exec` does (mounts, `/sys`, `/etc/netns`) |
//! | [`monitor`] | watching the run directory for names coming and going |
//! | [`output`] | iproute2-compatible JSON writer |
//! | [`ipobj`] | iproute2's `link`/`address`/`route`/`neighbour` objects, run in any namespace |
//! | [`lab`] | labs: whole networks of namespaces from one TOML file (`up`, `down`, `test`, …) |
//! | [`cli`] | the `netns` command line (iproute2 grammar, batch files, help) |
//!
//! The core is synchronous on purpose: `setns(2)` changes the namespace of
//! the calling *thread*, so work inside a namespace either happens on the
//! main thread between a switch and its guaranteed switch back, or on a
//! thread of its own that ends with the work ([`NetNs::run`](namespace::NetNs::run)).
//!
//! ```no_run
//! use netns::{namespace::NetNs, rundir::{NsName, RunDir}};
//!
//! let run = RunDir::from_env();
//! let demo = NsName::new("demo")?;        // checked once: one path component
//! run.add(&demo)?;                        // like `ip netns add demo`
//! let ns = NetNs::open_name(&run, &demo)?;
//! let links = ns.run(|| std::fs::read_dir("/sys/class/net").map(|d| d.count()))??;
//! println!("demo has {links} interfaces");
//! run.delete(&demo)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

#[cfg(test)]
#[macro_use]
mod require_root;

#[cfg(test)]
mod layering;

pub mod cli;
mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod inspect;
pub mod ipobj;
pub mod lab;
pub mod monitor;
pub mod namespace;
pub mod netlink;
pub mod output;
pub mod procscan;
pub mod rundir;
pub mod shared;
pub mod switch;
pub mod sys;

pub use error::Error;
pub use namespace::NetNs;
pub use rundir::{NsName, RunDir};
