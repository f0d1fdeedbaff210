//! A layered, left-to-right layout for [`super::svg`], computed here so no
//! Graphviz install is needed.
//!
//! Per connected component: the layers are the BFS distances from a root.
//! The root is the most connected node when the component is a star
//! (everything one hop from it), else an end of a longest shortest path, so
//! chains run left to right and trees fan out. Within layers, nodes are
//! ordered by barycenter sweeps (the mean position of their neighbours in
//! the previous layer, then the next), keeping the ordering with the fewest
//! crossings. Components are stacked top to bottom in file order. Every
//! step breaks ties by file order: the same lab always gives the same
//! picture.

use super::Graph;
use crate::lab::model::Kind;
use std::collections::VecDeque;

/// Node positions (centres) and sizes, in SVG user units.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Centre of each node, in node order.
    pub pos: Vec<(f64, f64)>,
    /// Width and height of each node's box.
    pub size: Vec<(f64, f64)>,
    /// Layer (column) of each node.
    pub layer: Vec<usize>,
    /// Drawing width.
    pub width: f64,
    /// Drawing height.
    pub height: f64,
}

/// Width of one character of label text, roughly, at the SVG's font size.
pub const CHAR_W: f64 = 7.0;
/// Height of one label line.
pub const LINE_H: f64 = 14.0;
/// Space above the first component, for the title.
pub const TOP: f64 = 50.0;
/// Left and right margin.
pub const MARGIN: f64 = 40.0;

fn neighbours(g: &Graph) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); g.nodes.len()];
    for e in &g.edges {
        let (a, b) = (e.ends[0].node, e.ends[1].node);
        if a != b {
            adj[a].push(b);
            adj[b].push(a);
        }
    }
    for v in &mut adj {
        v.sort_unstable();
        v.dedup();
    }
    adj
}

fn bfs(adj: &[Vec<usize>], root: usize) -> Vec<Option<usize>> {
    let mut dist = vec![None; adj.len()];
    dist[root] = Some(0);
    let mut q = VecDeque::from([root]);
    while let Some(v) = q.pop_front() {
        let d = dist[v].unwrap_or(0);
        for &w in &adj[v] {
            if dist[w].is_none() {
                dist[w] = Some(d + 1);
                q.push_back(w);
            }
        }
    }
    dist
}

/// The farthest node of a BFS and its distance (the first in file order
/// among equals).
fn farthest(dist: &[Option<usize>]) -> (usize, usize) {
    let mut best: Option<(usize, usize)> = None;
    for (i, d) in dist.iter().enumerate() {
        match (*d, best) {
            (Some(d), Some((_, bd))) if d <= bd => {}
            (Some(d), _) => best = Some((i, d)),
            (None, _) => {}
        }
    }
    best.unwrap_or((0, 0))
}

/// Layers of each connected component: `[component][layer][k]` = node.
pub fn layers(g: &Graph) -> Vec<Vec<Vec<usize>>> {
    let adj = neighbours(g);
    let n = g.nodes.len();
    let mut seen = vec![false; n];
    let mut comps = Vec::new();
    for start in 0..n {
        if seen[start] {
            continue;
        }
        let d0 = bfs(&adj, start);
        let members: Vec<usize> = (0..n).filter(|&i| d0[i].is_some()).collect();
        for &m in &members {
            seen[m] = true;
        }
        // The hub: most neighbours; switches and routers before hosts.
        let rank = |i: usize| match g.nodes[i].kind {
            Kind::Switch => 0,
            Kind::Router => 1,
            Kind::Host => 2,
        };
        let hub = *members
            .iter()
            .min_by_key(|&&i| (std::cmp::Reverse(adj[i].len()), rank(i), i))
            .expect("a component has a member");
        let dh = bfs(&adj, hub);
        let (far, ecc) = farthest(&dh);
        let root = if ecc <= 1 {
            hub
        } else {
            // Both ends of a long path; start from the one defined first.
            let (other, _) = farthest(&bfs(&adj, far));
            far.min(other)
        };
        let dist = bfs(&adj, root);
        let depth = members.iter().filter_map(|&m| dist[m]).max().unwrap_or(0);
        let mut ls: Vec<Vec<usize>> = vec![Vec::new(); depth + 1];
        // BFS discovery order as the first ordering inside each layer.
        let mut order = vec![root];
        let mut k = 0;
        let mut placed = vec![false; n];
        placed[root] = true;
        while k < order.len() {
            let v = order[k];
            k += 1;
            for &w in &adj[v] {
                if !placed[w] {
                    placed[w] = true;
                    order.push(w);
                }
            }
        }
        for v in order {
            if let Some(d) = dist[v] {
                ls[d].push(v);
            }
        }
        order_layers(&adj, &mut ls);
        comps.push(ls);
    }
    comps
}

fn positions(ls: &[Vec<usize>], n: usize) -> Vec<f64> {
    let mut p = vec![0.0; n];
    for l in ls {
        for (k, &v) in l.iter().enumerate() {
            p[v] = k as f64;
        }
    }
    p
}

/// Edge crossings between every pair of adjacent layers.
pub fn crossings(adj: &[Vec<usize>], ls: &[Vec<usize>]) -> usize {
    let p = positions(ls, adj.len());
    let mut total = 0;
    for w in ls.windows(2) {
        let next: std::collections::HashSet<usize> = w[1].iter().copied().collect();
        let mut es: Vec<(f64, f64)> = Vec::new();
        for &a in &w[0] {
            for &b in &adj[a] {
                if next.contains(&b) {
                    es.push((p[a], p[b]));
                }
            }
        }
        for i in 0..es.len() {
            for j in i + 1..es.len() {
                let (a, b) = (es[i], es[j]);
                if (a.0 - b.0) * (a.1 - b.1) < 0.0 {
                    total += 1;
                }
            }
        }
    }
    total
}

fn sweep(adj: &[Vec<usize>], ls: &mut [Vec<usize>], down: bool) {
    let n = adj.len();
    let idx: Vec<usize> = if down { (1..ls.len()).collect() } else { (0..ls.len().saturating_sub(1)).rev().collect() };
    for l in idx {
        let p = positions(ls, n);
        let reference = if down { l - 1 } else { l + 1 };
        let in_ref: std::collections::HashSet<usize> = ls[reference].iter().copied().collect();
        let mut keyed: Vec<(f64, usize, usize)> = ls[l]
            .iter()
            .enumerate()
            .map(|(k, &v)| {
                let ns: Vec<f64> = adj[v].iter().filter(|w| in_ref.contains(w)).map(|&w| p[w]).collect();
                let key = if ns.is_empty() { k as f64 } else { ns.iter().sum::<f64>() / ns.len() as f64 };
                (key, k, v)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        ls[l] = keyed.into_iter().map(|(_, _, v)| v).collect();
    }
}

fn order_layers(adj: &[Vec<usize>], ls: &mut Vec<Vec<usize>>) {
    let mut best = ls.clone();
    let mut best_c = crossings(adj, ls);
    for round in 0..8 {
        if best_c == 0 {
            break;
        }
        sweep(adj, ls, round % 2 == 0);
        let c = crossings(adj, ls);
        if c < best_c {
            best_c = c;
            best = ls.clone();
        }
    }
    *ls = best;
}

/// Box size of a node whose label has these lines.
pub fn box_size(lines: &[String]) -> (f64, f64) {
    let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
    (chars * CHAR_W + 28.0, lines.len() as f64 * LINE_H + 18.0)
}

/// Lay out `g`; `labels[i]` are the label lines of node `i`.
pub fn layout(g: &Graph, labels: &[Vec<String>]) -> Layout {
    let n = g.nodes.len();
    let size: Vec<(f64, f64)> = labels.iter().map(|l| box_size(l)).collect();
    let max_w = size.iter().map(|s| s.0).fold(60.0, f64::max);
    let max_h = size.iter().map(|s| s.1).fold(30.0, f64::max);
    // Room between columns for the address labels at both ends of a link.
    let end_chars = g
        .edges
        .iter()
        .flat_map(|e| e.ends.iter())
        .flat_map(|e| e.label_lines())
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(4) as f64;
    let col = max_w + (2.0 * end_chars * CHAR_W * 0.85).max(140.0);
    let end_lines = g.edges.iter().flat_map(|e| e.ends.iter()).map(|e| e.label_lines().len()).max().unwrap_or(1);
    let row = max_h + 30.0 + end_lines as f64 * 11.0;
    let mut pos = vec![(0.0, 0.0); n];
    let mut layer = vec![0; n];
    let mut top = TOP;
    let mut width: f64 = 0.0;
    for comp in layers(g) {
        let tallest = comp.iter().map(|l| l.len()).max().unwrap_or(1) as f64;
        for (li, l) in comp.iter().enumerate() {
            let x = MARGIN + max_w / 2.0 + li as f64 * col;
            let offset = (tallest - l.len() as f64) * row / 2.0;
            for (k, &v) in l.iter().enumerate() {
                pos[v] = (x, top + offset + k as f64 * row + row / 2.0);
                layer[v] = li;
            }
            width = width.max(x + max_w / 2.0 + MARGIN);
        }
        top += tallest * row;
    }
    Layout { pos, size, layer, width: width.max(240.0), height: top + 30.0 }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use super::*;
    use crate::lab::ids::NodeId;

    fn names(g: &Graph, ls: &[Vec<usize>]) -> Vec<Vec<String>> {
        ls.iter().map(|l| l.iter().map(|&v| g.nodes[v].name.clone()).collect()).collect()
    }

    #[test]
    fn chain_runs_left_to_right_in_file_direction() {
        let g = Graph::new(&chain3(), None);
        let c = layers(&g);
        assert_eq!(c.len(), 1);
        assert_eq!(names(&g, &c[0]), vec![vec!["h1"], vec!["r1"], vec!["r2"], vec!["r3"], vec!["h2"]]);
    }

    #[test]
    fn star_puts_the_switch_first() {
        let g = Graph::new(&lan4(), None);
        let c = layers(&g);
        assert_eq!(names(&g, &c[0]), vec![vec!["sw1"], vec!["h1", "h2", "h3", "h4"]]);
    }

    #[test]
    fn components_stack_and_nothing_overlaps() {
        let mut lab = pair();
        let other = chain3();
        let base = lab.nodes.len();
        lab.nodes.extend(other.nodes);
        for mut l in other.links {
            for e in &mut l.ends {
                e.node = NodeId::new(e.node.index() + base);
            }
            lab.links.push(l);
        }
        let g = Graph::new(&lab, None);
        assert_eq!(layers(&g).len(), 2);
        let labels: Vec<Vec<String>> = g.nodes.iter().map(|n| n.label_lines()).collect();
        let lay = layout(&g, &labels);
        for i in 0..g.nodes.len() {
            for j in i + 1..g.nodes.len() {
                let (a, b) = (lay.pos[i], lay.pos[j]);
                let apart_x = (a.0 - b.0).abs() >= (lay.size[i].0 + lay.size[j].0) / 2.0;
                let apart_y = (a.1 - b.1).abs() >= (lay.size[i].1 + lay.size[j].1) / 2.0;
                assert!(apart_x || apart_y, "{} overlaps {}", g.nodes[i].name, g.nodes[j].name);
            }
        }
    }

    #[test]
    fn barycenter_removes_crossings_of_a_ladder() {
        // Discovery order puts b3 (found from a1) between b1 and b2 while
        // b1 also hangs off a2: one crossing the sweeps must remove.
        let lab = fixtures::build(
            "ladder",
            &[
                ("s", Kind::Switch),
                ("a1", Kind::Router),
                ("a2", Kind::Router),
                ("b1", Kind::Host),
                ("b2", Kind::Host),
                ("b3", Kind::Host),
            ],
            &[
                [("s", "p1", &[]), ("a1", "eth0", &[])],
                [("s", "p2", &[]), ("a2", "eth0", &[])],
                [("a1", "eth1", &[]), ("b1", "eth0", &[])],
                [("a1", "eth2", &[]), ("b3", "eth0", &[])],
                [("a2", "eth1", &[]), ("b2", "eth0", &[])],
                [("a2", "eth2", &[]), ("b1", "eth1", &[])],
            ],
        );
        let g = Graph::new(&lab, None);
        let adj = neighbours(&g);
        let mut ls = vec![vec![0], vec![1, 2], vec![3, 5, 4]];
        assert_eq!(crossings(&adj, &ls), 1);
        order_layers(&adj, &mut ls);
        assert_eq!(crossings(&adj, &ls), 0, "{:?}", names(&g, &ls));
        assert_eq!(names(&g, &ls)[2], vec!["b3", "b1", "b2"]);
    }

    #[test]
    fn ring_is_deterministic() {
        let g = Graph::new(&ring(40), None);
        let labels: Vec<Vec<String>> = g.nodes.iter().map(|n| n.label_lines()).collect();
        assert_eq!(layout(&g, &labels), layout(&g, &labels));
    }
}
