//! Labs: whole networks of namespaces from one TOML file.
//!
//! | module | what it owns |
//! |---|---|
//! | [`model`] | the resolved lab: nodes, interfaces, links, routes, NAT, expectations |
//! | [`diag`] | `file:line:column` messages |
//! | [`parse`] | TOML → [`model::Lab`] (`for` repetition, defaults, automatic addresses) |
//! | [`probe`] | reachability probes (ICMP, TCP, UDP, path) from inside namespaces, all at once |
//! | [`validate`] | semantic checks before anything changes |
//! | [`features`] | kernel features a lab needs, probed in a scratch namespace |
//! | [`owner`] | ownership marks on a lab's namespaces |
//! | [`state`] | the lab directory: state journal and lock |

pub mod apply;
pub mod diag;
pub mod down;
pub mod features;
pub mod graph;
pub mod handles;
pub mod live;
pub mod model;
pub mod nft;
pub mod owner;
pub mod parse;
pub mod plan;
pub mod probe;
pub mod procs;
pub mod shaping;
pub mod state;
pub mod sysctl;
pub mod up;
pub mod validate;

pub use diag::{Diag, Source};
pub use model::Lab;

/// Read and resolve a lab file: every problem, or the lab.
pub fn load(path: &str) -> Result<(Source, Lab), (Option<Source>, Vec<Diag>)> {
    let src = match Source::read(path) {
        Ok(s) => s,
        Err(e) => return Err((None, vec![Diag::file(format!("cannot read the lab file: {e}"))])),
    };
    let lab = match parse::parse(&src) {
        Ok(l) => l,
        Err(d) => return Err((Some(src), d)),
    };
    let diags = validate::check(&lab);
    if diags.is_empty() { Ok((src, lab)) } else { Err((Some(src), diags)) }
}
