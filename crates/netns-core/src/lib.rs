//! # netns-core
//!
//! Linux network namespaces from Rust, the core of the `netns` command.
//!
//! | module | what it owns |
//! |---|---|
//! | [`rundir`] | the run directory (`/run/netns`): its mount setup, placeholders, listing; [`NsName`], a checked name |
//! | [`namespace`] | [`NetNs`], a handle on one network namespace |
//! | [`netlink`] | a synchronous rtnetlink request engine and typed operations (links, addresses, routes, neighbours, qdiscs); the nf_tables ruleset read over `NETLINK_NETFILTER` ([`netlink::netfilter`]); TCP and UDP socket lists over `NETLINK_SOCK_DIAG` |
//! | [`procscan`] | walking `/proc`: which processes live in which namespace, and which hold which sockets |
//! | [`switch`] | entering a namespace the way `ip netns exec` does (mounts, `/sys`, `/etc/netns`) |
//! | [`xtables`] | legacy iptables (x_tables) read through `getsockopt` on a raw socket: tables, entries, matches, targets, counters |
//! | [`monitor`] | watching the run directory for names coming and going |
//! | [`Error`], [`Errno`] | one error type over every module's own; an errno that displays as glibc's `strerror` text, as iproute2 prints it |
//!
//! Each module's error type ([`rundir::RunDirError`], [`netlink::NlError`],
//! …) names the object and keeps the errno, and its `Display` is the
//! message iproute2 prints for the same failure.
//!
//! The crate is synchronous on purpose: `setns(2)` changes the namespace of
//! the calling *thread*, so work inside a namespace either happens on the
//! main thread between a switch and its guaranteed switch back, or on a
//! thread of its own that ends with the work ([`NetNs::run`]). Most work
//! needs neither: [`NetNs::netlink`] opens a netlink socket *in* the
//! namespace, and every request on it acts there.
//!
//! Two runnable examples come with the crate: `examples/veth_pair.rs`
//! (a namespace, a veth pair into it, addresses on both ends, all removed
//! again) and `examples/list_namespaces.rs` (every named namespace and its
//! interfaces, through netlink).
//!
//! Every operation needs the privileges `ip netns` needs (`CAP_SYS_ADMIN`
//! for the run directory and switching, `CAP_NET_ADMIN` for changes).
//!
//! The public API names no type of another crate but the standard
//! library's, with one deliberate exception: [`netlink::packet`], the
//! `netlink-packet-route` crate re-exported for raw requests, which this
//! crate pins to one minor version.
//!
//! ```no_run
//! use netns_core::{NetNs, NsName, RunDir};
//!
//! let run = RunDir::from_env();
//! let demo = NsName::new("demo")?;        // checked once: one path component
//! run.add(&demo)?;                        // like `ip netns add demo`
//! let ns = NetNs::open_name(&run, &demo)?;
//! let mut nl = ns.netlink()?;             // requests act inside `demo`
//! for link in nl.links()? {
//!     println!("{}: {}", link.index, link.name);
//! }
//! let seen = ns.run(|| std::fs::read_to_string("/proc/net/dev"))??; // on a thread inside
//! println!("{seen}");
//! run.delete(&demo)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

#[cfg(test)]
#[macro_use]
mod require_root;

mod error;
pub mod monitor;
pub mod namespace;
pub mod netlink;
mod nsid;
pub mod procscan;
pub mod rundir;
pub mod switch;
mod sys;
pub mod xtables;

// The README's example is compiled with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

pub use error::Error;
pub use namespace::{NetNs, NsId};
pub use rundir::{NsName, RunDir};
pub use sys::Errno;
