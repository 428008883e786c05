//! Benchmark (prints figures; checks nothing by wall-clock): one policy check and one climb on a
//! 100,000-group tree of depth 20, from the in-memory tree. Target: under 10 µs each.
//!
//!   cargo bench -p app --features ssr --bench tree

use std::hint::black_box;
use std::time::Instant;

use app::domain::group_tree::{GroupId, GroupNode, GroupTree};
use app::domain::policy::{decide, Action, Actor};
use app::domain::role::Role;

const GROUPS: usize = 100_000;
const DEPTH: usize = 20;

/// xorshift64*: a fixed, dependency-free pseudo-random sequence, so every run measures the same tree.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A spine of DEPTH levels (so the depth is exactly 20), then every other group under a random
/// group of depth < DEPTH; mostly public groups (long climbs), one in five private.
fn tree() -> (GroupTree, GroupId) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut depth = vec![0usize; GROUPS];
    let mut nodes = Vec::with_capacity(GROUPS);
    nodes.push(GroupNode { id: 0, parent_id: None, name: "platform".into(), is_public: false });
    let mut shallow: Vec<usize> = vec![0];
    for i in 1..GROUPS {
        let parent = if i < DEPTH { i - 1 } else { shallow[rng.below(shallow.len())] };
        depth[i] = depth[parent] + 1;
        if depth[i] < DEPTH - 1 {
            shallow.push(i);
        }
        // The spine stays public, so the deepest climb is as long as it gets.
        let is_public = i < DEPTH || rng.below(5) != 0;
        nodes.push(GroupNode { id: i as GroupId, parent_id: Some(parent as GroupId), name: format!("g{i}"), is_public });
    }
    let deepest = (DEPTH - 1) as GroupId;
    (GroupTree::new(nodes), deepest)
}

/// Median nanoseconds per call over 101 batches of `per_batch` calls.
fn median_ns(per_batch: u32, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..101)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                f();
            }
            start.elapsed().as_nanos() as f64 / f64::from(per_batch)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[50]
}

fn main() {
    let started = Instant::now();
    let (tree, deepest) = tree();
    println!("tree: {GROUPS} groups, depth {DEPTH}, built in {:.0} ms", started.elapsed().as_secs_f64() * 1e3);
    println!("climb from the deepest group: {} groups", tree.climb(deepest).len());

    // A group admin of a mid-level group (plus a few unrelated memberships), adding a learner
    // at the bottom of the tree: the check walks all 20 levels.
    let memberships: Vec<(GroupId, Role)> = vec![(9, Role::Admin), (50_000, Role::Learner), (70_000, Role::Coach), (90_000, Role::UserAdmin)];
    let actor = Actor { is_owner: false, memberships: &memberships, instructs: &[] };
    let grants = [(deepest, Role::Learner)];
    assert!(decide(&tree, &actor, &Action::AddUsers(&grants)).allowed);
    let outsider = [(50_000, Role::Admin)];
    let denied = Actor { is_owner: false, memberships: &outsider, instructs: &[] };

    let allowed_ns = median_ns(10_000, || {
        black_box(decide(black_box(&tree), black_box(&actor), black_box(&Action::AddUsers(&grants))));
    });
    let denied_ns = median_ns(10_000, || {
        black_box(decide(black_box(&tree), black_box(&denied), black_box(&Action::AddUsers(&grants))));
    });
    let climb_ns = median_ns(10_000, || {
        black_box(tree.climb(black_box(deepest)));
    });
    let target = 10_000.0;
    let verdict = |ns: f64| if ns < target { "within the 10 µs target" } else { "OVER the 10 µs target" };
    println!("policy check, allowed (10 levels up):       median {:>8.3} µs  ({})", allowed_ns / 1e3, verdict(allowed_ns));
    println!("policy check, refused (walks to the root): median {:>8.3} µs  ({})", denied_ns / 1e3, verdict(denied_ns));
    println!("climb from depth 20:                       median {:>8.3} µs  ({})", climb_ns / 1e3, verdict(climb_ns));
}
