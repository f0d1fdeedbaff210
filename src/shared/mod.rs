//! Small helpers that more than one of the feature modules ([`crate::lab`],
//! [`crate::inspect`], [`crate::ipobj`]) needs. Those three are siblings and
//! never name each other, so what two of them share lives here, below
//! them; this module itself uses only the core modules.
//!
//! - [`firewall`]: a namespace's firewall read natively, one model for
//!   every backend;
//! - [`namespaces`]: every namespace a command can reach, each once;
//! - [`nft`]: finding the `nft` program;
//! - [`parallel`]: work split over scoped threads that each own their
//!   namespace switches;
//! - [`route_names`]: iproute2's route name databases;
//! - [`sockets`]: the listening sockets of namespaces and the processes
//!   holding them.

pub(crate) mod firewall;
pub(crate) mod namespaces;
pub(crate) mod nft;
pub(crate) mod parallel;
pub(crate) mod route_names;
pub(crate) mod sockets;
