//! Whether each grant of an invitation still stands (R24, R72): checked against the person who
//! made it, as they are now, under the right it was made under.

use crate::backend::audit::{self, Who};
use std::collections::HashMap;

use crate::backend::db::Tx;
use crate::backend::principal::Rights;
use crate::backend::statement::Statement;
use crate::domain::group_tree::{GroupId, GroupTree};
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::error::AppError;

/// A grant of an invitation, who made it and under which right, and whether they may still make
/// it (R24, R72).
pub(super) struct Standing {
    pub(super) group: GroupId,
    pub(super) role: Role,
    pub(super) granter: i64,
    pub(super) via_session: Option<i64>,
    pub(super) stands: bool,
}

/// Each grant of the invitation, checked against the person who made it, as they are now, under
/// the right it was made under — adding users (R1–R3), or inviting from a program session (R4)
/// — not against the first inviter (`inviter` made the grants that do not say who made them).
pub(super) async fn grant_standings(tx: &mut Tx, invitation: i64, inviter: i64) -> Result<Vec<Standing>, AppError> {
    let tree = crate::backend::tree::group_tree_in(tx).await?;
    Ok(grant_standings_of(tx, &tree, &[(invitation, inviter)]).await?.remove(&invitation).unwrap_or_default())
}

/// `grant_standings` of several invitations (id, inviter) at once, in a handful of statements
/// whatever their number (the Invitations list, R38): by invitation id.
pub(super) async fn grant_standings_of(tx: &mut Tx, tree: &GroupTree, invitations: &[(i64, i64)]) -> Result<HashMap<i64, Vec<Standing>>, AppError> {
    let mut standings: HashMap<i64, Vec<Standing>> = HashMap::new();
    if invitations.is_empty() {
        return Ok(standings);
    }
    let ids: Vec<i64> = invitations.iter().map(|&(id, _)| id).collect();
    let mut grants = Statement::new("SELECT invitation_id, group_id, role, granted_by, via_session FROM invitation_grants WHERE ");
    grants.push_in("invitation_id", &ids).push(" ORDER BY invitation_id, group_id, role");
    let rows: Vec<(i64, GroupId, String, Option<i64>, Option<i64>)> = grants.query_as().fetch_all(&mut **tx).await?;
    let mut sessions: Vec<i64> = rows.iter().filter_map(|r| r.4).collect();
    sessions.sort_unstable();
    sessions.dedup();
    let session_groups: HashMap<i64, GroupId> = if sessions.is_empty() {
        HashMap::new()
    } else {
        let mut statement = Statement::new("SELECT id, group_id FROM program_sessions WHERE ");
        statement.push_in("id", &sessions);
        statement.query_as::<(i64, GroupId)>().fetch_all(&mut **tx).await?.into_iter().collect()
    };
    let mut granters: HashMap<i64, Rights> = HashMap::new();
    for (invitation, group, role, granted_by, via_session) in rows {
        let Some(role) = Role::parse(&role) else { continue };
        let inviter = invitations.iter().find(|&&(id, _)| id == invitation).map(|&(_, inviter)| inviter).unwrap_or_default();
        let granter = granted_by.unwrap_or(inviter);
        if !granters.contains_key(&granter) {
            granters.insert(granter, Rights::load(&mut **tx, granter).await?);
        }
        let actor = granters[&granter].actor();
        let stands = match via_session {
            // From a session: the learner role on the session's group, by R4's right.
            Some(session) => {
                session_groups.get(&session) == Some(&group)
                    && role == Role::Learner
                    && crate::domain::policy::decide(tree, &actor, &Action::InviteFromSession(crate::domain::policy::SessionRef { id: session, group })).allowed
            }
            None => crate::domain::policy::decide(tree, &actor, &Action::AddUsers(&[(group, role)])).allowed,
        };
        standings.entry(invitation).or_default().push(Standing { group, role, granter, via_session, stands });
    }
    Ok(standings)
}

/// R24 at registration: the grants that still stand; the others are dropped, and written in the
/// audit log with who had made them.
pub(super) async fn grants_still_allowed(tx: &mut Tx, invitation: i64, inviter: i64) -> Result<Vec<(GroupId, Role)>, AppError> {
    let mut allowed = Vec::new();
    for Standing { group, role, granter, via_session, stands } in grant_standings(tx, invitation, inviter).await? {
        if stands {
            allowed.push((group, role));
        } else {
            tracing::warn!(invitation, group, role = role.as_str(), granter, "R24: grant dropped at acceptance, its granter lost the right");
            let dropped = serde_json::json!({ "group": group, "role": role, "granted_by": granter, "via_session": via_session });
            audit::record(tx, &Who::default(), "invitation_grant_dropped", "invitation", invitation, &dropped).await?;
        }
    }
    Ok(allowed)
}
