//! SVG drawn by our own code (positions from [`super::layout`]): hosts are
//! rounded boxes, routers ellipses, switches filled rectangles with a bar;
//! links are lines (curves when two nodes share several links or a layer)
//! with the interface and addresses of each end written near that end.
//! With `--live`, missing objects are red and dashed, interfaces that are
//! down make their link red and dashed, address drift is orange, and a
//! legend says so. Output is a pure function of the lab: numbers are
//! printed with one decimal, every loop runs in file order.

use super::layout::{self, LINE_H, Layout};
use super::{GNode, Graph};
use crate::lab::model::Kind;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escape text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => o.push('?'),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "\
    .title { font-size: 16px; font-weight: bold; }\n\
    .node { stroke: #333; stroke-width: 1.5; fill: #ffffff; }\n\
    .node.router { fill: #fff4e0; }\n\
    .node.switch { fill: #e6eef8; }\n\
    .name { font-size: 12px; font-weight: bold; text-anchor: middle; }\n\
    .ns { font-size: 11px; fill: #555; text-anchor: middle; }\n\
    .link { stroke: #555; stroke-width: 1.5; fill: none; }\n\
    .end { font-size: 10px; fill: #222; paint-order: stroke; stroke: #fff; stroke-width: 3px; }\n\
    .missing { stroke: #cc0000; stroke-dasharray: 6 4; }\n\
    .down { stroke: #cc0000; stroke-dasharray: 6 4; }\n\
    .drift { stroke: #e08000; }\n\
    .bad { fill: #cc0000; }\n\
    .legend { font-size: 11px; fill: #333; }\n";

fn f(x: f64) -> String {
    format!("{x:.1}")
}

fn node_lines(n: &GNode) -> Vec<String> {
    let mut v = n.label_lines();
    let b = n.drift.bracketed();
    if !b.is_empty() {
        v.push(b);
    }
    v
}

/// Distance from a box's centre to its border along the unit vector `u`.
fn border(size: (f64, f64), u: (f64, f64)) -> f64 {
    let (hw, hh) = (size.0 / 2.0, size.1 / 2.0);
    let tx = if u.0.abs() > 1e-9 { hw / u.0.abs() } else { f64::INFINITY };
    let ty = if u.1.abs() > 1e-9 { hh / u.1.abs() } else { f64::INFINITY };
    tx.min(ty)
}

fn unit(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-9 { (1.0, 0.0) } else { (dx / len, dy / len) }
}

/// Render `g` as an SVG document.
pub fn render(g: &Graph) -> String {
    let labels: Vec<Vec<String>> = g.nodes.iter().map(node_lines).collect();
    let lay = layout::layout(g, &labels);
    let legend_h = if g.live { 60.0 } else { 40.0 };
    let (w, h) = (lay.width, lay.height + legend_h);
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" \
         font-family=\"Helvetica, Arial, sans-serif\">",
        f(w),
        f(h),
        f(w),
        f(h)
    );
    let title = if g.live { format!("lab {} (live)", g.name) } else { format!("lab {}", g.name) };
    let _ = writeln!(s, "<title>{}</title>", esc(&title));
    let _ = writeln!(s, "<style>\n{STYLE}</style>");
    let _ = writeln!(s, "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>", f(w), f(h));
    let _ = writeln!(s, "<text class=\"title\" x=\"{}\" y=\"28\">{}</text>", f(layout::MARGIN), esc(&title));
    edges(&mut s, g, &lay);
    for (i, n) in g.nodes.iter().enumerate() {
        node(&mut s, n, &labels[i], lay.pos[i], lay.size[i]);
    }
    legend(&mut s, g, lay.height);
    s.push_str("</svg>\n");
    s
}

fn edges(s: &mut String, g: &Graph, lay: &Layout) {
    // Links between the same two nodes are bent apart; so are links inside
    // one layer, which would otherwise run through the nodes between.
    let mut groups: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (k, e) in g.edges.iter().enumerate() {
        let (a, b) = (e.ends[0].node, e.ends[1].node);
        groups.entry((a.min(b), a.max(b))).or_default().push(k);
    }
    let mut bend = vec![0.0; g.edges.len()];
    for ((a, b), ks) in &groups {
        let m = ks.len() as f64;
        let same_layer = lay.layer[*a] == lay.layer[*b];
        for (j, &k) in ks.iter().enumerate() {
            let mut off = (j as f64 - (m - 1.0) / 2.0) * 36.0;
            if same_layer {
                off += 60.0;
            }
            bend[k] = off;
        }
    }
    let degrees = g.degrees();
    s.push_str("<g id=\"links\">\n");
    for (k, e) in g.edges.iter().enumerate() {
        let [ea, eb] = &e.ends;
        let (pa, pb) = (lay.pos[ea.node], lay.pos[eb.node]);
        let d = e.drift();
        let mut class = "link".to_string();
        if d.missing {
            class.push_str(" missing");
        } else if d.down.is_some() {
            class.push_str(" down");
        } else if e.addr_drift() {
            class.push_str(" drift");
        }
        // Control point: the midpoint pushed sideways by the bend.
        let u = unit(pa, pb);
        let mid = ((pa.0 + pb.0) / 2.0, (pa.1 + pb.1) / 2.0);
        let ctrl = (mid.0 - u.1 * bend[k] * 2.0, mid.1 + u.0 * bend[k] * 2.0);
        let name = format!("{}:{} -- {}:{}", g.nodes[ea.node].name, ea.ifname, g.nodes[eb.node].name, eb.ifname);
        let _ = writeln!(s, "<g class=\"edge\"><title>{}</title>", esc(&name));
        if bend[k] == 0.0 {
            let _ = writeln!(
                s,
                "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                f(pa.0),
                f(pa.1),
                f(pb.0),
                f(pb.1)
            );
        } else {
            let _ = writeln!(
                s,
                "<path class=\"{class}\" d=\"M {} {} Q {} {} {} {}\"/>",
                f(pa.0),
                f(pa.1),
                f(ctrl.0),
                f(ctrl.1),
                f(pb.0),
                f(pb.1)
            );
        }
        for (end, from, toward) in
            [(ea, pa, if bend[k] == 0.0 { pb } else { ctrl }), (eb, pb, if bend[k] == 0.0 { pa } else { ctrl })]
        {
            let u = unit(from, toward);
            let len = ((pb.0 - pa.0).powi(2) + (pb.1 - pa.1).powi(2)).sqrt();
            let busy = degrees[end.node] > 2;
            let (tx, ty, anchor, lines) =
                end_place(end, from, u, lay.size[end.node], g.nodes[end.node].kind, (len, busy));
            let cls = if end.drift.is_clean() { "end" } else { "end bad" };
            let _ = write!(s, "<text class=\"{cls}\" text-anchor=\"{anchor}\" x=\"{}\" y=\"{}\">", f(tx), f(ty));
            for (li, l) in lines.iter().enumerate() {
                let dy = if li == 0 { "0" } else { "11" };
                let _ = write!(s, "<tspan x=\"{}\" dy=\"{dy}\">{}</tspan>", f(tx), esc(l));
            }
            s.push_str("</text>\n");
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n");
}

/// Where the label of one link end goes: just outside the node's border,
/// beside the line rather than on it, and growing away from the node.
/// Returns the first baseline's position, the text anchor and the lines.
fn end_place(
    end: &super::GEnd,
    from: (f64, f64),
    u: (f64, f64),
    size: (f64, f64),
    kind: Kind,
    (len, busy): (f64, bool),
) -> (f64, f64, &'static str, Vec<String>) {
    // Routers are ellipses a little larger than their label box.
    let size = if kind == Kind::Router { (size.0 + 12.0, size.1 + 8.0) } else { size };
    let lines = end.label_lines();
    let n = lines.len() as f64;
    let b = border(size, u);
    // Around a node with many links the lines fan out: labels further
    // along them stay apart.
    let r = if busy { b + 8.0 + ((len - 2.0 * b) * 0.25).max(0.0) } else { b + 8.0 };
    let p = (from.0 + u.0 * r, from.1 + u.1 * r);
    if u.0.abs() >= 0.35 {
        let anchor = if u.0 > 0.0 { "start" } else { "end" };
        let above = p.1 - 5.0 - (n - 1.0) * 11.0;
        let below = p.1 + 12.0;
        // A line leaving through the top or bottom edge: the label goes on
        // the far side of that edge, clear of the box. Through a side edge:
        // above a falling or level line, below a rising one, the side the
        // line leaves free.
        let through_top_or_bottom = u.1.abs() * size.0 > u.0.abs() * size.1;
        let y = match (through_top_or_bottom, u.1 < 0.0, u.1 < -0.1) {
            (true, true, _) => above,
            (true, false, _) => below,
            (false, _, true) => below,
            (false, _, false) => above,
        };
        (p.0, y, anchor, lines)
    } else {
        // Steep lines: the label to the right, centred on the line.
        let y = p.1 + u.1 * n * 5.5 - (n - 1.0) * 5.5 + 3.5;
        (p.0 + 6.0, y, "start", lines)
    }
}

fn node(s: &mut String, n: &GNode, lines: &[String], p: (f64, f64), size: (f64, f64)) {
    let (w, h) = size;
    let mut cls = format!("node {}", n.kind_word());
    if n.drift.missing {
        cls.push_str(" missing");
    } else if !n.drift.is_clean() || n.ifaces.iter().any(|i| !i.drift.is_clean()) {
        cls.push_str(" drift");
    }
    let _ = writeln!(
        s,
        "<g class=\"{}\" id=\"node-{}\"><title>{} ({}, namespace {})</title>",
        n.kind_word(),
        esc(&n.name),
        esc(&n.name),
        n.kind_word(),
        esc(&n.ns)
    );
    let (x, y) = (p.0 - w / 2.0, p.1 - h / 2.0);
    match n.kind {
        Kind::Host => {
            let _ = writeln!(
                s,
                "<rect class=\"{cls}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
                f(x),
                f(y),
                f(w),
                f(h)
            );
        }
        Kind::Router => {
            let _ = writeln!(
                s,
                "<ellipse class=\"{cls}\" cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\"/>",
                f(p.0),
                f(p.1),
                f(w / 2.0 + 6.0),
                f(h / 2.0 + 4.0)
            );
        }
        Kind::Switch => {
            let _ = writeln!(
                s,
                "<rect class=\"{cls}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                f(x),
                f(y),
                f(w),
                f(h)
            );
            // A bar along the bottom: a switch at a glance, without colour.
            let _ = writeln!(
                s,
                "<line class=\"{cls}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                f(x),
                f(y + h - 5.0),
                f(x + w),
                f(y + h - 5.0)
            );
        }
    }
    let first = p.1 - (lines.len() as f64 - 1.0) * LINE_H / 2.0 + 4.0;
    for (i, l) in lines.iter().enumerate() {
        let class = if i == 0 {
            "name"
        } else if l.starts_with('[') {
            "ns bad"
        } else {
            "ns"
        };
        let _ = writeln!(
            s,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\">{}</text>",
            f(p.0),
            f(first + i as f64 * LINE_H),
            esc(l)
        );
    }
    s.push_str("</g>\n");
}

fn legend(s: &mut String, g: &Graph, y0: f64) {
    let y = y0 + 10.0;
    let x = layout::MARGIN;
    s.push_str("<g id=\"legend\" class=\"legend\">\n");
    let _ = writeln!(
        s,
        "<rect class=\"node host key\" x=\"{}\" y=\"{}\" width=\"24\" height=\"14\" rx=\"4\"/>",
        f(x),
        f(y)
    );
    let _ = writeln!(s, "<text x=\"{}\" y=\"{}\">host</text>", f(x + 30.0), f(y + 11.0));
    let _ = writeln!(
        s,
        "<ellipse class=\"node router key\" cx=\"{}\" cy=\"{}\" rx=\"14\" ry=\"8\"/>",
        f(x + 92.0),
        f(y + 7.0)
    );
    let _ = writeln!(s, "<text x=\"{}\" y=\"{}\">router</text>", f(x + 112.0), f(y + 11.0));
    let _ = writeln!(
        s,
        "<rect class=\"node switch key\" x=\"{}\" y=\"{}\" width=\"24\" height=\"14\"/>",
        f(x + 166.0),
        f(y)
    );
    let _ = writeln!(s, "<text x=\"{}\" y=\"{}\">switch</text>", f(x + 196.0), f(y + 11.0));
    if g.live {
        let y = y + 26.0;
        let _ = writeln!(
            s,
            "<line class=\"link down key\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            f(x),
            f(y + 7.0),
            f(x + 24.0),
            f(y + 7.0)
        );
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\">missing or down</text>", f(x + 30.0), f(y + 11.0));
        let _ = writeln!(
            s,
            "<line class=\"link drift key\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            f(x + 150.0),
            f(y + 7.0),
            f(x + 174.0),
            f(y + 7.0)
        );
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\">addresses differ from the file</text>", f(x + 180.0), f(y + 11.0));
    }
    s.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;

    /// Well-formedness, checked with python3's XML parser when present.
    fn parses(doc: &str) {
        let py = "import sys, xml.etree.ElementTree as E; r = E.fromstring(sys.stdin.buffer.read()); \
                  print(r.tag)";
        let Ok(mut child) = std::process::Command::new("python3")
            .args(["-c", py])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        else {
            return;
        };
        use std::io::Write;
        child.stdin.take().unwrap().write_all(doc.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}\n{doc}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "{http://www.w3.org/2000/svg}svg");
    }

    #[test]
    fn chain_draws_every_node_and_link() {
        let out = render(&chain3(), None, Format::Svg);
        parses(&out);
        assert!(
            out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"")
        );
        assert!(out.contains("<title>lab chain3</title>"));
        assert_eq!(out.matches("<ellipse class=\"node router\"").count(), 3);
        assert_eq!(out.matches("<rect class=\"node host\"").count(), 2);
        assert_eq!(out.matches("<line class=\"link\"").count(), 4);
        assert!(out.contains(">10.0.12.1/30</tspan>"));
        assert!(out.contains("<title>r1:eth1 -- r2:eth0</title>"));
    }

    #[test]
    fn switch_and_parallel_links() {
        let mut lab = lan4();
        // A second link h1 ── sw1: drawn as two curves.
        lab = fixtures::build(
            "lan4",
            &lab.nodes.iter().map(|n| (n.name.as_str(), n.kind)).collect::<Vec<_>>(),
            &[
                [("h1", "eth0", &["10.1.0.1/24"]), ("sw1", "h1-eth0", &[])],
                [("h1", "eth1", &[]), ("sw1", "h1-eth1", &[])],
                [("h2", "eth0", &[]), ("sw1", "h2-eth0", &[])],
            ],
        );
        let out = render(&lab, None, Format::Svg);
        parses(&out);
        assert_eq!(out.matches("<rect class=\"node switch\"").count(), 1);
        assert_eq!(out.matches("<path class=\"link\"").count(), 2);
    }

    #[test]
    fn deterministic_and_escaped() {
        let mut lab = pair();
        lab.name = "a<b&c".into();
        let a = render(&lab, None, Format::Svg);
        assert_eq!(a, render(&lab, None, Format::Svg));
        assert!(a.contains("<title>lab a&lt;b&amp;c</title>"));
        parses(&a);
    }

    #[test]
    fn live_overlay_and_legend() {
        let (lab, live) = drifted();
        let out = render(&lab, Some(&live), Format::Svg);
        parses(&out);
        assert!(out.contains("<rect class=\"node host missing\""), "{out}");
        assert_eq!(out.matches("class=\"link down\"").count(), 1, "{out}");
        assert_eq!(out.matches("class=\"link missing\"").count(), 1, "{out}");
        assert!(out.contains(">[-10.0.12.2/30] [+10.0.12.9/30]</tspan>"), "{out}");
        assert!(out.contains(">missing or down</text>"));
    }

    #[test]
    fn big_lab_is_well_formed() {
        let out = render(&ring(60), None, Format::Svg);
        parses(&out);
        assert_eq!(out.matches("<g class=\"edge\">").count(), 120);
    }
}
