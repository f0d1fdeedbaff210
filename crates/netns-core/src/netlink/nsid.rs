//! Network namespace ids (RTM_NEWNSID / RTM_GETNSID): what the current
//! namespace calls its peers.

use super::engine::{Netlink, Reply};
use super::error::NlError;
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};
use std::os::fd::{AsRawFd, BorrowedFd};

/// One answer to an nsid query or one line of an nsid dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NsidEntry {
    /// The id; negative when the kernel reports "not assigned".
    pub nsid: i32,
    /// NETNSA_CURRENT_NSID: present only when a target namespace was given;
    /// the id the *current* namespace uses for the same peer (negative when
    /// unassigned).
    pub current: Option<i32>,
    /// True for RTM_DELNSID notifications.
    pub deleted: bool,
}

fn nsid_message(attributes: Vec<NsidAttribute>) -> RouteNetlinkMessage {
    let mut msg = NsidMessage::default();
    msg.attributes = attributes;
    RouteNetlinkMessage::GetNsId(msg)
}

fn entry_of(reply: &Reply) -> Option<NsidEntry> {
    let (msg, deleted) = match reply.decoded()? {
        RouteNetlinkMessage::NewNsId(m) => (m, false),
        RouteNetlinkMessage::DelNsId(m) => (m, true),
        _ => return None,
    };
    let mut entry = NsidEntry { nsid: -1, current: None, deleted };
    let mut has_id = false;
    for attr in &msg.attributes {
        match attr {
            NsidAttribute::Id(v) => {
                entry.nsid = *v;
                has_id = true;
            }
            NsidAttribute::CurrentNsid(v) => entry.current = Some(*v),
            _ => {}
        }
    }
    has_id.then_some(entry)
}

impl Netlink {
    /// The id this socket's namespace uses for the namespace behind `fd`
    /// (an open nsfs file): `Ok(None)` when none is assigned.
    pub fn nsid_of_fd(&mut self, fd: BorrowedFd<'_>) -> Result<Option<i32>, NlError> {
        let replies = self.request(nsid_message(vec![NsidAttribute::Fd(fd.as_raw_fd() as u32)]), false)?;
        Ok(replies.iter().filter_map(entry_of).map(|e| e.nsid).find(|&id| id >= 0))
    }

    /// [`nsid_of_fd`](Self::nsid_of_fd) for many namespaces at once,
    /// pipelined. A `None` (a namespace file that could not be opened) is
    /// answered as the kernel answers a closed descriptor, with `EBADF`, so
    /// the answers stay in step with `fds`.
    pub fn nsids_of_fds(&mut self, fds: &[Option<BorrowedFd<'_>>]) -> Vec<Result<Option<i32>, NlError>> {
        // -1 is never an open descriptor: the kernel refuses it with EBADF.
        let raw = |fd: &Option<BorrowedFd<'_>>| fd.map_or(-1, |fd| fd.as_raw_fd());
        let msgs = fds.iter().map(|fd| nsid_message(vec![NsidAttribute::Fd(raw(fd) as u32)])).collect();
        self.pipeline(msgs)
            .into_iter()
            .map(|r| r.map(|replies| replies.iter().filter_map(entry_of).map(|e| e.nsid).find(|&id| id >= 0)))
            .collect()
    }

    /// Assign an id to the namespace behind `fd`; `None` lets the kernel
    /// pick the lowest free one (`ip netns set NAME auto`).
    pub fn set_nsid(&mut self, fd: BorrowedFd<'_>, nsid: Option<i32>) -> Result<(), NlError> {
        let mut msg = NsidMessage::default();
        msg.attributes = vec![NsidAttribute::Fd(fd.as_raw_fd() as u32), NsidAttribute::Id(nsid.unwrap_or(-1))];
        self.ack(RouteNetlinkMessage::NewNsId(msg), 0)
    }

    /// Every id this namespace (or, with `target`, the namespace that this
    /// one calls `target`) has assigned.
    pub fn dump_nsids(&mut self, target: Option<i32>) -> Result<Vec<NsidEntry>, NlError> {
        let attrs = target.map(NsidAttribute::TargetNsid).into_iter().collect();
        let replies = self.dump(nsid_message(attrs))?;
        Ok(replies.iter().filter_map(entry_of).collect())
    }

    /// Look up one id (`ip netns list-id nsid N [target-nsid T]`).
    pub fn get_nsid(&mut self, nsid: i32, target: Option<i32>) -> Result<Option<NsidEntry>, NlError> {
        let mut attrs = vec![NsidAttribute::Id(nsid)];
        attrs.extend(target.map(NsidAttribute::TargetNsid));
        let replies = self.request(nsid_message(attrs), false)?;
        Ok(replies.iter().find_map(entry_of))
    }
}
