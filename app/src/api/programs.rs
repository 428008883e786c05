//! Programs and their sessions (R30, R31, R53): every function asks the policy first.

use leptos::prelude::*;

use crate::domain::group_tree::GroupId;
use crate::error::AppError;
use crate::wire::programs::{ProgramList, SessionView};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::api::context;
    pub use crate::backend::programs;
    pub use crate::domain::capability::{InviteFromSession, ManageSession, ManageSessions, ManageSessionsSomewhere};
    pub use crate::domain::policy::Action;
}

#[server(endpoint = "programs")]
pub async fn list_programs() -> Result<ProgramList, AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let state = context::state()?;
    let may_create = principal.may(&Action::ManageSessionsSomewhere);
    Ok(ProgramList {
        programs: programs::programs_for(&state.db, &principal).await?,
        may_create,
        session_groups: if may_create { principal.groups_where(|g| Some(Action::ManageSessions(g))) } else { Vec::new() },
    })
}

#[server(endpoint = "programs/create")]
pub async fn create_program(name: String) -> Result<i64, AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let permit = principal.require(ManageSessionsSomewhere)?;
    let state = context::state()?;
    programs::create_program(&state.db, &permit, &context::who(&principal), &name).await
}

#[server(endpoint = "sessions/create")]
pub async fn create_session(program: i64, group: GroupId, name: String, starts_on: String, ends_on: String) -> Result<i64, AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let permit = principal.require(ManageSessions(group))?;
    let state = context::state()?;
    let new = programs::NewSession { program, name: &name, starts_on: &starts_on, ends_on: &ends_on };
    programs::create_session(&state.db, &permit, &context::who(&principal), new).await
}

#[server(endpoint = "sessions/get")]
pub async fn get_session(id: i64) -> Result<SessionView, AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let state = context::state()?;
    programs::session_view(&state.db, &principal, id).await
}

#[server(endpoint = "sessions/add_instructor")]
pub async fn add_instructor(session: i64, login: String) -> Result<(), AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let state = context::state()?;
    let permit = programs::session_permit(&state.db, &principal, session, ManageSession).await?;
    programs::add_instructor(&state.db, &permit, &context::who(&principal), &login).await
}

/// R31: assigning enrolls the group's learners, so it needs the right on that group too.
#[server(endpoint = "sessions/assign_group")]
pub async fn assign_session_group(session: i64, group: GroupId) -> Result<(), AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let group = principal.require(ManageSessions(group))?;
    let state = context::state()?;
    let session = programs::session_permit(&state.db, &principal, session, ManageSession).await?;
    programs::assign_group(&state.db, &state.settings, &session, &group, &context::who(&principal)).await
}

/// R30: an allowed instructor (R4) picks an existing user as a learner of the session.
#[server(endpoint = "sessions/add_learner")]
pub async fn add_session_learner(session: i64, login: String) -> Result<(), AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let state = context::state()?;
    let permit = programs::session_permit(&state.db, &principal, session, InviteFromSession).await?;
    programs::add_existing_learner(&state.db, &state.settings, &permit, &context::who(&principal), &login).await
}
