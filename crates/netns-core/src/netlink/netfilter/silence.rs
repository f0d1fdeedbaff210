//! The one nf_tables change netns makes natively: a table that drops every
//! frame entering a bridge port of the namespace.
//!
//! `down` sends it to a lab's big switches before taking the lab away. A
//! lab's hosts keep sending IPv6 start-up traffic for seconds after `up`
//! (duplicate address detection, multicast listener reports, router
//! solicitations), and a switch floods each frame to every port: N hosts
//! make N² frames, handled in the kernel's softirq work on both CPUs of a
//! small machine. Every unmount of `down` waits for an RCU grace period,
//! which that work holds up: right after `up`, a 1,000-host star's `down`
//! took five times as long as at rest. One table stops the flood at once.

use super::{NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWCHAIN, NFT_MSG_NEWTABLE, NfSocket, cstr, error_code, family, wire};
use netlink_packet_core::{NLA_F_NESTED, NLM_F_ACK, NLM_F_CREATE, NLM_F_REQUEST, NLMSG_ERROR};
use std::io;

/// `NFNL_MSG_BATCH_BEGIN` and `_END`: the frame of an nf_tables transaction.
const NFNL_MSG_BATCH_BEGIN: u16 = 0x10;
const NFNL_MSG_BATCH_END: u16 = 0x11;
/// `NF_BR_PRE_ROUTING`: a frame entering a bridge port, before the bridge
/// forwards or floods it.
const NF_BR_PRE_ROUTING: u32 = 0;
/// `NF_DROP`, as a chain's policy.
const NF_DROP: u32 = 0;
/// `NF_BR_PRI_FIRST`: before any other bridge-family chain.
const PRIORITY_FIRST: i32 = i32::MIN;

impl NfSocket {
    /// From now on, drop every frame that enters a bridge port in this
    /// socket's namespace: a bridge-family table `table` with one base
    /// chain `drop` at the bridge's prerouting hook, first of all chains,
    /// policy drop, added in one transaction. Frames the namespace's own
    /// stack sends through a bridge are not touched (they do not enter
    /// through a port). Adding it again changes nothing. `Err` where the
    /// kernel has no nf_tables bridge family.
    pub fn drop_bridged_frames(&mut self, table: &str) -> io::Result<()> {
        let base = self.seq;
        self.seq = self.seq.wrapping_add(4);
        let (begin, new_table, new_chain, end) =
            (base.wrapping_add(1), base.wrapping_add(2), base.wrapping_add(3), base.wrapping_add(4));
        // nfgenmsg: family, version 0, res_id (big-endian): the subsystem.
        let head = |fam: u8, res: u16| {
            let r = res.to_be_bytes();
            vec![fam, 0, r[0], r[1]]
        };
        let mut table_msg = head(family::BRIDGE, 0);
        table_msg.extend(wire::nla(1, &cstr(table))); // NFTA_TABLE_NAME
        let mut hook = wire::nla(1, &NF_BR_PRE_ROUTING.to_be_bytes()); // NFTA_HOOK_HOOKNUM
        hook.extend(wire::nla(2, &PRIORITY_FIRST.to_be_bytes())); // NFTA_HOOK_PRIORITY
        let mut chain_msg = head(family::BRIDGE, 0);
        chain_msg.extend(wire::nla(1, &cstr(table))); // NFTA_CHAIN_TABLE
        chain_msg.extend(wire::nla(3, &cstr("drop"))); // NFTA_CHAIN_NAME
        chain_msg.extend(wire::nla(4 | NLA_F_NESTED, &hook)); // NFTA_CHAIN_HOOK
        chain_msg.extend(wire::nla(5, &NF_DROP.to_be_bytes())); // NFTA_CHAIN_POLICY
        chain_msg.extend(wire::nla(7, &cstr("filter"))); // NFTA_CHAIN_TYPE
        let create = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK;
        let mut batch = wire::message(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, begin, &head(0, NFNL_SUBSYS_NFTABLES));
        batch.extend(wire::message((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE, create, new_table, &table_msg));
        batch.extend(wire::message((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN, create, new_chain, &chain_msg));
        batch.extend(wire::message(NFNL_MSG_BATCH_END, NLM_F_REQUEST, end, &head(0, NFNL_SUBSYS_NFTABLES)));
        self.sock.send(&batch, 0)?;
        // One acknowledgement per message that asked for one, or the
        // error that aborted the transaction.
        let mut acked = [false; 2];
        while acked != [true, true] {
            self.buf.clear();
            let n = self.sock.recv(&mut self.buf, 0)?;
            for m in wire::messages(&self.buf[..n]) {
                let m = m.map_err(|wire::Truncated| io::Error::other("truncated nf_tables reply"))?;
                if m.kind != NLMSG_ERROR || !(m.seq == new_table || m.seq == new_chain) {
                    continue;
                }
                let code = error_code(m.payload)?;
                if code != 0 {
                    return Err(io::Error::from_raw_os_error(code.saturating_neg()));
                }
                acked[usize::from(m.seq == new_chain)] = true;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::NetNs;
    use crate::netlink::netfilter::{NfHook, family};

    #[test]
    fn the_table_drops_at_the_bridge_prerouting_hook_and_a_second_call_changes_nothing() {
        require_root!();
        let ns = std::thread::spawn(|| NetNs::from_fd(crate::rundir::fresh_namespace_on_this_thread().unwrap(), "t"))
            .join()
            .unwrap();
        let mut nf = ns.nftables().unwrap();
        nf.drop_bridged_frames("netns-down").unwrap();
        nf.drop_bridged_frames("netns-down").unwrap();
        let rules = nf.ruleset().unwrap();
        let tables: Vec<(u8, &str)> = rules.tables.iter().map(|t| (t.family, t.name.as_str())).collect();
        assert_eq!(tables, [(family::BRIDGE, "netns-down")]);
        let chain = &rules.chains[..];
        assert_eq!(chain.len(), 1);
        assert_eq!(
            (chain[0].name.as_str(), chain[0].policy, chain[0].kind.as_deref()),
            ("drop", Some(0), Some("filter"))
        );
        assert_eq!(chain[0].hook, Some(NfHook { num: 0, priority: i32::MIN, device: None }));
        assert!(rules.rules.is_empty());
    }
}
