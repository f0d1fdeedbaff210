//! Small helpers that more than one of the feature modules ([`crate::lab`],
//! [`crate::inspect`], [`crate::ipobj`]) needs. Those three are siblings and
//! never name each other, so what two of them share lives here, below
//! them; this module itself uses only the core modules.

pub(crate) mod nft;
pub(crate) mod route_names;
