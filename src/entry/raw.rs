//! What the early path is built from, since libc is not there yet: raw
//! system calls and C-string helpers that touch memory only through
//! volatile accesses (see the module rules in `entry`).

use core::arch::asm;
use core::mem::MaybeUninit;
use core::ptr::{read_volatile, write_volatile};

/// Room for "/run/netns/" or "/etc/netns/" + a 255-byte name + NUL.
pub const NAME_PATH_MAX: usize = 11 + 255 + 1;
const _: () = assert!(super::RUN_DIR.len() + 1 + 255 < NAME_PATH_MAX);
const _: () = assert!(super::ETC_DIR.len() + 1 + 255 < NAME_PATH_MAX);

/// A raw system call with up to five arguments: the result, or the errno.
///
/// # Safety
/// The arguments are valid for system call `number`: every pointer among
/// them points to memory that call may read or write, for the length it
/// uses (here: NUL-terminated strings and small arrays that outlive the call).
pub unsafe fn sys(number: libc::c_long, a: [usize; 5]) -> Result<usize, i32> {
    let ret: isize;
    // SAFETY: as the caller promises; the kernel clobbers only rcx and r11.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") number as isize => ret,
            in("rdi") a[0],
            in("rsi") a[1],
            in("rdx") a[2],
            in("r10") a[3],
            in("r8") a[4],
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    if (-4095..0).contains(&ret) { Err(-ret as i32) } else { Ok(ret as usize) }
}

/// End the process with `code`.
pub fn exit(code: usize) -> ! {
    // SAFETY: exit_group takes no pointers and ends the process; nothing
    // here needs cleaning up.
    unsafe { asm!("syscall", in("rax") libc::SYS_exit_group, in("rdi") code, options(noreturn, nostack)) }
}

/// Is the C string `s` a prefix of `full` at least `min` bytes long?
///
/// # Safety
/// `s` is a valid C string.
pub unsafe fn is_prefix(s: *const u8, full: &[u8], min: usize) -> bool {
    let mut n = 0;
    loop {
        // SAFETY: reads stop at the NUL.
        let c = unsafe { read_volatile(s.add(n)) };
        if c == 0 {
            return n >= min;
        }
        if n >= full.len() || c != full[n] {
            return false;
        }
        n += 1;
    }
}

/// A name the full program would add, delete or enter as is
/// (`NsName::new` accepts it): 1 to 255 bytes, no `/`,
/// not `.` or `..`, nothing below 0x20 and no DEL.
///
/// # Safety
/// `s` is a valid C string.
pub unsafe fn plain_name(s: *const u8) -> bool {
    let mut n = 0;
    let mut dots = 0;
    loop {
        // SAFETY: reads stop at the NUL.
        let c = unsafe { read_volatile(s.add(n)) };
        match c {
            0 => break,
            b'/' | 0x01..=0x1f | 0x7f => return false,
            b'.' => dots += 1,
            _ => {}
        }
        n += 1;
        if n > 255 {
            return false;
        }
    }
    n > 0 && !(dots == n && n <= 2)
}

/// The length of the C string `s` and whether it holds a `/`.
///
/// # Safety
/// `s` is a valid C string.
pub unsafe fn scan(s: *const u8) -> (usize, bool) {
    let (mut n, mut slash) = (0, false);
    loop {
        // SAFETY: reads stop at the NUL.
        match unsafe { read_volatile(s.add(n)) } {
            0 => return (n, slash),
            b'/' => slash = true,
            _ => {}
        }
        n += 1;
    }
}

/// The value of the environment variable `key` (given as `NAME=`).
///
/// # Safety
/// `envp` is a NULL-terminated array of C strings.
pub unsafe fn env_value(envp: *const *const u8, key: &[u8]) -> Option<*const u8> {
    let mut i = 0;
    loop {
        // SAFETY: reads stop at the NULL.
        let var = unsafe { read_volatile(envp.add(i)) };
        if var.is_null() {
            return None;
        }
        let mut n = 0;
        // SAFETY: a C string is read only up to its NUL (a mismatch ends
        // the loop there, as no key holds a NUL).
        while n < key.len() && unsafe { read_volatile(var.add(n)) } == key[n] {
            n += 1;
        }
        if n == key.len() {
            // SAFETY: the value follows the key inside the same string.
            return Some(unsafe { var.add(n) });
        }
        i += 1;
    }
}

/// Does the environment hold a variable starting with `key`?
///
/// # Safety
/// `envp` is a NULL-terminated array of C strings.
pub unsafe fn env_has(envp: *const *const u8, key: &[u8]) -> bool {
    // SAFETY: as the caller promises.
    unsafe { env_value(envp, key) }.is_some()
}

/// `dir` + "/" + `name` + NUL in `buf`; returns the C string.
///
/// # Safety
/// `dir` is RUN_DIR or ETC_DIR (checked to fit above) and `name` a C
/// string of at most 255 bytes.
pub unsafe fn join(buf: &mut MaybeUninit<[u8; NAME_PATH_MAX]>, dir: &[u8], name: *const u8) -> *const u8 {
    let out = buf.as_mut_ptr() as *mut u8;
    for (i, &c) in dir.iter().enumerate() {
        // SAFETY: dir is shorter than the buffer.
        unsafe { write_volatile(out.add(i), c) };
    }
    // SAFETY: as above.
    unsafe { write_volatile(out.add(dir.len()), b'/') };
    let mut n = 0;
    loop {
        // SAFETY: the name has at most 255 bytes before its NUL, so every
        // write (NUL included) lands below dir.len() + 1 + 256 <= NAME_PATH_MAX.
        unsafe {
            let c = read_volatile(name.add(n));
            write_volatile(out.add(dir.len() + 1 + n), c);
            if c == 0 {
                return out;
            }
        }
        n += 1;
    }
}

/// Is the C string `s` 1 to 255 ASCII digits (a PID as the full program's
/// `identify` takes it, after the name check it also passes)?
///
/// # Safety
/// `s` is a valid C string.
pub unsafe fn pid_word(s: *const u8) -> bool {
    let mut n = 0;
    loop {
        // SAFETY: reads stop at the NUL.
        match unsafe { read_volatile(s.add(n)) } {
            0 => return n > 0,
            b'0'..=b'9' if n < 255 => n += 1,
            _ => return false,
        }
    }
}
