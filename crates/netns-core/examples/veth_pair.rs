//! Create a namespace and a veth pair into it, give both ends an address,
//! bring them up, show what was made, then remove everything.
//!
//! As root:
//!
//! ```text
//! cargo run -p netns-core --example veth_pair -- [NAME]
//! ```
//!
//! NAME (default `veth-demo-PID`) names the namespace; the host end is
//! `vd-PID`, the namespace end `eth0`. Needs root.

use netns_core::netlink::address::Address;
use netns_core::netlink::address_ops::AddrWrite;
use netns_core::netlink::link::IFF_UP;
use netns_core::netlink::link_ops::{LinkKind, LinkSpec, LinkWrite, NsTarget};
use netns_core::netlink::{Netlink, NlError};
use netns_core::{NetNs, NsName, RunDir};
use std::error::Error;
use std::net::IpAddr;
use std::os::fd::AsFd;

fn main() -> Result<(), Box<dyn Error>> {
    let pid = std::process::id();
    let name = std::env::args().nth(1).unwrap_or_else(|| format!("veth-demo-{pid}"));
    let name = NsName::new(&name)?;
    let host_end = format!("vd-{pid}");

    let run = RunDir::from_env();
    let ns = NetNs::create(&run, &name)?;
    // Whatever happens next, the namespace goes again (and the host end of
    // the pair with it: deleting one end of a veth deletes both).
    let made = build(&ns, &host_end);
    let host_removed = Netlink::open()?
        .link_ref_by_name(host_end.as_bytes())?
        .map_or(Ok(()), |l| Netlink::open()?.link_delete_index(l.index));
    let ns_removed = run.delete(&name);
    made?;
    host_removed?;
    ns_removed?;
    println!("removed {host_end} and namespace {}", name.as_os_str().to_string_lossy());
    Ok(())
}

fn build(ns: &NetNs, host_end: &str) -> Result<(), Box<dyn Error>> {
    let mut host = Netlink::open()?;
    let mut inside = ns.netlink()?;

    // One request makes both ends; the peer is created straight inside the
    // namespace (the descriptor stays open in `ns` until the request is sent).
    let pair = LinkSpec {
        name: Some(host_end.as_bytes().to_vec()),
        kind: Some(LinkKind::Veth {
            peer: Some(Box::new(LinkSpec {
                name: Some(b"eth0".to_vec()),
                netns: Some(NsTarget::Fd(ns.as_fd())),
                ..LinkSpec::default()
            })),
        }),
        ..LinkSpec::default()
    };
    host.link_write(&pair, LinkWrite::Create)?;

    let host_index = up(&mut host, host_end)?;
    let ns_index = up(&mut inside, "eth0")?;
    up(&mut inside, "lo")?;
    add_address(&mut host, host_index, "10.200.0.1".parse()?, 30)?;
    add_address(&mut inside, ns_index, "10.200.0.2".parse()?, 30)?;

    show("host", &mut host, Some(host_index))?;
    show("namespace", &mut inside, None)?;
    Ok(())
}

/// Bring the link `name` up; its index.
fn up(nl: &mut Netlink, name: &str) -> Result<u32, NlError> {
    let index = nl
        .link_ref_by_name(name.as_bytes())?
        .map(|l| l.index)
        .ok_or_else(|| NlError::Io(std::io::Error::new(std::io::ErrorKind::NotFound, format!("no link {name}"))))?;
    let spec = LinkSpec { index, flags: IFF_UP, change: IFF_UP, ..LinkSpec::default() };
    nl.link_write(&spec, LinkWrite::Change)?;
    Ok(index)
}

/// Print the addresses of `index` (all of them without one).
fn show(side: &str, nl: &mut Netlink, index: Option<u32>) -> Result<(), NlError> {
    for a in nl.addresses()? {
        if index.is_some_and(|i| i != a.index) {
            continue;
        }
        if let Some(local) = a.local {
            let link = nl.link_name(a.index)?.unwrap_or_default();
            println!("{side}: {} {local}/{}", String::from_utf8_lossy(&link), a.prefix_len);
        }
    }
    Ok(())
}

fn add_address(nl: &mut Netlink, index: u32, ip: IpAddr, prefix_len: u8) -> Result<(), NlError> {
    let family = if ip.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 } as u8;
    let address = Address { family, prefix_len, index, local: Some(ip), address: Some(ip), ..Address::default() };
    nl.addr_write(&address, AddrWrite::Create)
}
