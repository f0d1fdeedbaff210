//! List every named network namespace with its interfaces, as seen through
//! a netlink socket opened inside each one. Nothing is run inside the
//! namespaces, and this process itself never leaves its own.
//!
//! As root:
//!
//! ```text
//! cargo run -p netns-core --example list_namespaces
//! ```

use netns_core::netlink::link::IFF_UP;
use netns_core::{NetNs, NsName, RunDir};
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let run = RunDir::from_env();
    let mut names = match run.names() {
        Ok(names) => names,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("{}: {e}", run.path().display()).into()),
    };
    names.sort();
    if names.is_empty() {
        println!("no named namespaces in {}", run.path().display());
    }
    for raw in names {
        let shown = raw.to_string_lossy().into_owned();
        // A name another tool left behind may not be one netns accepts.
        let Ok(name) = NsName::existing(&raw) else {
            println!("{shown}: not a valid namespace name");
            continue;
        };
        // `netlink` switches this thread in for the socket() call only; the
        // socket then answers for the namespace it was made in.
        let links = NetNs::open_name(&run, &name).map_err(|e| e.to_string()).and_then(|ns| {
            let mut nl = ns.netlink().map_err(|e| e.to_string())?;
            nl.links().map_err(|e| e.to_string())
        });
        match links {
            Ok(links) => {
                println!("{shown}:");
                for link in links {
                    let state = if link.flags & IFF_UP != 0 { "UP" } else { "DOWN" };
                    let kind = link.kind().unwrap_or("-").to_string();
                    println!("    {:>3}: {:<16} {:<5} {kind}", link.index, link.name, state);
                }
            }
            Err(e) => println!("{shown}: {e}"),
        }
    }
    Ok(())
}
