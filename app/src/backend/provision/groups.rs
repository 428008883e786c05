//! Groups (R94): the groups a token's caller oversees, each with its members — those holding the
//! token's role there directly — found, and members added and removed by R1–R3 and R10 (adding)
//! and R52 (removing a role), seeing only whom the caller sees (R62). Creating, renaming, moving
//! and making a group public are `groups`' own services, under their permits.

use std::collections::HashSet;

use super::users::{Holder, ScimId, SCIM_INVITATION_OF_U};
use super::{Condition, Found, Op, Order};

use crate::backend::audit::{self, Who};
use crate::backend::db::Db;
use crate::backend::principal::Principal;
use crate::backend::statement::Statement;
use crate::backend::users::require_sight;
use crate::backend::{groups, Permit, Settings};
use crate::domain::capability::{AddToGroup, AddUsersSomewhere, ManageGroup, RemoveRole};
use crate::domain::group_tree::{GroupId, GroupNode};
use crate::domain::role::Role;
use crate::error::AppError;

/// What a condition on groups looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupAttribute {
    Id,
    /// The group's name, case aside.
    DisplayName,
    /// A member's id.
    Member,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisionedGroup {
    pub id: GroupId,
    pub name: String,
    pub parent: Option<GroupId>,
    pub is_public: bool,
    /// What the provider knows it as (SCIM's externalId).
    pub external_id: Option<String>,
    /// Its members, when asked for.
    pub members: Option<Vec<Member>>,
}

/// A member of a group as a provider sees it: an account, or a pending invitation made through
/// SCIM granting the group (R99), and the id the provider knows it by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub holder: Holder,
    pub scim_id: ScimId,
}

/// The groups this caller oversees (theirs and below, R2) that `condition` keeps, in id order,
/// from `start` (0 the first), at most `count`; members are those holding `role` directly, read
/// when `with_members`.
pub async fn find(
    db: &Db,
    permit: &Permit<'_, AddUsersSomewhere>,
    condition: Option<&Condition<GroupAttribute>>,
    order: Option<Order<GroupAttribute>>,
    role: Role,
    (start, count): (i64, i64),
    with_members: bool,
) -> Result<Found<ProvisionedGroup>, AppError> {
    let principal = permit.by();
    let overseen = principal.overseen_subtrees();
    let holding = match condition {
        Some(condition) => holders(db, condition, role).await?,
        None => HashSet::new(),
    };
    let mut kept: Vec<&GroupNode> =
        overseen.iter().filter_map(|&g| principal.tree.get(g)).filter(|node| condition.is_none_or(|c| keeps(c, node, &holding))).collect();
    // By the order asked (by name, case aside, or by id); else the tree's, parents first.
    match order {
        Some(Order { by: GroupAttribute::DisplayName, .. }) => kept.sort_by_cached_key(|node| (node.name.to_lowercase(), node.id)),
        Some(Order { .. }) => kept.sort_by_key(|node| node.id),
        None => {}
    }
    if order.is_some_and(|o| o.descending) {
        kept.reverse();
    }
    let page: Vec<&GroupNode> = kept.iter().skip(start.max(0) as usize).take(count.max(0) as usize).copied().collect();
    let ids: Vec<GroupId> = page.iter().map(|node| node.id).collect();
    let mut members = if with_members { members_of(db, &ids, role).await? } else { Vec::new() };
    let mut known_as = Statement::new("SELECT id, external_id FROM groups WHERE external_id IS NOT NULL AND ");
    known_as.push_in("id", &ids);
    let known_as: Vec<(GroupId, String)> = if ids.is_empty() { Vec::new() } else { known_as.query_as().fetch_all(&db.pool).await? };
    let found = page
        .into_iter()
        .map(|node| ProvisionedGroup {
            id: node.id,
            name: node.name.clone(),
            parent: node.parent_id,
            is_public: node.is_public,
            external_id: known_as.iter().find(|(g, _)| *g == node.id).map(|(_, e)| e.clone()),
            members: with_members.then(|| members.extract_if(.., |(group, _)| *group == node.id).map(|(_, member)| member).collect()),
        })
        .collect();
    Ok(Found { total: kept.len() as i64, found })
}

/// One group this caller oversees; any other is "not found".
pub async fn get(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, group: GroupId, role: Role, with_members: bool) -> Result<ProvisionedGroup, AppError> {
    let only = Condition::Compare(GroupAttribute::Id, Op::Eq, group.to_string());
    find(db, permit, Some(&only), None, role, (0, 1), with_members).await?.found.pop().ok_or(AppError::NotFound)
}

/// Whether a condition keeps a group; `holding` has the (group, user) pairs of the members it
/// names.
fn keeps(condition: &Condition<GroupAttribute>, node: &GroupNode, holding: &HashSet<(GroupId, i64)>) -> bool {
    match condition {
        Condition::Both(a, b) => keeps(a, node, holding) && keeps(b, node, holding),
        Condition::Either(a, b) => keeps(a, node, holding) || keeps(b, node, holding),
        Condition::Not(a) => !keeps(a, node, holding),
        Condition::Present(GroupAttribute::Member) => holding.iter().any(|(g, _)| *g == node.id),
        Condition::Present(_) => true,
        Condition::Active(_) | Condition::Nobody => false,
        Condition::Compare(GroupAttribute::Member, op, value) => {
            let holds = value.parse::<i64>().is_ok_and(|user| holding.contains(&(node.id, user)));
            match op {
                Op::Eq => holds,
                Op::Ne => !holds,
                _ => false,
            }
        }
        Condition::Compare(attribute, op, value) => {
            let (has, value) = match attribute {
                GroupAttribute::Id => (node.id.to_string(), value.clone()),
                _ => (node.name.to_lowercase(), value.to_lowercase()),
            };
            match op {
                Op::Eq => has == value,
                Op::Ne => has != value,
                Op::Contains => has.contains(&value),
                Op::StartsWith => has.starts_with(&value),
                Op::EndsWith => has.ends_with(&value),
            }
        }
    }
}

/// The (group, user) pairs of the members a condition names (`members eq "7"`), or of every
/// member when it asks whether there are any (`members pr`).
async fn holders(db: &Db, condition: &Condition<GroupAttribute>, role: Role) -> Result<HashSet<(GroupId, i64)>, AppError> {
    fn named(condition: &Condition<GroupAttribute>, users: &mut Vec<i64>, any: &mut bool) {
        match condition {
            Condition::Both(a, b) | Condition::Either(a, b) => {
                named(a, users, any);
                named(b, users, any);
            }
            Condition::Not(a) => named(a, users, any),
            Condition::Compare(GroupAttribute::Member, _, value) => users.extend(value.parse::<i64>().ok()),
            Condition::Present(GroupAttribute::Member) => *any = true,
            _ => {}
        }
    }
    let (mut users, mut any) = (Vec::new(), false);
    named(condition, &mut users, &mut any);
    if users.is_empty() && !any {
        return Ok(HashSet::new());
    }
    let mut pairs = Statement::new("SELECT group_id, user_id FROM memberships WHERE propagated_from IS NULL AND role = ");
    pairs.bind(role.as_str());
    if !any {
        pairs.push(" AND ").push_in("user_id", &users);
    }
    Ok(pairs.query_as::<(GroupId, i64)>().fetch_all(&db.pool).await?.into_iter().collect())
}

/// (group, member) of the direct holders of `role` in `groups`, by user id, then the pending
/// invitations made through SCIM that grant it there (R99), by id.
async fn members_of(db: &Db, groups: &[GroupId], role: Role) -> Result<Vec<(GroupId, Member)>, AppError> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let mut s = Statement::new(&format!(
        "SELECT m.group_id, u.id, {SCIM_INVITATION_OF_U}, CAST(0 AS BIGINT) FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE u.deleted_at IS NULL AND m.propagated_from IS NULL AND m.role = "
    ));
    s.bind(role.as_str()).push(" AND ").push_in("m.group_id", groups);
    s.push(" UNION ALL SELECT g.group_id, CAST(0 AS BIGINT), i.id, CAST(1 AS BIGINT) FROM invitation_grants g JOIN invitations i ON i.id = g.invitation_id WHERE i.scim = 1 AND i.status = 'pending' AND g.role = ");
    s.bind(role.as_str()).push(" AND ").push_in("g.group_id", groups).push(" ORDER BY 1, 4, 2, 3");
    let rows: Vec<(GroupId, i64, Option<i64>, i64)> = s.query_as().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(group, user, invitation, pending)| {
            let member = match (pending, invitation) {
                (1, Some(invitation)) => Member { holder: Holder::Invitation(invitation), scim_id: ScimId::Invitation(invitation) },
                (_, invitation) => Member { holder: Holder::Account(user), scim_id: invitation.map_or(ScimId::User(user), ScimId::Invitation) },
            };
            (group, member)
        })
        .collect())
}

/// Sets what the provider knows the group as (SCIM's externalId; `None`: nothing), by whoever
/// manages the group (R52).
pub async fn set_external_id(db: &Db, group: &Permit<'_, ManageGroup>, who: &Who, external_id: Option<&str>) -> Result<(), AppError> {
    let ManageGroup(group) = *group.what();
    let external_id = super::users::checked_external_id(external_id)?;
    let mut tx = db.begin().await?;
    let changed = sqlx::query("UPDATE groups SET external_id = $1 WHERE id = $2 AND external_id IS DISTINCT FROM $1").bind(external_id).bind(group).execute(&mut *tx).await?.rows_affected();
    if changed == 1 {
        audit::record(&mut tx, who, "group_external_id_set", "group", group, &serde_json::json!({ "external_id": external_id })).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Adds these users, each one the caller sees (R62: anyone else is "not found", naming them),
/// as the permit's role in its group (R10's climb applies to learners).
pub async fn add_members(db: &Db, settings: &Settings, adding: &Permit<'_, AddToGroup>, who: &Who, users: &[i64]) -> Result<(), AppError> {
    let principal: &Principal = adding.by();
    for &user in users {
        require_sight(db, principal, user).await?;
    }
    for &user in users {
        groups::add_member(db, settings, adding, who, user).await?;
    }
    Ok(())
}

/// Takes the permit's role in its group from these users (learners it brought up stay, R11).
pub async fn remove_members(db: &Db, removing: &Permit<'_, RemoveRole>, who: &Who, users: &[i64]) -> Result<(), AppError> {
    for &user in users {
        groups::remove_membership(db, removing, who, user).await?;
    }
    Ok(())
}
