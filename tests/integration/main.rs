//! The integration tests: one test binary, one module per area. They run
//! as root against the real kernel, each inside private namespaces (see
//! `support`), so they leave the host as they found it.

#[path = "../../crates/netns-core/src/require_root.rs"]
#[macro_use]
mod require_root;
#[macro_use]
mod support;

mod bugfixes;
mod capture;
mod differential;
mod find;
mod firewall;
mod inspect;
mod interop;
mod labs_graph;
mod labs_hosts;
mod labs_kernel;
mod labs_keys;
mod labs_more;
mod labs_ospf;
mod labs_runtime;
mod labs_test;
mod labs_up;
mod labs_validate;
mod objects_route;
mod objects_show;
mod objects_write;
mod prune;
mod robustness;
mod safety;
mod sockets;
mod start_path;
mod top;
