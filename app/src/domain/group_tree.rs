//! The group hierarchy as plain data: a rooted tree (the root is the platform group), loaded
//! from a flat list. Answers the structural questions the rest of Roster asks: ancestors,
//! subtrees, and which groups a person sees in the sidebar.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

pub type GroupId = i64;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupNode {
    pub id: GroupId,
    pub parent_id: Option<GroupId>,
    pub name: String,
    pub is_public: bool,
}

#[derive(Clone, Debug, Default)]
pub struct GroupTree {
    nodes: HashMap<GroupId, GroupNode>,
    children: HashMap<GroupId, Vec<GroupId>>,
    root: Option<GroupId>,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: GroupId, parent: Option<GroupId>, name: &str) -> GroupNode {
        GroupNode { id, parent_id: parent, name: name.into(), is_public: parent.is_some() }
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
}
