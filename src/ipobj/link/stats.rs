//! Interface counters as `ip -s` prints them: aligned columns sized to the
//! widest number, a second block of error counters with `-s -s`.

use crate::ipobj::out::Out;
use crate::netlink::link::LinkStats;

/// `print_num`: a counter right-aligned in `width`, or with `-h` scaled to
/// k/M/G… (`-iec`: powers of 1024 with an `i`).
fn num(text: &mut Vec<u8>, width: usize, count: u64, human: bool, iec: bool) {
    let base: u64 = if iec { 1024 } else { 1000 };
    if !human || count < base {
        text.extend_from_slice(format!("{count:>width$} ").as_bytes());
        return;
    }
    let prefixes = b"kMGTPE";
    let mut p = 0;
    let mut powi: u64 = 1;
    loop {
        powi = powi.saturating_mul(base);
        if count / base < powi {
            break;
        }
        if p + 1 >= prefixes.len() {
            break;
        }
        p += 1;
    }
    let mut precision: usize = 2;
    let mut powj: u64 = 1;
    while precision > 0 {
        powj *= 10;
        if count / powi < powj {
            break;
        }
        precision -= 1;
    }
    let s =
        format!("{:.*}{}{}", precision, count as f64 / powi as f64, prefixes[p] as char, if iec { "i" } else { "" });
    text.extend_from_slice(format!("{s:>width$} ").as_bytes());
}

fn digits(mut v: u64) -> usize {
    let mut n = 1;
    while v > 9 {
        v /= 10;
        n += 1;
    }
    n
}

fn size(cols: &mut [usize; 8], vals: [u64; 8], human: bool) {
    if human {
        return;
    }
    for (c, v) in cols.iter_mut().zip(vals) {
        *c = (*c).max(digits(v));
    }
}

/// One direction's headline: `    RX: bytes packets errors dropped X Y
/// [compressed]` and its numbers (`-s`), in iproute2's column widths.
#[allow(clippy::too_many_arguments)]
fn headline(
    t: &mut Vec<u8>,
    sl: &[u8],
    cols: &[usize; 8],
    dir: &str,
    last: [&str; 2],
    values: [u64; 6],
    compressed: u64,
    human: bool,
    iec: bool,
) {
    t.extend_from_slice(
        format!(
            "    {dir}: {:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$} {:>w6$}",
            "bytes",
            "packets",
            "errors",
            "dropped",
            last[0],
            last[1],
            if compressed != 0 { "compressed" } else { "" },
            w0 = cols[0] - 4,
            w1 = cols[1],
            w2 = cols[2],
            w3 = cols[3],
            w4 = cols[4],
            w5 = cols[5],
            w6 = cols[6],
        )
        .as_bytes(),
    );
    t.extend_from_slice(sl);
    t.extend_from_slice(b"    ");
    for (w, v) in cols.iter().zip(values) {
        num(t, *w, v, human, iec);
    }
    if compressed != 0 {
        num(t, cols[6], compressed, human, iec);
    }
}

/// The `stats64` (or `stats`) block.
pub fn print_stats(out: &mut Out, s: &LinkStats, carrier_changes: Option<u32>, level: u8, human: bool, iec: bool) {
    if out.is_json() {
        print_json(out, s, carrier_changes, level);
        return;
    }
    let sl = out.sl();
    let mut cols: [usize; 8] = [10, 7, 6, 7, 7, 7, 10, 9];
    size(
        &mut cols,
        [s.rx_bytes, s.rx_packets, s.rx_errors, s.rx_dropped, s.rx_missed_errors, s.multicast, s.rx_compressed, 0],
        human,
    );
    if level > 1 {
        size(
            &mut cols,
            [
                0,
                s.rx_length_errors,
                s.rx_crc_errors,
                s.rx_frame_errors,
                s.rx_fifo_errors,
                s.rx_over_errors,
                s.rx_nohandler,
                s.rx_otherhost_dropped,
            ],
            human,
        );
    }
    size(
        &mut cols,
        [s.tx_bytes, s.tx_packets, s.tx_errors, s.tx_dropped, s.tx_carrier_errors, s.collisions, s.tx_compressed, 0],
        human,
    );
    if level > 1 {
        let cc = carrier_changes.map(u64::from).unwrap_or(0);
        size(
            &mut cols,
            [0, 0, s.tx_aborted_errors, s.tx_fifo_errors, s.tx_window_errors, s.tx_heartbeat_errors, cc, 0],
            human,
        );
    }
    // The column helpers write into a plain buffer; it reaches the sink in one piece.
    let mut block = Vec::with_capacity(1024);
    let t = &mut block;
    let rx = [s.rx_bytes, s.rx_packets, s.rx_errors, s.rx_dropped, s.rx_missed_errors, s.multicast];
    headline(t, sl, &cols, "RX", ["missed", "mcast"], rx, s.rx_compressed, human, iec);
    if level > 1 {
        t.extend_from_slice(sl);
        t.extend_from_slice(
            format!(
                "    RX errors:{:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}{:>w6$}{:>w7$}",
                "",
                "length",
                "crc",
                "frame",
                "fifo",
                "overrun",
                if s.rx_nohandler != 0 { " nohandler" } else { "" },
                if s.rx_otherhost_dropped != 0 { " otherhost" } else { "" },
                w0 = cols[0] - 10,
                w1 = cols[1],
                w2 = cols[2],
                w3 = cols[3],
                w4 = cols[4],
                w5 = cols[5],
                w6 = if s.rx_nohandler != 0 { cols[6] + 1 } else { 0 },
                w7 = if s.rx_otherhost_dropped != 0 { cols[7] + 1 } else { 0 },
            )
            .as_bytes(),
        );
        t.extend_from_slice(sl);
        t.extend_from_slice(" ".repeat(cols[0] + 5).as_bytes());
        for (w, v) in [
            (cols[1], s.rx_length_errors),
            (cols[2], s.rx_crc_errors),
            (cols[3], s.rx_frame_errors),
            (cols[4], s.rx_fifo_errors),
            (cols[5], s.rx_over_errors),
        ] {
            num(t, w, v, human, iec);
        }
        if s.rx_nohandler != 0 {
            num(t, cols[6], s.rx_nohandler, human, iec);
        }
        if s.rx_otherhost_dropped != 0 {
            num(t, cols[7], s.rx_otherhost_dropped, human, iec);
        }
    }
    t.extend_from_slice(sl);
    let tx = [s.tx_bytes, s.tx_packets, s.tx_errors, s.tx_dropped, s.tx_carrier_errors, s.collisions];
    headline(t, sl, &cols, "TX", ["carrier", "collsns"], tx, s.tx_compressed, human, iec);
    if level > 1 {
        t.extend_from_slice(sl);
        t.extend_from_slice(
            format!(
                "    TX errors:{:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}",
                "",
                "aborted",
                "fifo",
                "window",
                "heartbt",
                if carrier_changes.is_some() { "transns" } else { "" },
                w0 = cols[0] - 10,
                w1 = cols[1],
                w2 = cols[2],
                w3 = cols[3],
                w4 = cols[4],
                w5 = cols[5],
            )
            .as_bytes(),
        );
        t.extend_from_slice(sl);
        t.extend_from_slice(" ".repeat(cols[0] + 5).as_bytes());
        for (w, v) in [
            (cols[1], s.tx_aborted_errors),
            (cols[2], s.tx_fifo_errors),
            (cols[3], s.tx_window_errors),
            (cols[4], s.tx_heartbeat_errors),
        ] {
            num(t, w, v, human, iec);
        }
        if let Some(cc) = carrier_changes {
            num(t, cols[5], cc.into(), human, iec);
        }
    }
    out.text(block);
}

fn print_json(out: &mut Out, s: &LinkStats, carrier_changes: Option<u32>, level: u8) {
    out.open_object(Some(if s.is64 { "stats64" } else { "stats" }));
    out.open_object(Some("rx"));
    out.json_number("bytes", s.rx_bytes);
    out.json_number("packets", s.rx_packets);
    out.json_number("errors", s.rx_errors);
    out.json_number("dropped", s.rx_dropped);
    out.json_number("over_errors", s.rx_over_errors);
    out.json_number("multicast", s.multicast);
    if s.rx_compressed != 0 {
        out.json_number("compressed", s.rx_compressed);
    }
    if level > 1 {
        out.json_number("length_errors", s.rx_length_errors);
        out.json_number("crc_errors", s.rx_crc_errors);
        out.json_number("frame_errors", s.rx_frame_errors);
        out.json_number("fifo_errors", s.rx_fifo_errors);
        out.json_number("missed_errors", s.rx_missed_errors);
        if s.rx_nohandler != 0 {
            out.json_number("nohandler", s.rx_nohandler);
        }
        if s.rx_otherhost_dropped != 0 {
            out.json_number("otherhost", s.rx_otherhost_dropped);
        }
    }
    out.close_object();
    out.open_object(Some("tx"));
    out.json_number("bytes", s.tx_bytes);
    out.json_number("packets", s.tx_packets);
    out.json_number("errors", s.tx_errors);
    out.json_number("dropped", s.tx_dropped);
    out.json_number("carrier_errors", s.tx_carrier_errors);
    out.json_number("collisions", s.collisions);
    if s.tx_compressed != 0 {
        out.json_number("compressed", s.tx_compressed);
    }
    if level > 1 {
        out.json_number("aborted_errors", s.tx_aborted_errors);
        out.json_number("fifo_errors", s.tx_fifo_errors);
        out.json_number("window_errors", s.tx_window_errors);
        out.json_number("heartbeat_errors", s.tx_heartbeat_errors);
        if let Some(cc) = carrier_changes {
            out.json_number("carrier_changes", cc);
        }
    }
    out.close_object();
    out.close_object();
}
