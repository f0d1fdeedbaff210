//! Graphviz DOT: hosts are boxes, routers ellipses, switches filled
//! rectangles; one edge per link with the interface and addresses of each
//! end as its tail and head labels. With `--live`, drift is red and dashed.

use super::{GEnd, Graph};
use crate::lab::model::Kind;
use std::fmt::Write as _;

/// A DOT quoted string: `"` and `\` escaped, lines joined with `\n`.
pub fn quote_lines(lines: &[String]) -> String {
    let esc: Vec<String> = lines.iter().map(|l| l.replace('\\', "\\\\").replace('"', "\\\"")).collect();
    format!("\"{}\"", esc.join("\\n"))
}

fn quote(s: &str) -> String {
    quote_lines(&[s.to_string()])
}

/// Render `g` as an undirected Graphviz graph.
pub fn render(g: &Graph) -> String {
    let mut s = String::new();
    let title = if g.live { format!("lab {} (live)", g.name) } else { format!("lab {}", g.name) };
    let _ = writeln!(s, "graph {} {{", quote(&g.name));
    let _ = writeln!(s, "  label={};", quote(&title));
    s.push_str("  labelloc=t;\n  rankdir=LR;\n  nodesep=0.6;\n  ranksep=1.6;\n");
    s.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=9, labeldistance=2.5, labelangle=25];\n");
    for n in &g.nodes {
        let shape = match n.kind {
            Kind::Host => "shape=box, style=rounded",
            Kind::Router => "shape=ellipse",
            Kind::Switch => "shape=rectangle, style=filled, fillcolor=\"#e6eef8\"",
        };
        let mut lines = n.label_lines();
        let b = n.drift.bracketed();
        if !b.is_empty() {
            lines.push(b);
        }
        let mut attrs = format!("{shape}, label={}", quote_lines(&lines));
        if n.drift.missing {
            // A missing namespace: dashed red outline, whatever the shape.
            attrs = attrs
                .replace("style=rounded", "style=\"rounded,dashed\"")
                .replace("style=filled", "style=\"filled,dashed\"");
            if n.kind == Kind::Router {
                attrs.push_str(", style=dashed");
            }
            attrs.push_str(", color=red, fontcolor=red");
        } else if !n.drift.is_clean() {
            attrs.push_str(", color=orange");
        }
        let _ = writeln!(s, "  {} [{attrs}];", quote(&n.name));
    }
    for e in &g.edges {
        let [a, b] = &e.ends;
        let mut attrs = format!("taillabel={}, headlabel={}", end_label(a), end_label(b));
        let d = e.drift();
        if d.missing || d.down.is_some() {
            attrs.push_str(", style=dashed, color=red");
        } else if e.addr_drift() {
            attrs.push_str(", color=orange");
        }
        let _ = writeln!(s, "  {} -- {} [{attrs}];", quote(&g.nodes[a.node].name), quote(&g.nodes[b.node].name));
    }
    s.push_str("}\n");
    s
}

fn end_label(e: &GEnd) -> String {
    quote_lines(&e.label_lines())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::lab::ids::NodeId;

    #[test]
    fn pair_is_an_undirected_graph_with_end_labels() {
        let out = render(&pair(), None, Format::Dot);
        assert!(out.starts_with("graph \"pair\" {\n  label=\"lab pair\";\n"), "{out}");
        assert!(out.contains("  \"h1\" [shape=box, style=rounded, label=\"h1\\npair-h1\"];\n"), "{out}");
        assert!(
            out.contains(
                "  \"h1\" -- \"h2\" [taillabel=\"eth0\\n10.0.0.1/24\\nfd00::1/64\", headlabel=\"eth0\\n10.0.0.2/24\\nfd00::2/64\"];\n"
            ),
            "{out}"
        );
        assert!(out.ends_with("}\n"));
        assert_eq!(out.matches('{').count(), out.matches('}').count());
    }

    #[test]
    fn shapes_follow_kinds() {
        let out = render(&lan4(), None, Format::Dot);
        assert!(out.contains("\"sw1\" [shape=rectangle, style=filled"), "{out}");
        let out = render(&chain3(), None, Format::Dot);
        assert!(out.contains("\"r2\" [shape=ellipse, label=\"r2\\nchain3-r2\"];"), "{out}");
        assert_eq!(out.matches(" -- ").count(), 4);
    }

    #[test]
    fn namespace_is_left_out_when_equal_to_the_name() {
        let mut lab = pair();
        lab.nodes[NodeId::new(0)].ns = "h1".into();
        let out = render(&lab, None, Format::Dot);
        assert!(out.contains("label=\"h1\"]"), "{out}");
    }

    #[test]
    fn quotes_are_escaped() {
        assert_eq!(super::quote_lines(&["a\"b".into(), "c\\".into()]), "\"a\\\"b\\nc\\\\\"");
    }

    #[test]
    fn live_overlay_colours_drift() {
        let (lab, live) = drifted();
        let out = render(&lab, Some(&live), Format::Dot);
        assert!(out.contains("label=\"lab chain3 (live)\""), "{out}");
        assert!(
            out.contains(
                "\"h2\" [shape=box, style=\"rounded,dashed\", label=\"h2\\nchain3-h2\\n[missing]\", color=red"
            ),
            "{out}"
        );
        assert!(out.contains("\"r3\" -- \"h2\" [taillabel=\"eth1\\n10.0.3.1/24\\n[missing]\", headlabel=\"eth0\\n10.0.3.10/24\\n[missing]\", style=dashed, color=red];"), "{out}");
        assert!(
            out.contains(
                "headlabel=\"eth0\\n10.0.12.2/30\\n[-10.0.12.2/30] [+10.0.12.9/30]\", style=dashed, color=red];"
            ),
            "{out}"
        );
        assert!(
            out.contains("\"h1\" -- \"r1\" [taillabel=\"eth0\\n10.0.1.10/24\", headlabel=\"eth0\\n10.0.1.1/24\"];"),
            "{out}"
        );
    }
}
