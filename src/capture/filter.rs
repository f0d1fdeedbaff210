//! FILTER: a tcpdump expression compiled by libpcap (on a dead handle of
//! the interface's link type) into classic BPF, which the kernel runs on
//! each packet socket (`SO_ATTACH_FILTER`), so that only matching packets
//! are copied out.
//!
//! libpcap is loaded when a filter is given ([`Compiler::load`]), not
//! linked: building netns needs no libpcap, and a capture without a filter
//! runs where libpcap is not installed. Five functions are used:
//! `pcap_open_dead`, `pcap_compile`, `pcap_geterr`, `pcap_freecode` and
//! `pcap_close`, all in libpcap's stable ABI since 0.8.
//!
//! A static build (`crt-static`, the release build of scripts/release.sh)
//! loads nothing: glibc loads a shared library into a static program only
//! when it is of the very glibc version the program was linked with, which
//! an upgrade of the system's glibc silently breaks. There [`Compiler::load`]
//! says so.

/// A compiled program, in the kernel's `struct sock_filter` layout.
pub type Program = Vec<libc::sock_filter>;

/// The names libpcap's run-time library goes by, tried in this order:
/// Debian's and Ubuntu's soname, upstream's (Fedora, Arch, Alpine), the
/// development link.
#[cfg_attr(target_feature = "crt-static", allow(dead_code))]
const LIBRARY_NAMES: [&str; 3] = ["libpcap.so.0.8", "libpcap.so.1", "libpcap.so"];

#[cfg(not(target_feature = "crt-static"))]
mod dynamic {
    use super::{LIBRARY_NAMES, Program};
    use libc::{c_char, c_int, c_uint, c_void};
    use std::ffi::{CStr, CString};

    /// libpcap's `struct bpf_program`.
    #[repr(C)]
    struct BpfProgram {
        bf_len: c_uint,
        bf_insns: *mut libc::sock_filter,
    }

    type OpenDead = unsafe extern "C" fn(c_int, c_int) -> *mut c_void;
    type Compile = unsafe extern "C" fn(*mut c_void, *mut BpfProgram, *const c_char, c_int, u32) -> c_int;
    type GetErr = unsafe extern "C" fn(*mut c_void) -> *mut c_char;
    type FreeCode = unsafe extern "C" fn(*mut BpfProgram);
    type Close = unsafe extern "C" fn(*mut c_void);

    /// What to install when libpcap is missing.
    const INSTALL: &str = "apt-get install libpcap0.8 (Debian/Ubuntu) or libpcap (Fedora), or capture without a filter";

    /// `PCAP_NETMASK_UNKNOWN`: `ip broadcast` is then refused, as tcpdump
    /// does on an interface without an IPv4 address.
    const NETMASK_UNKNOWN: u32 = 0xffff_ffff;

    /// libpcap's filter compiler, loaded.
    pub struct Compiler {
        open_dead: OpenDead,
        compile: Compile,
        geterr: GetErr,
        freecode: FreeCode,
        close: Close,
        /// The library the functions above live in: kept loaded while they
        /// may be called (dropped last, being the last field).
        _library: libloading::Library,
    }

    impl Compiler {
        /// Load libpcap; the error is the whole message for the user, with
        /// what to install.
        pub fn load() -> Result<Self, String> {
            let mut cause = None;
            for name in LIBRARY_NAMES {
                // SAFETY: loading runs libpcap's and its dependencies'
                // initialisers, which set up only their own state.
                match unsafe { libloading::Library::new(name) } {
                    Ok(library) => return Self::resolve(name, library),
                    Err(e) => {
                        // "NAME: cannot open shared object file: No such
                        // file or directory" means the next name is worth a
                        // try; any other failure (a dependency missing, a
                        // broken file) is the one to report.
                        let text = e.to_string();
                        if !text.starts_with(&format!("{name}: cannot open shared object file")) {
                            cause.get_or_insert(text);
                        }
                    }
                }
            }
            let cause = cause.unwrap_or_else(|| format!("none of {} found", LIBRARY_NAMES.join(", ")));
            Err(format!("a FILTER needs libpcap at run time ({cause}): {INSTALL}"))
        }

        fn resolve(name: &str, library: libloading::Library) -> Result<Self, String> {
            Self::symbols(library).map_err(|e| {
                format!("a FILTER needs libpcap at run time ({name} is not a usable libpcap: {e}): {INSTALL}")
            })
        }

        fn symbols(library: libloading::Library) -> Result<Self, libloading::Error> {
            // SAFETY: each type is the C prototype in libpcap's pcap.h of
            // the symbol it is read as; the pointers are called only while
            // `_library` keeps the library loaded.
            let (open_dead, compile, geterr, freecode, close) = unsafe {
                (
                    *library.get::<OpenDead>(b"pcap_open_dead\0")?,
                    *library.get::<Compile>(b"pcap_compile\0")?,
                    *library.get::<GetErr>(b"pcap_geterr\0")?,
                    *library.get::<FreeCode>(b"pcap_freecode\0")?,
                    *library.get::<Close>(b"pcap_close\0")?,
                )
            };
            Ok(Compiler { open_dead, compile, geterr, freecode, close, _library: library })
        }

        /// Compile `expr` for link type `dlt` (libpcap's DLT number). The
        /// error is libpcap's own message ("syntax error", "unknown host
        /// 'x'", …).
        pub fn compile(&self, expr: &str, dlt: i32) -> Result<Program, String> {
            let c_expr = CString::new(expr).map_err(|_| "the filter holds a NUL byte".to_string())?;
            // SAFETY: pcap_open_dead allocates a handle that compiles only;
            // it is closed below on every path.
            let dead = unsafe { (self.open_dead)(dlt, crate::capture::FILTER_SNAPLEN as c_int) };
            if dead.is_null() {
                return Err(format!("libpcap has no dead handle for link type {dlt}"));
            }
            let mut program = BpfProgram { bf_len: 0, bf_insns: std::ptr::null_mut() };
            // SAFETY: `dead` is a live handle, `program` a bpf_program for
            // libpcap to fill and `c_expr` a NUL-terminated string, all
            // alive during the call.
            let rc = unsafe { (self.compile)(dead, &raw mut program, c_expr.as_ptr(), 1, NETMASK_UNKNOWN) };
            let out = if rc < 0 {
                // SAFETY: pcap_geterr returns the handle's NUL-terminated
                // error buffer, read before the handle is closed.
                let text = unsafe { CStr::from_ptr((self.geterr)(dead)) };
                Err(text.to_string_lossy().into_owned())
            } else {
                let n = program.bf_len as usize;
                let copied = if program.bf_insns.is_null() || n == 0 || n > usize::from(u16::MAX) {
                    Err(format!("the compiled program has {n} instructions"))
                } else {
                    // SAFETY: libpcap's `struct bpf_insn` and the kernel's
                    // `struct sock_filter` are the same four fields (u16
                    // code, u8 jt, u8 jf, u32 k); `bf_insns` holds `bf_len`
                    // of them until pcap_freecode, and they are copied now.
                    Ok(unsafe { std::slice::from_raw_parts(program.bf_insns, n) }.to_vec())
                };
                // SAFETY: the program pcap_compile filled, freed once.
                unsafe { (self.freecode)(&raw mut program) };
                copied
            };
            // SAFETY: the handle from pcap_open_dead, closed once.
            unsafe { (self.close)(dead) };
            out
        }
    }
}

#[cfg(not(target_feature = "crt-static"))]
pub use dynamic::Compiler;

/// A static build has no compiler: [`Compiler::load`] always fails.
#[cfg(target_feature = "crt-static")]
pub struct Compiler(std::convert::Infallible);

#[cfg(target_feature = "crt-static")]
impl Compiler {
    /// Say why this build takes no filter.
    pub fn load() -> Result<Self, String> {
        Err("a FILTER needs libpcap at run time, which this static netns (the release build of \
             scripts/release.sh) cannot load: capture without a filter, or use the build of \
             `cargo build --release`, which loads libpcap (Debian/Ubuntu: libpcap0.8, Fedora: libpcap)"
            .into())
    }

    /// Never called: no `Compiler` exists.
    pub fn compile(&self, _expr: &str, _dlt: i32) -> Result<Program, String> {
        match self.0 {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_for_ethernet_and_rejects_nonsense() {
        let compiler = match Compiler::load() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let p = compiler.compile("icmp", 1).unwrap();
        // Loads the ethertype first (offset 12), as tcpdump -d shows.
        assert_eq!((p[0].code, p[0].k), (0x28, 12));
        assert!(p.len() < 10);
        // Raw IP (DLT_RAW, 12) starts at the IP header: no ethertype.
        let raw = compiler.compile("icmp", 12).unwrap();
        assert_eq!((raw[0].code, raw[0].k), (0x30, 0), "ldb [0], the IP version");
        let e = compiler.compile("icmp and and", 1).unwrap_err();
        assert!(e.contains("syntax error"), "{e}");
        let e = compiler.compile("icmp\0", 1).unwrap_err();
        assert!(e.contains("NUL"), "{e}");
    }
}
