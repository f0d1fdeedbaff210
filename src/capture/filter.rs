//! FILTER: a tcpdump expression compiled by libpcap (on a dead handle of
//! the interface's link type) into classic BPF, which the kernel runs on
//! each packet socket (`SO_ATTACH_FILTER`), so that only matching packets
//! are copied out. Builds without the `filter` feature refuse a filter.

/// A compiled program, in the kernel's `struct sock_filter` layout.
pub type Program = Vec<libc::sock_filter>;

/// Compile `expr` for link type `dlt` (libpcap's DLT number). The error is
/// libpcap's own message ("syntax error", "unknown host 'x'", …).
#[cfg(feature = "filter")]
pub fn compile(expr: &str, dlt: i32) -> Result<Program, String> {
    let dead = pcap::Capture::dead(pcap::Linktype(dlt)).map_err(|e| e.to_string())?;
    let program = dead.compile(expr, true).map_err(|e| e.to_string())?;
    let insns = program.get_instructions();
    // libpcap's `struct bpf_insn` and the kernel's `struct sock_filter` are
    // the same four fields (u16 code, u8 jt, u8 jf, u32 k), and the crate's
    // `BpfInstruction` is a transparent wrapper of the former.
    const _: () = assert!(size_of::<pcap::BpfInstruction>() == size_of::<libc::sock_filter>());
    // SAFETY: the layouts are identical (above); the slice is read and
    // copied while `program` is alive.
    let raw = unsafe { std::slice::from_raw_parts(insns.as_ptr().cast::<libc::sock_filter>(), insns.len()) };
    if raw.is_empty() || raw.len() > usize::from(u16::MAX) {
        return Err(format!("the compiled program has {} instructions", raw.len()));
    }
    Ok(raw.to_vec())
}

/// Without the `filter` feature there is no compiler.
#[cfg(not(feature = "filter"))]
pub fn compile(_expr: &str, _dlt: i32) -> Result<Program, String> {
    Err("this netns was built without filter support (the `filter` feature, which needs libpcap); \
         capture without a filter, or use a build with the default features"
        .into())
}

#[cfg(all(test, feature = "filter"))]
mod tests {
    use super::*;

    #[test]
    fn compiles_for_ethernet_and_rejects_nonsense() {
        let p = compile("icmp", 1).unwrap();
        // Loads the ethertype first (offset 12), as tcpdump -d shows.
        assert_eq!((p[0].code, p[0].k), (0x28, 12));
        assert!(p.len() < 10);
        let e = compile("icmp and and", 1).unwrap_err();
        assert!(e.contains("syntax error"), "{e}");
    }
}
