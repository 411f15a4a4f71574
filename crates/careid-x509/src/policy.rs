//! Certificate policy processing (RFC 5280 §6.1.3(d)-(f), §6.1.4(a)-(b), §6.1.5(g)) on the
//! valid_policy_graph of RFC 9618, which replaces the RFC 5280 tree and bounds its growth.

use crate::{Error, oids};
use der::oid::ObjectIdentifier;

/// The valid_policy_graph. `None` at the call sites stands for NULL.
pub(crate) struct PolicyGraph {
    /// `levels[d]` holds the nodes of depth `d`; depth 0 is the anyPolicy root.
    levels: Vec<Vec<Node>>,
    nodes: usize,
    limit: usize,
}

struct Node {
    policy: ObjectIdentifier,
    expected: Vec<ObjectIdentifier>,
    parents: Vec<usize>,
    alive: bool,
    /// Made from a policy the certificate names (step (d)(1)) rather than from anyPolicy
    /// (step (d)(2)).
    explicit: bool,
}

/// The outputs of §6.1.5(g) as RFC 9618 §4.3 computes them.
pub(crate) struct PolicySets {
    pub(crate) authority_constrained: Vec<ObjectIdentifier>,
    pub(crate) user_constrained: Vec<ObjectIdentifier>,
}

impl PolicyGraph {
    /// §6.1.2(a): a single anyPolicy node of depth 0.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            levels: vec![vec![Node {
                policy: oids::ANY_POLICY,
                expected: vec![oids::ANY_POLICY],
                parents: Vec::new(),
                alive: true,
                explicit: true,
            }]],
            nodes: 1,
            limit,
        }
    }

    fn depth(&self) -> usize {
        self.levels.len() - 1
    }

    fn add(&mut self, depth: usize, node: Node) -> Result<(), Error> {
        self.nodes += 1;
        if self.nodes > self.limit {
            return Err(Error::PolicyGraphTooLarge { limit: self.limit });
        }
        if let Some(level) = self.levels.get_mut(depth) {
            level.push(node);
        }
        Ok(())
    }

    /// §6.1.3(d) for certificate i with `policies`; `any_allowed` is "inhibit_anyPolicy > 0
    /// or (i < n and self-issued)". Returns `false` when the graph became NULL.
    pub(crate) fn process_certificate(
        &mut self,
        policies: &[ObjectIdentifier],
        any_allowed: bool,
    ) -> Result<bool, Error> {
        let prev = self.depth();
        let depth = prev + 1;
        self.levels.push(Vec::new());
        // (d)(1): each policy other than anyPolicy.
        for p in policies.iter().filter(|p| **p != oids::ANY_POLICY) {
            let parents: Vec<usize> = self
                .alive(prev)
                .filter(|(_, n)| n.expected.contains(p))
                .map(|(i, _)| i)
                .collect();
            let parents = if parents.is_empty() {
                // (d)(1)(ii): hang it under the anyPolicy node of depth i-1, if there is one.
                self.alive(prev)
                    .find(|(_, n)| n.policy == oids::ANY_POLICY)
                    .map(|(i, _)| vec![i])
                    .unwrap_or_default()
            } else {
                parents
            };
            if !parents.is_empty() {
                self.add(
                    depth,
                    Node {
                        policy: *p,
                        expected: vec![*p],
                        parents,
                        alive: true,
                        explicit: true,
                    },
                )?;
            }
        }
        // (d)(2): anyPolicy, where allowed.
        if any_allowed && policies.contains(&oids::ANY_POLICY) {
            let sources: Vec<(usize, Vec<ObjectIdentifier>)> = self
                .alive(prev)
                .map(|(i, n)| (i, n.expected.clone()))
                .collect();
            for (parent, expected) in sources {
                for value in expected {
                    let existing = self
                        .levels
                        .get_mut(depth)
                        .and_then(|l| l.iter_mut().find(|n| n.alive && n.policy == value));
                    match existing {
                        Some(node) if node.explicit => {}
                        Some(node) => {
                            if !node.parents.contains(&parent) {
                                node.parents.push(parent);
                            }
                        }
                        None => self.add(
                            depth,
                            Node {
                                policy: value,
                                expected: vec![value],
                                parents: vec![parent],
                                alive: true,
                                explicit: false,
                            },
                        )?,
                    }
                }
            }
        }
        // (d)(3): prune childless nodes above.
        Ok(self.prune())
    }

    /// §6.1.4(b) for certificate i (at the graph's current depth). `mapping_allowed` is
    /// "policy_mapping > 0". Returns `false` when the graph became NULL.
    pub(crate) fn apply_mappings(
        &mut self,
        mappings: &[(ObjectIdentifier, ObjectIdentifier)],
        mapping_allowed: bool,
    ) -> Result<bool, Error> {
        let depth = self.depth();
        let mut issuer_policies: Vec<ObjectIdentifier> = mappings.iter().map(|m| m.0).collect();
        issuer_policies.dedup();
        for id_p in issuer_policies {
            let mapped: Vec<ObjectIdentifier> = {
                let mut v: Vec<ObjectIdentifier> = mappings
                    .iter()
                    .filter(|m| m.0 == id_p)
                    .map(|m| m.1)
                    .collect();
                v.dedup();
                v
            };
            let Some(level) = self.levels.get_mut(depth) else {
                return Ok(false);
            };
            if mapping_allowed {
                // (b)(1)
                if let Some(node) = level.iter_mut().find(|n| n.alive && n.policy == id_p) {
                    node.expected = mapped;
                } else if let Some(parents) = level
                    .iter()
                    .find(|n| n.alive && n.policy == oids::ANY_POLICY)
                    .map(|n| n.parents.clone())
                {
                    self.add(
                        depth,
                        Node {
                            policy: id_p,
                            expected: mapped,
                            parents,
                            alive: true,
                            explicit: true,
                        },
                    )?;
                }
            } else {
                // (b)(2)
                for node in level.iter_mut().filter(|n| n.policy == id_p) {
                    node.alive = false;
                }
            }
        }
        Ok(self.prune())
    }

    /// Deletes nodes of depth < current that have no live child, repeatedly. `false` when
    /// nothing is left (the graph is NULL).
    fn prune(&mut self) -> bool {
        let depth = self.depth();
        for d in (0..depth).rev() {
            let live_children: Vec<bool> = {
                let Some(level) = self.levels.get(d) else {
                    continue;
                };
                let mut has = vec![false; level.len()];
                if let Some(children) = self.levels.get(d + 1) {
                    for child in children.iter().filter(|c| c.alive) {
                        for p in &child.parents {
                            if let Some(slot) = has.get_mut(*p) {
                                *slot = true;
                            }
                        }
                    }
                }
                has
            };
            if let Some(level) = self.levels.get_mut(d) {
                for (node, keep) in level.iter_mut().zip(live_children) {
                    if !keep {
                        node.alive = false;
                    }
                }
            }
        }
        self.alive(0).next().is_some()
    }

    fn alive(&self, depth: usize) -> impl Iterator<Item = (usize, &Node)> {
        self.levels
            .get(depth)
            .into_iter()
            .flat_map(|l| l.iter().enumerate())
            .filter(|(_, n)| n.alive)
    }

    /// §6.1.5(g) as RFC 9618 §4.3 computes it.
    pub(crate) fn policy_sets(&self, initial: &[ObjectIdentifier]) -> PolicySets {
        let n = self.depth();
        let mut authority = Vec::new();
        for d in 1..=n {
            let Some(parents) = self.levels.get(d - 1) else {
                continue;
            };
            for (_, node) in self.alive(d) {
                let under_any_only = node.policy != oids::ANY_POLICY
                    && node.parents.len() == 1
                    && node
                        .parents
                        .first()
                        .and_then(|p| parents.get(*p))
                        .is_some_and(|p| p.alive && p.policy == oids::ANY_POLICY);
                let final_any = d == n && node.policy == oids::ANY_POLICY;
                if (under_any_only || final_any) && !authority.contains(&node.policy) {
                    authority.push(node.policy);
                }
            }
        }
        let user = if initial.is_empty() {
            authority.clone()
        } else {
            let mut user: Vec<ObjectIdentifier> = authority
                .iter()
                .filter(|p| initial.contains(p))
                .copied()
                .collect();
            if authority.contains(&oids::ANY_POLICY) {
                for p in initial {
                    if !user.contains(p) {
                        user.push(*p);
                    }
                }
            }
            user
        };
        PolicySets {
            authority_constrained: authority,
            user_constrained: user,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.2.1.48.1");
    const P2: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.2.1.48.2");
    const ANY: ObjectIdentifier = oids::ANY_POLICY;

    #[test]
    fn simple_chain() {
        let mut g = PolicyGraph::new(100);
        assert!(g.process_certificate(&[P1, P2], true).unwrap());
        assert!(g.process_certificate(&[P1], true).unwrap());
        let sets = g.policy_sets(&[]);
        assert_eq!(sets.user_constrained, vec![P1]);
        let sets = g.policy_sets(&[P2]);
        assert!(sets.user_constrained.is_empty());
    }

    #[test]
    fn any_policy_expands_and_intersects() {
        let mut g = PolicyGraph::new(100);
        assert!(g.process_certificate(&[ANY], true).unwrap());
        assert!(g.process_certificate(&[ANY], true).unwrap());
        assert_eq!(g.policy_sets(&[]).user_constrained, vec![ANY]);
        assert_eq!(g.policy_sets(&[P1]).user_constrained, vec![P1]);
        // anyPolicy inhibited at the end entity: the graph empties.
        assert!(!g.process_certificate(&[ANY], false).unwrap());
    }

    #[test]
    fn mappings() {
        let mut g = PolicyGraph::new(100);
        assert!(g.process_certificate(&[P1], true).unwrap());
        assert!(g.apply_mappings(&[(P1, P2)], true).unwrap());
        assert!(g.process_certificate(&[P2], true).unwrap());
        assert_eq!(g.policy_sets(&[]).user_constrained, vec![P1]);

        let mut g = PolicyGraph::new(100);
        assert!(g.process_certificate(&[P1], true).unwrap());
        assert!(!g.apply_mappings(&[(P1, P2)], false).unwrap());
    }

    #[test]
    fn node_budget() {
        let mut g = PolicyGraph::new(3);
        assert_eq!(
            g.process_certificate(&[P1, P2, ANY], true),
            Err(Error::PolicyGraphTooLarge { limit: 3 })
        );
    }
}
