//! Labs: whole networks of namespaces from one TOML file.
//!
//! | module | what it owns |
//! |---|---|
//! | [`model`] | the resolved lab: nodes, interfaces, links, routes, NAT, expectations |
//! | [`ids`] | typed node and link indices, and the vector they index |
//! | [`error`] | why `up`, `down` or a rollback failed: the object and the cause |
//! | [`diag`] | `file:line:column` messages |
//! | [`parse`] | TOML → [`model::Lab`] (`for` repetition, defaults, automatic addresses) |
//! | [`hosts`] | the generated `hosts` file: every node's name resolves in every node |
//! | [`keys`] | every key of every table of a lab file, declared once |
//! | [`hops`] | routers between two nodes, and whether an answer's hop limit reaches back |
//! | [`probe`] | reachability probes (ICMP, TCP, UDP, path) from inside namespaces, all at once |
//! | [`validate`] | semantic checks before anything changes |
//! | [`features`] | kernel features a lab needs, probed in a scratch namespace |
//! | [`owner`] | ownership marks on a lab's namespaces |
//! | [`state`] | the lab directory: state journal and lock |
//! | [`labfile`] | reading a lab file: a regular file of bounded size |
//! | [`runtime`] | changes to a running lab by its names: links down/up, shaping |
//! | [`interrupt`] | Ctrl-C and SIGTERM during `up`: stop at a safe point |

pub mod apply;
pub mod compare;
pub mod diag;
pub mod down;
pub mod error;
pub mod etc;
pub mod features;
pub mod files;
pub mod graph;
pub mod handles;
pub mod hops;
pub mod hosts;
pub mod ids;
pub mod interrupt;
pub mod keys;
pub mod labfile;
pub mod live;
pub mod model;
pub mod nft;
pub mod owner;
pub mod parse;
pub mod plan;
pub mod probe;
pub mod procs;
pub mod runtime;
pub mod shaping;
pub mod state;
pub mod sysctl;
pub mod up;
pub mod validate;

pub use diag::{Diag, Source};
pub use error::LabError;
pub use model::Lab;

/// Why a lab file cannot be used: its text (when it could be read) and
/// every problem.
pub type LoadError = (Option<Source>, Vec<Diag>);

/// Read and resolve a lab file: every problem, or the lab.
pub fn load(path: &str) -> Result<(Source, Lab), LoadError> {
    load_with_path(path).map(|(src, lab, _)| (src, lab))
}

/// [`load`], and the file's canonical absolute path as the opened file
/// names it (`None`: it has none, as a pipe has none).
pub fn load_with_path(path: &str) -> Result<(Source, Lab, Option<String>), LoadError> {
    let (src, canonical) = match labfile::read(path) {
        Ok(f) => (Source { path: path.to_string(), text: f.text }, f.canonical),
        Err(e) => return Err((None, vec![Diag::file(format!("cannot read the lab file: {e}"))])),
    };
    let lab = match parse::parse(&src) {
        Ok(l) => l,
        Err(d) => return Err((Some(src), d)),
    };
    let diags = validate::check(&lab);
    if diags.is_empty() { Ok((src, lab, canonical)) } else { Err((Some(src), diags)) }
}
