//! Does a network namespace have any nftables table? One nf_tables dump
//! answers it, so a namespace without a firewall costs a round trip rather
//! than an `nft` process.
//!
//! ```no_run
//! use netns_core::{NetNs, netlink::netfilter::nft_table_count};
//! let ns = NetNs::open_pid(4242)?;
//! // The socket is made on a thread inside the namespace.
//! let tables = ns.run(nft_table_count)??;
//! println!("{tables} nftables tables");
//! # Ok::<(), std::io::Error>(())
//! ```

use super::wire;
use netlink_packet_core::{NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_NETFILTER};
use std::io;

const NFNL_SUBSYS_NFTABLES: u16 = 10;
const NFT_MSG_NEWTABLE: u16 = 0;
const NFT_MSG_GETTABLE: u16 = 1;

/// How many nftables tables (any family) the calling thread's current
/// network namespace has. `Err` with EPROTONOSUPPORT where the kernel has no
/// nf_tables.
pub fn nft_table_count() -> io::Result<usize> {
    let mut sock = Socket::new(NETLINK_NETFILTER)?;
    sock.bind_auto()?;
    sock.connect(&SocketAddr::new(0, 0))?;
    // nfgenmsg { family: NFPROTO_UNSPEC, version: 0, res_id: 0 }
    let kind = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE;
    sock.send(&wire::message(kind, NLM_F_REQUEST | NLM_F_DUMP, 1, &[0, 0, 0, 0]), 0)?;
    let mut tables = 0;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = sock.recv(&mut &mut buf[..], 0)?;
        for m in wire::messages(&buf[..n]) {
            let m = m.map_err(|wire::Truncated| io::Error::other("truncated nf_tables reply"))?;
            match m.kind {
                NLMSG_DONE => return Ok(tables),
                NLMSG_ERROR => {
                    let Some(code) = m.payload.get(..4) else {
                        return Err(io::Error::other("truncated nf_tables error message"));
                    };
                    let code = i32::from_ne_bytes([code[0], code[1], code[2], code[3]]);
                    return if code == 0 {
                        Ok(tables)
                    } else {
                        Err(io::Error::from_raw_os_error(code.saturating_neg()))
                    };
                }
                k if k == (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE => tables += 1,
                _ => {}
            }
        }
    }
}
