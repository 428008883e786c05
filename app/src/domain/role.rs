//! Roles a user holds per group (PRODUCT.md section 1).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Learner,
    Author,
    Coach,
    UserAdmin,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Learner, Role::Author, Role::Coach, Role::UserAdmin, Role::Admin];

    /// The name stored in the database (`memberships.role`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Author => "author",
            Role::Coach => "coach",
            Role::UserAdmin => "user_admin",
            Role::Admin => "admin",
        }
    }

    /// The role's name in the interface.
    pub fn label(self) -> crate::i18n::T {
        use crate::i18n::T;
        match self {
            Role::Learner => T::RoleLearner,
            Role::Author => T::RoleAuthor,
            Role::Coach => T::RoleCoach,
            Role::UserAdmin => T::RoleUserAdmin,
            Role::Admin => T::RoleAdmin,
        }
    }

    /// What the role lets one do, in a sentence (the `?` beside Role(s)).
    pub fn explained(self) -> crate::i18n::T {
        use crate::i18n::T;
        match self {
            Role::Learner => T::RoleLearnerHelp,
            Role::Author => T::RoleAuthorHelp,
            Role::Coach => T::RoleCoachHelp,
            Role::UserAdmin => T::RoleUserAdminHelp,
            Role::Admin => T::RoleAdminHelp,
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None, "owner is not a role held in a group");
    }
}
