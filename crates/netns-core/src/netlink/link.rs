//! Typed rtnetlink reads of links: dumps and lookups into netns's own model
//! types ([`Link`] and what hangs off it), so callers never see
//! `netlink-packet-route` types.
//!
//! Every field is what the kernel sent, untouched: `None` means the
//! attribute was absent (iproute2 prints nothing for it), which is different
//! from a zero value.
//!
//! ```no_run
//! use netns_core::netlink::{Netlink, link::KindData};
//! let mut nl = Netlink::open()?;
//! for link in nl.links()? {
//!     let rx = link.stats.map_or(0, |s| s.rx_bytes);
//!     match link.info.as_ref().and_then(|i| i.data.as_ref()) {
//!         Some(KindData::Bridge(b)) => println!("{}: a bridge, STP {:?}, {rx} bytes in", link.name, b.stp_state),
//!         _ => println!("{}: {}, {rx} bytes in", link.name, link.kind().unwrap_or("no kind")),
//!     }
//! }
//! # Ok::<(), netns_core::netlink::NlError>(())
//! ```

pub(super) mod kinds;

pub use kinds::bridge::{BridgeIdent, BridgeInfo, BridgePortInfo};
pub use kinds::macvlan::MacvlanInfo;
pub use kinds::vxlan::VxlanInfo;

use super::engine::{Netlink, Reply};
use super::error::{KernelError, NlError};
use netlink_packet_core::DefaultNla;
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::{
    AfSpecInet6, AfSpecUnspec, In6AddrGenMode, LinkAttribute, LinkExtentMask, LinkInfo, LinkMessage, Prop,
};

/// `IFF_UP`, as the `u32` of `ifi_flags`.
pub const IFF_UP: u32 = libc::IFF_UP as u32;
/// `IFF_RUNNING`, as the `u32` of `ifi_flags`.
pub const IFF_RUNNING: u32 = libc::IFF_RUNNING as u32;
/// `IFF_LOWER_UP` (carrier: set at once when it changes, where the
/// operational state follows later), as the `u32` of `ifi_flags`.
pub const IFF_LOWER_UP: u32 = libc::IFF_LOWER_UP as u32;
/// `IFF_POINTOPOINT`, as the `u32` of `ifi_flags`.
pub const IFF_POINTOPOINT: u32 = libc::IFF_POINTOPOINT as u32;

/// One network interface as the kernel describes it (RTM_NEWLINK).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Link {
    /// Interface index.
    pub index: u32,
    /// IFLA_IFNAME.
    pub name: String,
    /// Hardware type (`ARPHRD_*`: 1 ether, 772 loopback, …).
    pub link_type: u16,
    /// `IFF_*` flags.
    pub flags: u32,
    /// IFLA_MTU.
    pub mtu: Option<u32>,
    /// IFLA_QDISC: the root qdisc's kind.
    pub qdisc: Option<String>,
    /// IFLA_MASTER: index of the bridge/bond this is a port of.
    pub master: Option<u32>,
    /// IFLA_OPERSTATE (RFC 2863: 0 unknown … 6 up).
    pub operstate: Option<u8>,
    /// IFLA_LINKMODE (0 default, 1 dormant).
    pub link_mode: Option<u8>,
    /// IFLA_GROUP.
    pub group: Option<u32>,
    /// IFLA_TXQLEN.
    pub txqlen: Option<u32>,
    /// IFLA_EVENT.
    pub event: Option<u32>,
    /// IFLA_ADDRESS: the hardware address.
    pub address: Option<Vec<u8>>,
    /// IFLA_BROADCAST (the peer address on point-to-point links).
    pub broadcast: Option<Vec<u8>>,
    /// IFLA_PERM_ADDRESS.
    pub perm_address: Option<Vec<u8>>,
    /// IFLA_LINK: the lower device (veth peer, macvlan parent), 0 for none.
    /// With `link_netnsid` set, the index is in that other namespace.
    pub parent: Option<u32>,
    /// IFLA_LINK_NETNSID: the namespace (by this namespace's nsid) of the
    /// lower device / veth peer.
    pub link_netnsid: Option<i32>,
    /// IFLA_PROTO_DOWN.
    pub proto_down: Option<bool>,
    /// IFLA_PROMISCUITY: promiscuous-mode reference count.
    pub promiscuity: Option<u32>,
    /// IFLA_ALLMULTI: all-multicast reference count.
    pub allmulti: Option<u32>,
    /// IFLA_MIN_MTU.
    pub min_mtu: Option<u32>,
    /// IFLA_MAX_MTU.
    pub max_mtu: Option<u32>,
    /// IFLA_NUM_TX_QUEUES.
    pub num_tx_queues: Option<u32>,
    /// IFLA_NUM_RX_QUEUES.
    pub num_rx_queues: Option<u32>,
    /// IFLA_GSO_MAX_SIZE.
    pub gso_max_size: Option<u32>,
    /// IFLA_GSO_MAX_SEGS.
    pub gso_max_segs: Option<u32>,
    /// IFLA_TSO_MAX_SIZE.
    pub tso_max_size: Option<u32>,
    /// IFLA_TSO_MAX_SEGS.
    pub tso_max_segs: Option<u32>,
    /// IFLA_GRO_MAX_SIZE.
    pub gro_max_size: Option<u32>,
    /// IFLA_PHYS_PORT_NAME.
    pub phys_port_name: Option<String>,
    /// IFLA_PHYS_PORT_ID.
    pub phys_port_id: Option<Vec<u8>>,
    /// IFLA_PHYS_SWITCH_ID.
    pub phys_switch_id: Option<Vec<u8>>,
    /// IFLA_PARENT_DEV_BUS_NAME (e.g. `pci`).
    pub parent_bus: Option<String>,
    /// IFLA_PARENT_DEV_NAME (e.g. `0000:00:03.0`).
    pub parent_dev: Option<String>,
    /// IFLA_IFALIAS.
    pub alias: Option<String>,
    /// IFLA_CARRIER_CHANGES.
    pub carrier_changes: Option<u32>,
    /// Counters (IFLA_STATS64, else IFLA_STATS); absent when stats were
    /// not asked for.
    pub stats: Option<LinkStats>,
    /// IPv6 address generation mode (AF_SPEC / AF_INET6 /
    /// IFLA_INET6_ADDR_GEN_MODE): 0 eui64, 1 none, 2 stable_secret, 3 random.
    pub addr_gen_mode: Option<u8>,
    /// Alternative names (IFLA_PROP_LIST / IFLA_ALT_IFNAME).
    pub alt_names: Vec<String>,
    /// IFLA_LINKINFO: the link kind and its settings.
    pub info: Option<LinkKindInfo>,
}

/// RFC 2863 operational state (IFLA_OPERSTATE) in lower-case words, as
/// `ip -j` prints them; `unknown` when absent or out of range.
pub fn operstate_word(state: Option<u8>) -> &'static str {
    match state {
        Some(1) => "notpresent",
        Some(2) => "down",
        Some(3) => "lowerlayerdown",
        Some(4) => "testing",
        Some(5) => "dormant",
        Some(6) => "up",
        _ => "unknown",
    }
}

impl Link {
    /// The kind (`veth`, `bridge`, …), when the link has one.
    pub fn kind(&self) -> Option<&str> {
        self.info.as_ref()?.kind.as_deref()
    }

    /// True when IFF_UP is set.
    pub fn is_up(&self) -> bool {
        self.flags & IFF_UP != 0
    }
}

/// Interface counters, `struct rtnl_link_stats64`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// True when they came from IFLA_STATS64 (false: 32-bit IFLA_STATS).
    pub is64: bool,
    /// Packets received.
    pub rx_packets: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Bad packets received.
    pub rx_errors: u64,
    /// Packets that could not be sent.
    pub tx_errors: u64,
    /// Received packets dropped (no buffer space, or by the stack).
    pub rx_dropped: u64,
    /// Packets dropped on the way out.
    pub tx_dropped: u64,
    /// Multicast packets received.
    pub multicast: u64,
    /// Collisions on the medium.
    pub collisions: u64,
    /// Received packets with a bad length.
    pub rx_length_errors: u64,
    /// Receive ring buffer overflows.
    pub rx_over_errors: u64,
    /// Received packets with a CRC error.
    pub rx_crc_errors: u64,
    /// Received frames with an alignment error.
    pub rx_frame_errors: u64,
    /// Receive FIFO overruns.
    pub rx_fifo_errors: u64,
    /// Packets the host missed.
    pub rx_missed_errors: u64,
    /// Transmissions aborted.
    pub tx_aborted_errors: u64,
    /// Transmissions that lost the carrier.
    pub tx_carrier_errors: u64,
    /// Transmit FIFO underruns.
    pub tx_fifo_errors: u64,
    /// Heartbeat (SQE test) errors.
    pub tx_heartbeat_errors: u64,
    /// Late collisions.
    pub tx_window_errors: u64,
    /// Compressed packets received.
    pub rx_compressed: u64,
    /// Compressed packets sent.
    pub tx_compressed: u64,
    /// Received packets dropped for want of a protocol handler.
    pub rx_nohandler: u64,
    /// Received packets dropped because they were for another host (0 from IFLA_STATS).
    pub rx_otherhost_dropped: u64,
}

/// IFLA_LINKINFO: what kind of link this is, and (for ports) what it is a
/// port of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkKindInfo {
    /// IFLA_INFO_KIND.
    pub kind: Option<String>,
    /// IFLA_INFO_DATA, decoded for the kinds netns knows.
    pub data: Option<KindData>,
    /// IFLA_INFO_SLAVE_KIND (`bridge` for a bridge port).
    pub port_kind: Option<String>,
    /// IFLA_INFO_SLAVE_DATA, decoded for the kinds netns knows.
    pub port_data: Option<PortData>,
}

/// Kind-specific settings (IFLA_INFO_DATA).
#[derive(Debug, Clone, PartialEq)]
pub enum KindData {
    /// `bridge`
    Bridge(Box<BridgeInfo>),
    /// `vxlan`
    Vxlan(Box<VxlanInfo>),
    /// `macvlan` / `macvtap`
    Macvlan(MacvlanInfo),
    /// `vlan`: its VLAN id (IFLA_VLAN_ID), when reported.
    Vlan(Option<u16>),
    /// Anything else: present but not decoded.
    Other,
}

/// Port-specific settings (IFLA_INFO_SLAVE_DATA).
#[derive(Debug, Clone, PartialEq)]
pub enum PortData {
    /// A bridge port.
    Bridge(Box<BridgePortInfo>),
    /// Anything else: present but not decoded.
    Other,
}

/// What a link dump or lookup returns besides the always-present fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkQuery {
    /// Ask for counters (without this the kernel is told to skip them,
    /// which makes dumps smaller and faster).
    pub stats: bool,
    /// The address family asked for (`ifi_family`): 0 for everything; with
    /// AF_INET6 the kernel answers with the IPv6 view of each link (fewer
    /// attributes), as `ip -6` shows it.
    pub family: u8,
}

fn get_link_message(index: u32, name: Option<&str>, query: LinkQuery) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    msg.header.interface_family = netlink_packet_route::AddressFamily::from(query.family);
    if let Some(name) = name {
        if name.len() < 16 {
            msg.attributes.push(LinkAttribute::IfName(name.to_string()));
        } else {
            // Too long for IFLA_IFNAME: it can only be an alternative name.
            let mut value = name.as_bytes().to_vec();
            value.push(0);
            msg.attributes.push(LinkAttribute::Other(DefaultNla::new(libc::IFLA_ALT_IFNAME, value)));
        }
    }
    // iproute2 sends the filter mask only in AF_UNSPEC requests; the IPv6
    // dump handler, with strict checking, rejects any attribute.
    if query.family == 0 {
        msg.attributes.push(LinkAttribute::ExtMask(ext_mask(query)));
    }
    RouteNetlinkMessage::GetLink(msg)
}

fn ext_mask(query: LinkQuery) -> Vec<LinkExtentMask> {
    let mut mask = vec![LinkExtentMask::Vf];
    if !query.stats {
        mask.push(LinkExtentMask::SkipStats);
    }
    mask
}

impl Netlink {
    /// Every link in this namespace, in the kernel's (index) order, with
    /// counters.
    ///
    /// ```no_run
    /// let mut nl = netns_core::netlink::Netlink::open()?;
    /// for link in nl.links()? {
    ///     println!("{} {}", link.index, link.name);
    /// }
    /// # Ok::<(), netns_core::netlink::NlError>(())
    /// ```
    pub fn links(&mut self) -> Result<Vec<Link>, NlError> {
        self.links_with(LinkQuery { stats: true, family: 0 })
    }

    /// Every link in this namespace, asking only for what `query` says.
    pub fn links_with(&mut self, query: LinkQuery) -> Result<Vec<Link>, NlError> {
        let replies = self.dump(get_link_message(0, None, query))?;
        Ok(replies.iter().filter_map(link_of).collect())
    }

    /// One link by name or alternative name, with counters, in one
    /// RTM_GETLINK request (no dump): `Ok(None)` when no such link exists.
    ///
    /// ```no_run
    /// let mut nl = netns_core::netlink::Netlink::open()?;
    /// if let Some(lo) = nl.link_by_name("lo")? {
    ///     println!("lo is index {} and {}", lo.index, if lo.is_up() { "up" } else { "down" });
    /// }
    /// # Ok::<(), netns_core::netlink::NlError>(())
    /// ```
    pub fn link_by_name(&mut self, name: &str) -> Result<Option<Link>, NlError> {
        self.link_by_name_with(name, LinkQuery { stats: true, family: 0 })
    }

    /// [`link_by_name`](Self::link_by_name), asking only for what `query` says.
    pub fn link_by_name_with(&mut self, name: &str, query: LinkQuery) -> Result<Option<Link>, NlError> {
        if name.is_empty() || name.len() > 127 {
            return Ok(None);
        }
        self.get_link(get_link_message(0, Some(name), query))
    }

    /// One link by index, with counters: `Ok(None)` when no such link exists.
    pub fn link_by_index(&mut self, index: u32) -> Result<Option<Link>, NlError> {
        self.link_by_index_with(index, LinkQuery { stats: true, family: 0 })
    }

    /// [`link_by_index`](Self::link_by_index), asking only for what `query` says.
    pub fn link_by_index_with(&mut self, index: u32, query: LinkQuery) -> Result<Option<Link>, NlError> {
        self.get_link(get_link_message(index, None, query))
    }

    /// Every link's index, name and counters, and nothing else: the read
    /// for sampling counters often (`netns top`). The dump's messages are
    /// walked by hand for two attributes instead of being decoded whole,
    /// and the request leaves out VF details, so it costs far less CPU
    /// than [`links`](Self::links).
    ///
    /// ```no_run
    /// let mut nl = netns_core::netlink::Netlink::open()?;
    /// for c in nl.link_counters()? {
    ///     println!("{}: {} bytes in", c.name, c.stats.rx_bytes);
    /// }
    /// # Ok::<(), netns_core::netlink::NlError>(())
    /// ```
    pub fn link_counters(&mut self) -> Result<Vec<LinkCounters>, NlError> {
        // struct ifinfomsg, all zero: every link, every family.
        self.dump_raw(libc::RTM_GETLINK, &[0u8; 16], |kind, payload| {
            (kind == libc::RTM_NEWLINK).then(|| counters_of(payload)).flatten()
        })
    }

    fn get_link(&mut self, msg: RouteNetlinkMessage) -> Result<Option<Link>, NlError> {
        match self.request(msg, false) {
            Ok(replies) => Ok(replies.iter().find_map(link_of)),
            Err(NlError::Kernel(KernelError { errno: libc::ENODEV | libc::EINVAL, .. })) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// One link's index, name and counters ([`Netlink::link_counters`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkCounters {
    /// Interface index.
    pub index: u32,
    /// IFLA_IFNAME.
    pub name: String,
    /// IFLA_STATS64 (else IFLA_STATS); zero when the kernel sent neither.
    pub stats: LinkStats,
}

/// Read an RTM_NEWLINK payload (`struct ifinfomsg` and attributes) for its
/// index, name and counters only.
fn counters_of(payload: &[u8]) -> Option<LinkCounters> {
    const IFINFOMSG_LEN: usize = 16;
    let index = u32::from_ne_bytes(payload.get(4..8)?.try_into().ok()?);
    let mut out = LinkCounters { index, ..LinkCounters::default() };
    for (kind, value) in super::wire::attrs(payload.get(IFINFOMSG_LEN..)?) {
        match kind {
            libc::IFLA_IFNAME => {
                let name = value.split(|&c| c == 0).next().unwrap_or(&[]);
                out.name = String::from_utf8_lossy(name).into_owned();
            }
            libc::IFLA_STATS64 => out.stats = stats_from(value, 8, true),
            libc::IFLA_STATS if !out.stats.is64 => out.stats = stats_from(value, 4, false),
            _ => {}
        }
    }
    Some(out)
}

/// `struct rtnl_link_stats64` (`width` 8) or `struct rtnl_link_stats`
/// (4): the fields in their kernel order; fields a shorter (older) struct
/// lacks stay zero.
fn stats_from(b: &[u8], width: usize, is64: bool) -> LinkStats {
    let mut f = [0u64; 25];
    for (slot, chunk) in f.iter_mut().zip(b.chunks_exact(width)) {
        *slot = match width {
            8 => u64::from_ne_bytes(chunk.try_into().unwrap_or_default()),
            _ => u32::from_ne_bytes(chunk.try_into().unwrap_or_default()).into(),
        };
    }
    LinkStats {
        is64,
        rx_packets: f[0],
        tx_packets: f[1],
        rx_bytes: f[2],
        tx_bytes: f[3],
        rx_errors: f[4],
        tx_errors: f[5],
        rx_dropped: f[6],
        tx_dropped: f[7],
        multicast: f[8],
        collisions: f[9],
        rx_length_errors: f[10],
        rx_over_errors: f[11],
        rx_crc_errors: f[12],
        rx_frame_errors: f[13],
        rx_fifo_errors: f[14],
        rx_missed_errors: f[15],
        tx_aborted_errors: f[16],
        tx_carrier_errors: f[17],
        tx_fifo_errors: f[18],
        tx_heartbeat_errors: f[19],
        tx_window_errors: f[20],
        rx_compressed: f[21],
        tx_compressed: f[22],
        rx_nohandler: f[23],
        rx_otherhost_dropped: if is64 { f[24] } else { 0 },
    }
}

fn link_of(reply: &Reply) -> Option<Link> {
    match reply.decoded()? {
        RouteNetlinkMessage::NewLink(m) => Some(Link::from_message(m)),
        _ => None,
    }
}

impl Link {
    fn from_message(m: &LinkMessage) -> Link {
        let mut link = Link {
            index: m.header.index,
            link_type: m.header.link_layer_type.into(),
            flags: m.header.flags.bits(),
            ..Link::default()
        };
        for attr in &m.attributes {
            link.absorb(attr);
        }
        link
    }

    fn absorb(&mut self, attr: &LinkAttribute) {
        use LinkAttribute as A;
        match attr {
            A::IfName(v) => self.name = v.clone(),
            A::Mtu(v) => self.mtu = Some(*v),
            A::Qdisc(v) => self.qdisc = Some(v.clone()),
            A::Controller(v) => self.master = Some(*v),
            A::OperState(v) => self.operstate = Some((*v).into()),
            A::Mode(v) => self.link_mode = Some((*v).into()),
            A::Group(v) => self.group = Some(*v),
            A::TxQueueLen(v) => self.txqlen = Some(*v),
            A::Event(v) => self.event = Some((*v).into()),
            A::Address(v) => self.address = Some(v.clone()),
            A::Broadcast(v) => self.broadcast = Some(v.clone()),
            A::PermAddress(v) => self.perm_address = Some(v.clone()),
            A::Link(v) => self.parent = Some(*v),
            A::LinkNetNsId(v) => self.link_netnsid = Some(*v),
            A::ProtoDown(v) => self.proto_down = Some(*v != 0),
            A::Promiscuity(v) => self.promiscuity = Some(*v),
            A::AllMulticast(v) => self.allmulti = Some(*v),
            A::MinMtu(v) => self.min_mtu = Some(*v),
            A::MaxMtu(v) => self.max_mtu = Some(*v),
            A::NumTxQueues(v) => self.num_tx_queues = Some(*v),
            A::NumRxQueues(v) => self.num_rx_queues = Some(*v),
            A::GsoMaxSize(v) => self.gso_max_size = Some(*v),
            A::GsoMaxSegs(v) => self.gso_max_segs = Some(*v),
            A::TsoMaxSize(v) => self.tso_max_size = Some(*v),
            A::TsoMaxSegs(v) => self.tso_max_segs = Some(*v),
            A::GroMaxSize(v) => self.gro_max_size = Some(*v),
            A::PhysPortName(v) => self.phys_port_name = Some(v.clone()),
            A::PhysPortId(v) => self.phys_port_id = Some(v.id[..v.len.min(v.id.len())].to_vec()),
            A::PhysSwitchId(v) => self.phys_switch_id = Some(v.id[..v.len.min(v.id.len())].to_vec()),
            A::ParentDevBusName(v) => self.parent_bus = Some(v.clone()),
            A::ParentDevName(v) => self.parent_dev = Some(v.clone()),
            A::IfAlias(v) => self.alias = Some(v.clone()),
            A::CarrierChanges(v) => self.carrier_changes = Some(*v),
            A::Stats64(s) => self.stats = Some(stats64(s)),
            A::Stats(s) if self.stats.is_none() => self.stats = Some(stats32(s)),
            A::PropList(props) => self.alt_names.extend(props.iter().filter_map(|p| match p {
                Prop::AltIfName(n) => Some(n.clone()),
                _ => None,
            })),
            A::AfSpecUnspec(specs) => {
                for spec in specs {
                    if let AfSpecUnspec::Inet6(v6) = spec {
                        for a in v6 {
                            if let AfSpecInet6::AddrGenMode(mode) = a {
                                self.addr_gen_mode = Some(gen_mode(mode));
                            }
                        }
                    }
                }
            }
            A::LinkInfo(infos) => self.info = Some(kind_info(infos)),
            _ => {}
        }
    }
}

fn gen_mode(mode: &In6AddrGenMode) -> u8 {
    match mode {
        In6AddrGenMode::Eui64 => 0,
        In6AddrGenMode::None => 1,
        In6AddrGenMode::StablePrivacy => 2,
        In6AddrGenMode::Random => 3,
        In6AddrGenMode::Other(v) => *v,
        #[allow(unreachable_patterns)]
        _ => 0xff,
    }
}

fn kind_info(infos: &[LinkInfo]) -> LinkKindInfo {
    let mut info = LinkKindInfo::default();
    for i in infos {
        match i {
            LinkInfo::Kind(k) => info.kind = Some(k.to_string()),
            LinkInfo::Data(d) => info.data = Some(kinds::decode(d)),
            LinkInfo::PortKind(k) => info.port_kind = Some(k.to_string()),
            LinkInfo::PortData(d) => info.port_data = Some(kinds::decode_port(d)),
            _ => {}
        }
    }
    info
}

fn stats64(s: &netlink_packet_route::link::Stats64) -> LinkStats {
    LinkStats {
        is64: true,
        rx_packets: s.rx_packets,
        tx_packets: s.tx_packets,
        rx_bytes: s.rx_bytes,
        tx_bytes: s.tx_bytes,
        rx_errors: s.rx_errors,
        tx_errors: s.tx_errors,
        rx_dropped: s.rx_dropped,
        tx_dropped: s.tx_dropped,
        multicast: s.multicast,
        collisions: s.collisions,
        rx_length_errors: s.rx_length_errors,
        rx_over_errors: s.rx_over_errors,
        rx_crc_errors: s.rx_crc_errors,
        rx_frame_errors: s.rx_frame_errors,
        rx_fifo_errors: s.rx_fifo_errors,
        rx_missed_errors: s.rx_missed_errors,
        tx_aborted_errors: s.tx_aborted_errors,
        tx_carrier_errors: s.tx_carrier_errors,
        tx_fifo_errors: s.tx_fifo_errors,
        tx_heartbeat_errors: s.tx_heartbeat_errors,
        tx_window_errors: s.tx_window_errors,
        rx_compressed: s.rx_compressed,
        tx_compressed: s.tx_compressed,
        rx_nohandler: s.rx_nohandler,
        rx_otherhost_dropped: s.rx_otherhost_dropped,
    }
}

fn stats32(s: &netlink_packet_route::link::Stats) -> LinkStats {
    LinkStats {
        is64: false,
        rx_packets: s.rx_packets.into(),
        tx_packets: s.tx_packets.into(),
        rx_bytes: s.rx_bytes.into(),
        tx_bytes: s.tx_bytes.into(),
        rx_errors: s.rx_errors.into(),
        tx_errors: s.tx_errors.into(),
        rx_dropped: s.rx_dropped.into(),
        tx_dropped: s.tx_dropped.into(),
        multicast: s.multicast.into(),
        collisions: s.collisions.into(),
        rx_length_errors: s.rx_length_errors.into(),
        rx_over_errors: s.rx_over_errors.into(),
        rx_crc_errors: s.rx_crc_errors.into(),
        rx_frame_errors: s.rx_frame_errors.into(),
        rx_fifo_errors: s.rx_fifo_errors.into(),
        rx_missed_errors: s.rx_missed_errors.into(),
        tx_aborted_errors: s.tx_aborted_errors.into(),
        tx_carrier_errors: s.tx_carrier_errors.into(),
        tx_fifo_errors: s.tx_fifo_errors.into(),
        tx_heartbeat_errors: s.tx_heartbeat_errors.into(),
        tx_window_errors: s.tx_window_errors.into(),
        rx_compressed: s.rx_compressed.into(),
        tx_compressed: s.tx_compressed.into(),
        rx_nohandler: s.rx_nohandler.into(),
        rx_otherhost_dropped: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_come_from_the_name_and_stats64_attributes_only() {
        let mut payload = vec![0u8; 16];
        payload[4..8].copy_from_slice(&7u32.to_ne_bytes());
        payload.extend(super::super::wire::nla(libc::IFLA_MTU, &1500u32.to_ne_bytes()));
        payload.extend(super::super::wire::nla(libc::IFLA_IFNAME, b"veth0\0"));
        let stats: Vec<u8> = (1..=25u64).flat_map(u64::to_ne_bytes).collect();
        payload.extend(super::super::wire::nla(libc::IFLA_STATS64, &stats));
        // The 32-bit copy the kernel also sends does not replace them.
        let old: Vec<u8> = (100..124u32).flat_map(u32::to_ne_bytes).collect();
        payload.extend(super::super::wire::nla(libc::IFLA_STATS, &old));
        let c = counters_of(&payload).unwrap();
        assert_eq!((c.index, c.name.as_str()), (7, "veth0"));
        let s = c.stats;
        assert!(s.is64);
        assert_eq!((s.rx_packets, s.tx_packets, s.rx_bytes, s.tx_bytes), (1, 2, 3, 4));
        assert_eq!((s.rx_errors, s.tx_errors, s.rx_dropped, s.tx_dropped), (5, 6, 7, 8));
        assert_eq!((s.rx_nohandler, s.rx_otherhost_dropped), (24, 25));
        assert!(counters_of(&[0u8; 3]).is_none());
    }

    #[test]
    fn the_lean_dump_sees_the_links_the_full_one_sees() {
        let mut nl = Netlink::open().unwrap();
        let full: Vec<(u32, String)> = nl.links().unwrap().into_iter().map(|l| (l.index, l.name)).collect();
        let lean: Vec<(u32, String)> = nl.link_counters().unwrap().into_iter().map(|c| (c.index, c.name)).collect();
        assert_eq!(full, lean);
        assert!(lean.iter().any(|(_, n)| n == "lo"));
    }
}
