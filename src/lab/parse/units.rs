//! Durations, rates and percentages as written in lab files.

/// Split "1.5ms" into (1.5, "ms").
fn split(s: &str) -> Option<(f64, &str)> {
    let s = s.trim();
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let n: f64 = s[..end].parse().ok()?;
    Some((n, s[end..].trim()))
}

/// "20ms", "5s", "100us", "1.5ms", "2m" → microseconds.
pub(crate) fn duration_us(s: &str) -> Result<u64, String> {
    duration_us_in(s, None)
}

/// [`duration_us`], with a bare number counted in seconds: "5" is 5 s (a
/// command line's `--wait 5`).
pub(crate) fn duration_or_seconds_us(s: &str) -> Result<u64, String> {
    duration_us_in(s, Some(1e6))
}

/// A duration in microseconds; `bare` is what a number without a unit
/// counts in (`None`: a unit is required).
fn duration_us_in(s: &str, bare: Option<f64>) -> Result<u64, String> {
    let bad = || format!("\"{s}\" is not a duration (write it like \"20ms\", \"5s\" or \"100us\")");
    let (n, unit) = split(s).ok_or_else(bad)?;
    let mult = match unit {
        "" => bare.ok_or_else(bad)?,
        "us" | "usec" | "µs" => 1.0,
        "ms" | "msec" => 1e3,
        "s" | "sec" => 1e6,
        "m" | "min" => 60e6,
        _ => return Err(bad()),
    };
    let v = (n * mult).round();
    if !v.is_finite() || v > u64::MAX as f64 / 2.0 {
        return Err(bad());
    }
    Ok(v as u64)
}

pub(crate) use crate::lab::shaping::RATE_MIN_BPS;

/// "100mbit", "10kbit", "1gbit", "800bit", "1mbps" (bytes) → bits per second
/// (decimal multiples, like tc; "kibit"/"mibit"… are binary).
pub(crate) fn rate_bps(s: &str) -> Result<u64, String> {
    let bad = || format!("\"{s}\" is not a rate (write it like \"100mbit\", \"10kbit\" or \"1mbps\" for bytes)");
    let (n, unit) = split(s).ok_or_else(bad)?;
    let unit = unit.to_ascii_lowercase();
    let (prefix, per_byte) = if let Some(p) = unit.strip_suffix("bit") {
        (p.to_string(), false)
    } else if let Some(p) = unit.strip_suffix("bps") {
        (p.to_string(), true)
    } else {
        return Err(bad());
    };
    let mult: f64 = match prefix.as_str() {
        "" => 1.0,
        "k" => 1e3,
        "m" => 1e6,
        "g" => 1e9,
        "t" => 1e12,
        "ki" => 1024.0,
        "mi" => 1024.0 * 1024.0,
        "gi" => 1024.0 * 1024.0 * 1024.0,
        "ti" => 1024.0f64.powi(4),
        _ => return Err(bad()),
    };
    let v = (n * mult * if per_byte { 8.0 } else { 1.0 }).round();
    if !v.is_finite() || v < 1.0 || v > u64::MAX as f64 / 2.0 {
        return Err(bad());
    }
    Ok(v as u64)
}

/// "0.5%" → 0.5 (0 to 100).
pub(crate) fn percent_str(s: &str) -> Result<f64, String> {
    let bad = || format!("\"{s}\" is not a percentage (write it like \"0.5%\")");
    let t = s.trim().strip_suffix('%').ok_or_else(bad)?;
    let v: f64 = t.trim().parse().map_err(|_| bad())?;
    percent(v).map_err(|_| bad())
}

/// A number between 0 and 100.
pub(crate) fn percent(v: f64) -> Result<f64, String> {
    if (0.0..=100.0).contains(&v) { Ok(v) } else { Err(format!("{v} is not a percentage between 0 and 100")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_us("20ms"), Ok(20_000));
        assert_eq!(duration_us("5s"), Ok(5_000_000));
        assert_eq!(duration_us("100us"), Ok(100));
        assert_eq!(duration_us("1.5ms"), Ok(1_500));
        assert!(duration_us("20").is_err());
        assert!(duration_us("ms").is_err());
        assert!(duration_us("20 parsecs").is_err());
        assert_eq!(duration_or_seconds_us("20"), Ok(20_000_000));
        assert_eq!(duration_or_seconds_us("20ms"), Ok(20_000));
        assert_eq!(duration_or_seconds_us("ms"), duration_us("ms"));
        assert_eq!(
            duration_us("20"),
            Err("\"20\" is not a duration (write it like \"20ms\", \"5s\" or \"100us\")".into())
        );
    }

    #[test]
    fn rates() {
        assert_eq!(rate_bps("100mbit"), Ok(100_000_000));
        assert_eq!(rate_bps("10kbit"), Ok(10_000));
        assert_eq!(rate_bps("1gbit"), Ok(1_000_000_000));
        assert_eq!(rate_bps("2mbit"), Ok(2_000_000));
        assert_eq!(rate_bps("800bit"), Ok(800));
        assert_eq!(rate_bps("1mbps"), Ok(8_000_000));
        assert_eq!(rate_bps("1kibit"), Ok(1024));
        assert!(rate_bps("100").is_err());
        assert!(rate_bps("100mb").is_err());
    }

    #[test]
    fn percents() {
        assert_eq!(percent_str("0.5%"), Ok(0.5));
        assert_eq!(percent_str("100%"), Ok(100.0));
        assert!(percent_str("0.5").is_err());
        assert!(percent_str("101%").is_err());
        assert_eq!(percent(3.0), Ok(3.0));
    }
}
