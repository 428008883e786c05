//! The group hierarchy as plain data: a rooted tree (the root is the platform group), loaded
//! from a flat list. Answers the structural questions the rest of Roster asks: ancestors,
//! subtrees, and which groups a person sees in the sidebar.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::role::Role;

pub type GroupId = i64;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupNode {
    pub id: GroupId,
    pub parent_id: Option<GroupId>,
    pub name: String,
    pub is_public: bool,
}

/// A membership to create: `propagated_from` is the group a learner climbed from (R11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NewMembership {
    pub group: GroupId,
    pub role: Role,
    pub propagated_from: Option<GroupId>,
}

#[derive(Clone, Debug, Default)]
pub struct GroupTree {
    nodes: HashMap<GroupId, GroupNode>,
    children: HashMap<GroupId, Vec<GroupId>>,
    root: Option<GroupId>,
    /// The platform's `tree_version` this tree was read at, when the reader knew it.
    version: Option<i64>,
}

impl GroupTree {
    /// Builds the tree; children are kept in name order (case-insensitive), as the sidebar shows them.
    pub fn new(nodes: impl IntoIterator<Item = GroupNode>) -> GroupTree {
        let mut tree = GroupTree::default();
        for node in nodes {
            match node.parent_id {
                Some(parent) => tree.children.entry(parent).or_default().push(node.id),
                None => tree.root = Some(node.id),
            }
            tree.nodes.insert(node.id, node);
        }
        let nodes = &tree.nodes;
        for kids in tree.children.values_mut() {
            kids.sort_by_cached_key(|id| (nodes[id].name.to_lowercase(), *id));
        }
        tree
    }

    /// This tree, known to be the one of `tree_version` `version`.
    pub fn at_version(self, version: i64) -> GroupTree {
        GroupTree { version: Some(version), ..self }
    }

    pub fn version(&self) -> Option<i64> {
        self.version
    }

    pub fn root(&self) -> Option<GroupId> {
        self.root
    }

    pub fn get(&self, id: GroupId) -> Option<&GroupNode> {
        self.nodes.get(&id)
    }

    pub fn parent(&self, id: GroupId) -> Option<GroupId> {
        self.nodes.get(&id).and_then(|n| n.parent_id)
    }

    /// `id`, its parent, and so on up to the root (nothing for an unknown id).
    pub fn ancestors_and_self(&self, id: GroupId) -> impl Iterator<Item = GroupId> + '_ {
        let start = self.nodes.contains_key(&id).then_some(id);
        // Bounded by the number of groups: bad data cannot make it loop.
        std::iter::successors(start, |&g| self.parent(g)).take(self.nodes.len())
    }

    pub fn children(&self, id: GroupId) -> &[GroupId] {
        self.children.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The path from the root down to `id`, both included; empty for an unknown id.
    pub fn path_to(&self, id: GroupId) -> Vec<GroupId> {
        let mut path = Vec::new();
        let mut cursor = self.nodes.get(&id);
        while let Some(node) = cursor {
            // A cycle cannot be stored (moves are checked), but never loop forever on bad data.
            if path.len() > self.nodes.len() {
                break;
            }
            path.push(node.id);
            cursor = node.parent_id.and_then(|p| self.nodes.get(&p));
        }
        path.reverse();
        path
    }

    /// The names from the root down to `id`, as the group choices show them (`Sales › Sales EMEA`).
    pub fn path_name(&self, id: GroupId) -> String {
        self.path_to(id).iter().filter_map(|p| self.get(*p)).map(|n| n.name.as_str()).collect::<Vec<_>>().join(" › ")
    }

    /// `id` and every group below it, depth first.
    pub fn subtree(&self, id: GroupId) -> Vec<GroupId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(next) = stack.pop() {
            if self.nodes.contains_key(&next) {
                out.push(next);
                stack.extend(self.children(next).iter().rev());
            }
        }
        out
    }

    /// R10: the groups a learner added to `id` also joins — those above a public group, up to and
    /// including the first private one. Empty for a private group (or an unknown id).
    pub fn climb(&self, id: GroupId) -> Vec<GroupId> {
        let mut out = Vec::new();
        let mut current = self.nodes.get(&id);
        while let Some(node) = current.filter(|n| n.is_public) {
            let Some(parent) = node.parent_id.and_then(|p| self.nodes.get(&p)) else { break };
            if out.len() > self.nodes.len() {
                break;
            }
            out.push(parent.id);
            current = Some(parent);
        }
        out
    }

    /// R10–R13: the memberships that adding a user to `group` with `roles` creates: each role on
    /// `group` itself (direct), plus `learner` on every group of the climb, remembering `group`
    /// as its source (R11). Other roles never propagate (R13).
    pub fn memberships_for(&self, group: GroupId, roles: &[Role]) -> Vec<NewMembership> {
        let mut out: Vec<NewMembership> = roles.iter().map(|&role| NewMembership { group, role, propagated_from: None }).collect();
        if roles.contains(&Role::Learner) {
            out.extend(self.climb(group).into_iter().map(|above| NewMembership { group: above, role: Role::Learner, propagated_from: Some(group) }));
        }
        out
    }

    /// The groups someone sees in the sidebar: those they belong to and the groups above them
    /// (to place them in the tree), plus the whole subtree of the groups they administer.
    pub fn visible_from(&self, member_of: &[GroupId], administers: &[GroupId]) -> BTreeSet<GroupId> {
        let mut seen = BTreeSet::new();
        for &g in member_of.iter().chain(administers) {
            seen.extend(self.path_to(g));
        }
        for &g in administers {
            seen.extend(self.subtree(g));
        }
        seen
    }

    /// Depth-first order with depths, limited to `visible`: the shape the sidebar renders.
    pub fn outline(&self, visible: &BTreeSet<GroupId>) -> Vec<(usize, &GroupNode)> {
        let mut out = Vec::new();
        let Some(root) = self.root else { return out };
        let mut stack = vec![(0usize, root)];
        while let Some((depth, id)) = stack.pop() {
            if !visible.contains(&id) {
                continue;
            }
            out.push((depth, &self.nodes[&id]));
            stack.extend(self.children(id).iter().rev().map(|&c| (depth + 1, c)));
        }
        out
    }
    /// The sidebar's rows (depth, group, whether visible subgroups are left out): the whole
    /// visible outline when it has at most `limit` groups; beyond, only the way to `current`
    /// (the root's children and the children of each group from the root down to `current`), so
    /// that a platform of 10,000 groups still sends and draws a short sidebar.
    pub fn sidebar(&self, visible: &BTreeSet<GroupId>, current: Option<GroupId>, limit: usize) -> Vec<(usize, &GroupNode, bool)> {
        if visible.len() <= limit {
            return self.outline(visible).into_iter().map(|(depth, node)| (depth, node, false)).collect();
        }
        let open: BTreeSet<GroupId> = current.or(self.root).map(|c| self.path_to(c)).unwrap_or_default().into_iter().collect();
        let mut out = Vec::new();
        let Some(root) = self.root else { return out };
        let mut stack = vec![(0usize, root)];
        while let Some((depth, id)) = stack.pop() {
            if !visible.contains(&id) {
                continue;
            }
            let is_open = open.contains(&id);
            let has_visible_children = self.children(id).iter().any(|c| visible.contains(c));
            out.push((depth, &self.nodes[&id], has_visible_children && !is_open));
            if is_open {
                stack.extend(self.children(id).iter().rev().map(|&c| (depth + 1, c)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: GroupId, parent: Option<GroupId>, name: &str) -> GroupNode {
        GroupNode { id, parent_id: parent, name: name.into(), is_public: parent.is_some() }
    }

    #[test]
    fn a_large_sidebar_shows_only_the_way_to_the_current_group() {
        let tree = sample();
        let all: BTreeSet<GroupId> = [1, 2, 3, 4].into();
        let rows = |current, limit| tree.sidebar(&all, current, limit).into_iter().map(|(d, n, more)| (d, n.id, more)).collect::<Vec<_>>();
        assert_eq!(rows(None, 4), [(0, 1, false), (1, 3, false), (1, 2, false), (2, 4, false)], "small: everything");
        assert_eq!(rows(None, 3), [(0, 1, false), (1, 3, false), (1, 2, true)], "large, at home: the top level; Sales has more");
        assert_eq!(rows(Some(4), 3), [(0, 1, false), (1, 3, false), (1, 2, false), (2, 4, false)], "large, in EMEA: its way open");
    }

    /// 1 Platform ── 2 Sales ── 4 EMEA
    ///            └─ 3 Austin (sorted before Sales)
    fn sample() -> GroupTree {
        GroupTree::new([node(4, Some(2), "EMEA"), node(1, None, "Platform"), node(2, Some(1), "Sales"), node(3, Some(1), "austin")])
    }

    #[test]
    fn paths_and_subtrees() {
        let t = sample();
        assert_eq!(t.root(), Some(1));
        assert_eq!(t.path_to(4), vec![1, 2, 4]);
        assert_eq!(t.path_to(99), Vec::<GroupId>::new());
        assert_eq!(t.subtree(1), vec![1, 3, 2, 4]);
        assert_eq!(t.subtree(2), vec![2, 4]);
    }

    #[test]
    fn r10_learners_climb_from_a_public_group_up_to_and_including_the_first_private_one() {
        // 1 Platform (private) ── 2 Sales (private) ── 4 EMEA (public) ── 5 Paris (public)
        let t = GroupTree::new([node(1, None, "Platform"), GroupNode { is_public: false, ..node(2, Some(1), "Sales") }, node(4, Some(2), "EMEA"), node(5, Some(4), "Paris")]);
        assert_eq!(t.climb(5), vec![4, 2]);
        assert_eq!(t.climb(4), vec![2]);
        assert_eq!(t.climb(2), Vec::<GroupId>::new(), "a private group keeps its learners");
        assert_eq!(t.climb(1), Vec::<GroupId>::new());
        let public_under_root = sample();
        assert_eq!(public_under_root.climb(3), vec![1], "the platform group is private: the climb stops there");
    }

    #[test]
    fn the_sidebar_shows_own_groups_with_their_ancestors_and_administered_subtrees() {
        let t = sample();
        let learner = t.visible_from(&[4], &[]);
        assert_eq!(learner.into_iter().collect::<Vec<_>>(), vec![1, 2, 4]);
        let admin_of_sales = t.visible_from(&[], &[2]);
        let outline: Vec<_> = t.outline(&admin_of_sales).into_iter().map(|(d, n)| (d, n.id)).collect();
        assert_eq!(outline, vec![(0, 1), (1, 2), (2, 4)]);
        let everything = t.visible_from(&[], &[1]);
        let names: Vec<_> = t.outline(&everything).into_iter().map(|(_, n)| n.name.as_str()).collect();
        assert_eq!(names, vec!["Platform", "austin", "Sales", "EMEA"]);
    }

    mod properties {
        use std::collections::HashSet;

        use proptest::prelude::*;

        use super::super::*;

        /// A random tree of 1–300 groups: group 0 is the private root, every other group hangs
        /// under an earlier one and is public or private at random.
        fn trees() -> impl Strategy<Value = GroupTree> {
            (1usize..300).prop_flat_map(|n| {
                (proptest::collection::vec(any::<prop::sample::Index>(), n), proptest::collection::vec(any::<bool>(), n)).prop_map(move |(parents, public)| {
                    GroupTree::new((0..n).map(|i| GroupNode {
                        id: i as GroupId,
                        parent_id: (i > 0).then(|| parents[i].index(i) as GroupId),
                        name: format!("g{i}"),
                        is_public: i > 0 && public[i],
                    }))
                })
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            #[test]
            fn r10_the_climb_ends_at_a_private_group_and_never_skips_one(tree in trees(), pick in any::<prop::sample::Index>()) {
                let ids = tree.subtree(tree.root().unwrap());
                let start = ids[pick.index(ids.len())];
                let climb = tree.climb(start);
                let node = |id| tree.get(id).unwrap();
                if !node(start).is_public {
                    prop_assert!(climb.is_empty(), "a private group keeps its learners");
                } else {
                    // Ends at a private group (the root is private, so the climb always stops).
                    prop_assert!(!node(*climb.last().unwrap()).is_public);
                    // Every step is the parent of the one before: nothing skipped.
                    let mut below = start;
                    for &g in &climb {
                        prop_assert_eq!(tree.parent(below), Some(g));
                        below = g;
                    }
                    // Only the last one is private: it stops at the *first* private group.
                    prop_assert!(climb[..climb.len() - 1].iter().all(|&g| node(g).is_public));
                }
            }

            #[test]
            fn r11_r13_only_learners_propagate_they_remember_their_source_and_adding_twice_changes_nothing(
                tree in trees(),
                pick in any::<prop::sample::Index>(),
                roles in proptest::sample::subsequence(Role::ALL.to_vec(), 1..=5),
            ) {
                let ids = tree.subtree(tree.root().unwrap());
                let group = ids[pick.index(ids.len())];
                let added = tree.memberships_for(group, &roles);
                for m in &added {
                    if m.group != group {
                        prop_assert_eq!(m.role, Role::Learner, "R13: other roles never propagate");
                        prop_assert_eq!(m.propagated_from, Some(group), "R11: the source is remembered");
                    } else {
                        prop_assert_eq!(m.propagated_from, None);
                    }
                }
                // Set semantics, as the database's unique (user, group, role) applies them.
                let once: HashSet<(GroupId, Role)> = added.iter().map(|m| (m.group, m.role)).collect();
                let twice: HashSet<(GroupId, Role)> = added.iter().chain(tree.memberships_for(group, &roles).iter()).map(|m| (m.group, m.role)).collect();
                prop_assert_eq!(once.len(), added.len(), "no duplicate in one addition");
                prop_assert_eq!(once, twice, "idempotent");
            }
        }
    }
}
