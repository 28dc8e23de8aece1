//! The boosting loop's weighted regression trees, fitted exactly as smartcore's
//! `DecisionTreeRegressor::fit_with_weights` (0.7) fits them: the same splits, thresholds,
//! leaf values and tie-breaks, bit for bit (a test holds every tree equal to smartcore's on
//! data with ties, zero weights and both depths the candidates use).
//!
//! Why not smartcore itself: it sorts every column again for every tree (an argsort per
//! feature per fit), and a boosting run fits a hundred trees on the same rows, only the
//! targets and weights changing. The trees were a quarter of a one-claim refresh's CPU
//! (issue 13); here each column's order is computed once per run ([`Presorted`]), with
//! smartcore's own argsort so that equal values keep smartcore's order (which decides the
//! order of the sums, hence their last bits).
//!
//! What is reproduced, from smartcore's `BaseTree::grow` with the "best" splitter, every
//! feature tried at every node (smartcore's `mtry` for a regressor is all of them): the
//! per-tree generator (`SmallRng` seeded with 0, as smartcore's unseeded default without its
//! `std_rand` feature) reshuffling the feature order at each node searched, which decides
//! between splits of equal score; rows of zero weight left out of the nodes but added (with
//! mass 0) to the root's sums; the nodes searched depth first, false side first.

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use smartcore::linalg::basic::arrays::MutArrayView1;

/// smartcore's default `min_samples_split`.
const MIN_SPLIT: usize = 2;

/// The rows of a boosting run, by column, with each column's order.
pub(crate) struct Presorted {
    /// `cols[j][i]`: feature `j` of row `i`.
    cols: Vec<Vec<f64>>,
    /// `order[j]`: the rows by feature `j`, as smartcore's argsort orders them.
    order: Vec<Vec<usize>>,
}

impl Presorted {
    pub fn new(x: &[Vec<f64>]) -> Presorted {
        let k = x.first().map_or(0, Vec::len);
        let cols: Vec<Vec<f64>> = (0..k).map(|j| x.iter().map(|r| r[j]).collect()).collect();
        let order = cols
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if c.is_empty() {
                    Vec::new()
                } else {
                    c.argsort_mut()
                }
            })
            .collect();
        Presorted { cols, order }
    }

    fn rows(&self) -> usize {
        self.cols.first().map_or(0, Vec::len)
    }
}

/// A node: its output, and its split once searched and made (feature, threshold, children).
#[derive(Debug, Clone, PartialEq)]
struct Node {
    output: f64,
    feature: usize,
    threshold: Option<f64>,
    score: Option<f64>,
    children: Option<(usize, usize)>,
}

impl Node {
    fn leaf(output: f64) -> Node {
        Node {
            output,
            feature: 0,
            threshold: None,
            score: None,
            children: None,
        }
    }
}

/// A fitted tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
}

/// Weighted sums of a node's targets (smartcore's `MeanStats`, added in the same order).
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    sum: f64,
    mass: f64,
}

impl Stats {
    fn add(&mut self, y: f64, mass: f64) {
        self.mass += mass;
        self.sum += y * mass;
    }

    fn leaf(&self) -> f64 {
        if self.mass > 0.0 {
            self.sum / self.mass
        } else {
            0.0
        }
    }
}

fn proxy(t: &Stats, f: &Stats) -> f64 {
    if t.mass <= 0.0 || f.mass <= 0.0 {
        return 0.0;
    }
    let d = t.sum * f.mass - f.sum * t.mass;
    (d * d) / (t.mass * f.mass)
}

/// A node waiting to be split: its range of every column's rows, level (the root is 1), sums.
struct Visit {
    node: usize,
    start: usize,
    end: usize,
    level: u16,
    stats: Stats,
}

struct Grow<'a> {
    p: &'a Presorted,
    y: &'a [f64],
    max_depth: u16,
    min_leaf: usize,
    rng: SmallRng,
    variables: Vec<usize>,
    /// Per column, the node's rows (row, mass) in the column's order, partitioned per node.
    sorted: Vec<Vec<(usize, f64)>>,
    in_true: Vec<bool>,
    scratch: Vec<(usize, f64)>,
    nodes: Vec<Node>,
}

impl Tree {
    /// Fits a tree of at most `max_depth` levels (smartcore counts the root as level 1) to
    /// targets `y` with weights `w` (non-negative, some positive), leaves of at least
    /// `min_leaf` rows of positive weight.
    pub fn fit(p: &Presorted, y: &[f64], w: &[f64], max_depth: u16, min_leaf: usize) -> Tree {
        let n_rows = p.rows().min(y.len()).min(w.len());
        let mut root = Stats::default();
        let mut n = 0usize;
        for i in 0..n_rows {
            root.add(y[i], w[i]);
            n += usize::from(w[i] > 0.0);
        }
        let sorted: Vec<Vec<(usize, f64)>> = p
            .order
            .iter()
            .map(|o| {
                o.iter()
                    .filter(|&&i| i < n_rows && w[i] > 0.0)
                    .map(|&i| (i, w[i]))
                    .collect()
            })
            .collect();
        let mut g = Grow {
            p,
            y,
            max_depth,
            min_leaf,
            rng: SmallRng::seed_from_u64(0),
            variables: (0..p.cols.len()).collect(),
            sorted,
            in_true: vec![false; n_rows],
            scratch: vec![(0, 0.0); n],
            nodes: vec![Node::leaf(root.leaf())],
        };
        let mut stack = Vec::new();
        let mut visit = Visit {
            node: 0,
            start: 0,
            end: n,
            level: 1,
            stats: root,
        };
        if max_depth > 1
            && n > 0
            && n >= MIN_SPLIT
            && !g.variables.is_empty()
            && g.find_cutoff(&mut visit, n)
        {
            stack.push(visit);
        }
        // Each split adds two nodes and pushes at most two; the depth bounds the tree.
        while let Some(v) = stack.pop() {
            if v.level < max_depth {
                g.split(v, &mut stack);
            }
        }
        Tree { nodes: g.nodes }
    }

    /// The tree's output for one row (its features in the fitted columns' order).
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        let mut id = 0;
        // At most one step per level: a path never revisits a node.
        for _ in 0..=self.nodes.len() {
            let node = &self.nodes[id];
            let Some((t, f)) = node.children else {
                return node.output;
            };
            id = if row[node.feature] <= node.threshold.unwrap_or(f64::NAN) {
                t
            } else {
                f
            };
        }
        self.nodes[id].output
    }
}

impl Grow<'_> {
    fn find_cutoff(&mut self, v: &mut Visit, n: usize) -> bool {
        self.variables.shuffle(&mut self.rng);
        for k in 0..self.variables.len() {
            let j = self.variables[k];
            self.best_split(v, n, j);
        }
        self.nodes[v.node].score.is_some()
    }

    fn best_split(&mut self, v: &Visit, n: usize, j: usize) {
        let col = &self.p.cols[j];
        let rows = &self.sorted[j][v.start..v.end];
        let Some(first) = rows.first() else {
            return;
        };
        let mut prevx = col[first.0];
        let mut true_count = 0usize;
        let mut ts = Stats::default();
        let node = &mut self.nodes[v.node];
        for &(row, mass) in rows {
            let x = col[row];
            if x == prevx {
                true_count += 1;
                ts.add(self.y[row], mass);
                continue;
            }
            let false_count = n - true_count;
            if true_count < self.min_leaf || false_count < self.min_leaf {
                prevx = x;
                true_count += 1;
                ts.add(self.y[row], mass);
                continue;
            }
            let fs = Stats {
                mass: v.stats.mass - ts.mass,
                sum: v.stats.sum - ts.sum,
            };
            let score = proxy(&ts, &fs);
            if node.score.is_none_or(|s| score > s) {
                let mid = prevx + (x - prevx) / 2.0;
                node.feature = j;
                node.threshold = Some(if mid < x { mid } else { prevx });
                node.score = Some(score);
            }
            prevx = x;
            true_count += 1;
            ts.add(self.y[row], mass);
        }
    }

    fn split(&mut self, v: Visit, stack: &mut Vec<Visit>) {
        let (feature, threshold) = {
            let n = &self.nodes[v.node];
            (n.feature, n.threshold.unwrap_or(f64::NAN))
        };
        let col = &self.p.cols[feature];
        let rows = &self.sorted[feature][v.start..v.end];
        let mut parent = Stats::default();
        let mut n_true = 0usize;
        for &(row, mass) in rows {
            if col[row] > threshold || col[row].is_nan() || threshold.is_nan() {
                break;
            }
            self.in_true[row] = true;
            parent.add(self.y[row], mass);
            n_true += 1;
        }
        let true_stats = parent;
        let mut false_stats = Stats::default();
        for &(row, mass) in &rows[n_true..] {
            self.in_true[row] = false;
            parent.add(self.y[row], mass);
            false_stats.add(self.y[row], mass);
        }
        let (true_count, false_count) = (n_true, rows.len() - n_true);
        if true_count < self.min_leaf || false_count < self.min_leaf {
            let n = &mut self.nodes[v.node];
            n.feature = 0;
            n.threshold = None;
            n.score = None;
            return;
        }
        let t = self.nodes.len();
        self.nodes.push(Node::leaf(true_stats.leaf()));
        self.nodes.push(Node::leaf(false_stats.leaf()));
        self.nodes[v.node].children = Some((t, t + 1));
        let level = v.level + 1;
        let true_can = level < self.max_depth && true_count >= MIN_SPLIT;
        let false_can = level < self.max_depth && false_count >= MIN_SPLIT;
        if !true_can && !false_can {
            return;
        }
        for j in 0..self.sorted.len() {
            let part = &mut self.sorted[j][v.start..v.end];
            let scratch = &mut self.scratch[..part.len()];
            let (mut w, mut f) = (0usize, 0usize);
            for i in 0..part.len() {
                let e = part[i];
                if self.in_true[e.0] {
                    part[w] = e;
                    w += 1;
                } else {
                    scratch[f] = e;
                    f += 1;
                }
            }
            part[w..].copy_from_slice(&scratch[..f]);
        }
        let split = v.start + n_true;
        let mut tv = Visit {
            node: t,
            start: v.start,
            end: split,
            level,
            stats: true_stats,
        };
        if true_can && self.find_cutoff(&mut tv, true_count) {
            stack.push(tv);
        }
        let mut fv = Visit {
            node: t + 1,
            start: split,
            end: v.end,
            level,
            stats: false_stats,
        };
        if false_can && self.find_cutoff(&mut fv, false_count) {
            stack.push(fv);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smartcore::linalg::basic::matrix::DenseMatrix;
    use smartcore::tree::decision_tree_regressor::{
        DecisionTreeRegressor, DecisionTreeRegressorParameters,
    };

    /// A small deterministic generator for the test's data (not the model's).
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn unit(&mut self) -> f64 {
            self.next() as f64 / (1u64 << 31) as f64
        }
    }

    /// Every tree fitted here predicts exactly what smartcore's tree fitted on the same data
    /// predicts, on every training row and on rows between and beyond the training values:
    /// 600 data sets with few distinct values per column (ties everywhere, as the features
    /// have: counts, flags, years), a tenth to a half of the weights zero, depth 1 and 2
    /// (2 and 3 levels) and leaves of 1 to 12 rows.
    #[test]
    fn every_tree_is_smartcores_tree_bit_for_bit() {
        let mut g = Gen(7);
        let mut compared = 0usize;
        for case in 0..600 {
            let n = 5 + (g.next() % 300) as usize;
            let k = 1 + (g.next() % 9) as usize;
            let distinct = 1 + (g.next() % 12);
            let x: Vec<Vec<f64>> = (0..n)
                .map(|_| {
                    (0..k)
                        .map(|j| {
                            if j % 3 == 0 {
                                (g.next() % distinct) as f64
                            } else {
                                ((g.next() % (distinct * 4)) as f64) * 0.37 - 2.0
                            }
                        })
                        .collect()
                })
                .collect();
            let y: Vec<f64> = (0..n)
                .map(|_| (g.unit() * 8.0 - 4.0).clamp(-4.0, 4.0))
                .collect();
            let zero_share = 0.1 + 0.4 * g.unit();
            let mut w: Vec<f64> = (0..n)
                .map(|_| {
                    if g.unit() < zero_share {
                        0.0
                    } else {
                        (g.unit() * 0.25).max(1e-6)
                    }
                })
                .collect();
            if w.iter().all(|v| *v == 0.0) {
                w[0] = 0.2;
            }
            let max_depth = 2 + (case % 2) as u16;
            let min_leaf = 1 + (g.next() % 12) as usize;
            let mx = DenseMatrix::from_2d_vec(&x).unwrap();
            let params = DecisionTreeRegressorParameters::default()
                .with_max_depth(max_depth)
                .with_min_samples_leaf(min_leaf);
            let theirs = DecisionTreeRegressor::fit_with_weights(&mx, &y, &w, params).unwrap();
            let ours = Tree::fit(&Presorted::new(&x), &y, &w, max_depth, min_leaf);
            // Probe rows: the training rows and shifted copies (between and beyond values).
            let mut probe = x.clone();
            for r in &x {
                probe.push(r.iter().map(|v| v + 0.185).collect());
                probe.push(r.iter().map(|v| v - 1e-9).collect());
            }
            let mp = DenseMatrix::from_2d_vec(&probe).unwrap();
            let expected = theirs.predict(&mp).unwrap();
            for (r, e) in probe.iter().zip(&expected) {
                let got = ours.predict_row(r);
                assert_eq!(
                    got.to_bits(),
                    e.to_bits(),
                    "case {case}: n {n}, k {k}, depth {max_depth}, min_leaf {min_leaf}: {got} vs {e}"
                );
                compared += 1;
            }
        }
        assert!(compared > 100_000, "{compared} predictions compared");
    }
}
