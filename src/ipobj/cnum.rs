//! Numbers as iproute2 reads them: C's `strtoul` (leading blanks, a sign,
//! base 0 meaning `0x` hex / `0` octal / decimal) under `get_unsigned`,
//! `get_u32`, `get_u8` and friends, which want the whole word consumed.

/// C `strtoul(s, &end, base)` on `unsigned long` (64 bits): the value
/// (negated modulo 2⁶⁴ after a `-`, `u64::MAX` on overflow), whether it
/// overflowed, and how many bytes were consumed (0: no digits).
pub fn strtoul(s: &[u8], base: u32) -> (u64, bool, usize) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut base = base;
    let hex_prefix = i + 1 < s.len() && s[i] == b'0' && (s[i + 1] | 0x20) == b'x';
    if (base == 0 || base == 16) && hex_prefix && s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()) {
        base = 16;
        i += 2;
    } else if base == 0 {
        base = if s.get(i) == Some(&b'0') { 8 } else { 10 };
    }
    let start = i;
    let mut v: u64 = 0;
    let mut overflow = false;
    while i < s.len() {
        let d = match s[i] {
            c @ b'0'..=b'9' => u32::from(c - b'0'),
            c @ b'a'..=b'z' => u32::from(c - b'a') + 10,
            c @ b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => break,
        };
        if d >= base {
            break;
        }
        match v.checked_mul(u64::from(base)).and_then(|x| x.checked_add(u64::from(d))) {
            Some(x) => v = x,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return (0, false, 0);
    }
    if overflow {
        return (u64::MAX, true, i);
    }
    (if neg { v.wrapping_neg() } else { v }, false, i)
}

/// A whole word as an unsigned number no larger than `max`.
fn whole(s: &[u8], base: u32, max: u64) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (v, overflow, end) = strtoul(s, base);
    (end == s.len() && end > 0 && !overflow && v <= max).then_some(v)
}

/// `get_unsigned` / `get_u32`
pub fn get_u32(s: &[u8], base: u32) -> Option<u32> {
    whole(s, base, u64::from(u32::MAX)).map(|v| v as u32)
}

/// `get_u16`
pub fn get_u16(s: &[u8], base: u32) -> Option<u16> {
    whole(s, base, u64::from(u16::MAX)).map(|v| v as u16)
}

/// `get_u8`
pub fn get_u8(s: &[u8], base: u32) -> Option<u8> {
    whole(s, base, u64::from(u8::MAX)).map(|v| v as u8)
}

/// `strtoul(arg, &end, base)` that must consume the word and stay ≤ `max`
/// (the rt_names `*_a2n` fallbacks; they do not check for overflow).
pub fn a2n_number(s: &[u8], base: u32, max: u64) -> Option<u64> {
    let (v, _, end) = strtoul(s, base);
    (end > 0 && end == s.len() && v <= max).then_some(v)
}

/// `%g` of a positive number, as printf writes it (6 significant digits).
pub fn fmt_g(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let exp = x.abs().log10().floor() as i32;
    // Rounding to 6 digits may carry into the next power of ten.
    let sci = format!("{:.5e}", x);
    let (mant, e) = sci.split_once('e').unwrap_or((&sci, "0"));
    let e: i32 = e.parse().unwrap_or(exp);
    let strip = |s: &str| -> String {
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() }
    };
    if !(-4..6).contains(&e) {
        let sign = if e < 0 { '-' } else { '+' };
        return format!("{}e{}{:02}", strip(mant), sign, e.abs());
    }
    let decimals = (5 - e).max(0) as usize;
    strip(&format!("{:.*}", decimals, x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtoul_follows_c() {
        assert_eq!(strtoul(b"0x1f", 0), (31, false, 4));
        assert_eq!(strtoul(b"010", 0), (8, false, 3));
        assert_eq!(strtoul(b" 12z", 10), (12, false, 3));
        assert_eq!(strtoul(b"-1", 0).0, u64::MAX);
        assert_eq!(strtoul(b"x", 0).2, 0);
        assert_eq!(strtoul(b"0x", 0), (0, false, 1));
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(get_u32(b"42", 0), Some(42));
        assert_eq!(get_u32(b"42x", 0), None);
        assert_eq!(get_u32(b"-1", 0), None);
        assert_eq!(get_u32(b"4294967296", 0), None);
        assert_eq!(get_u8(b"256", 0), None);
    }

    #[test]
    fn percent_g() {
        assert_eq!(fmt_g(1.0), "1");
        assert_eq!(fmt_g(1.5), "1.5");
        assert_eq!(fmt_g(4294.967295), "4294.97");
        assert_eq!(fmt_g(1000000.0), "1e+06");
        assert_eq!(fmt_g(12.345), "12.345");
    }
}
