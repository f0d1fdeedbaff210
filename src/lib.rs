//! # netns
//!
//! Manage Linux network namespaces: a byte-exact drop-in for iproute2's
//! `ip netns`, and the library behind the `netns` command.
//!
//! The crate is organised in layers, one concern a module:
//!
//! | layer | module | what it owns |
//! |---|---|---|
//! | command line | `cli` | the `netns` command line (option scan, batch files, help, the netns subcommands): builds the context and hands each command down |
//! | features | [`lab`] | labs: whole networks of namespaces from one TOML file (`up`, `down`, `test`, …) |
//! | | `inspect` | `netns inspect`: one view of a namespace's links, addresses, routes, neighbours and firewall |
//! | | `prune` | `netns prune`: which names of the run directory nothing uses, removed only after a second look under the lock |
//! | | `find` | `netns find`: which namespace holds an address, prefix, MAC, interface, process or port |
//! | | `top` | `netns top`: live rates of many namespaces and their interfaces, from counters read over sockets kept inside them; JSON lines, a table, a full-screen view |
//! | | `capture` | `netns capture`: packets from interfaces in many namespaces at once, through packet sockets opened inside them, with a kernel-run tcpdump filter; one pcapng stream or a line per packet |
//! | | `ipobj` | iproute2's `link`/`address`/`route`/`neighbour` objects, run in any namespace, with the context they run in and iproute2's grammar (prefix matching, C numbers, exit statuses) |
//! | shared | `shared` | what two modules above it both need: finding `nft`, iproute2's route name databases, the namespaces a command can reach, the thread splitter |
//! | core (the `netns-core` crate, re-exported here under the same names) | [`rundir`] | the run directory (`/run/netns`): its mount setup, placeholders, listing |
//! | | [`namespace`] | [`NetNs`], a handle on one network namespace |
//! | | [`netlink`] | a synchronous rtnetlink request engine (the only user of `netlink-packet-*`) |
//! | | [`procscan`] | walking `/proc`: which processes live in which namespace |
//! | | [`switch`] | entering a namespace the way `ip netns exec` does (mounts, `/sys`, `/etc/netns`) |
//! | | [`monitor`] | watching the run directory for names coming and going |
//! | | [`Error`] | the library's error type |
//! | low | [`sys`] | errno text, message lines on stderr, the descriptor limit |
//! | low | [`output`] | iproute2-compatible JSON writer, below every feature |
//!
//! Dependencies point down, never up and never sideways: the command line
//! may use every module; `lab`, `inspect`, `prune`, `find`, `top`, `capture` and `ipobj` use only `shared`
//! and the core, and are siblings that do not name each other (what two of
//! them need moves down into `shared`); `shared` uses only the core; the
//! core uses only itself. A unit test (`src/layering.rs`) reads the sources
//! and fails on any edge against this rule. Only the core and `lab` are
//! the library's API; `cli` is public for the `netns` binary and
//! `fuzzing` for the fuzz targets, and neither is documented.
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

// The unit tests that need root start with `require_root!()`; the file
// lives with the core crate, whose tests use it too.
#[cfg(test)]
#[macro_use]
#[path = "../crates/netns-core/src/require_root.rs"]
mod require_root;

#[cfg(test)]
mod layering;

pub(crate) mod capture;
/// The command line; public only for the `netns` binary (src/main.rs).
#[doc(hidden)]
pub mod cli;
pub(crate) mod find;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod inspect;
pub(crate) mod ipobj;
pub mod lab;
pub mod output;
pub(crate) mod prune;
pub(crate) mod shared;
pub(crate) mod top;

pub mod sys;

// The core modules, from the netns-core crate, under the names they have
// always had here: `netns::rundir::…` and `crate::netlink::…` keep working.
pub use netns_core::{monitor, namespace, netlink, procscan, rundir, switch, xtables};

pub use netns_core::Error;
pub use netns_core::NetNs;
pub use netns_core::rundir::{NsName, RunDir};
