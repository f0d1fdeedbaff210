//! `netns inspect`: one view of a namespace, for people (text) and tools
//! (`-j`), gathered over netlink from our own process. (Being written:
//! issue 3. The interface, address, route and neighbour views come from the
//! typed reads in [`crate::netlink`].)

pub mod firewall;
pub mod sysctl;
