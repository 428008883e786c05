//! Wire types: A user's optional details and the platform's labels and custom fields (R20, R43,
//! R79). What crosses between `api::details` and the screens.

use serde::{Deserialize, Serialize};

use crate::domain::custom_field::FieldType;
use crate::i18n::Lang;

/// The optional part of the invite and set-up forms.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserDetails {
    /// The platform's when `None` (R44).
    pub language: Option<Lang>,
    /// `YYYY-MM-DD` (R42).
    pub deletion_date: Option<String>,
    pub labels: Vec<i64>,
    /// Empty values are not stored.
    pub values: Vec<FieldValue>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldValue {
    pub field: i64,
    pub value: String,
}

/// The labels and custom fields defined on the platform, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelsAndFields {
    pub labels: Vec<LabelChoice>,
    pub fields: Vec<FieldChoice>,
    /// Whether this person may define, rename and delete them (platform administrators, R43).
    pub may_define: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelChoice {
    pub id: i64,
    pub name: String,
    /// How many users and pending invitations hold it: told to platform administrators (R79),
    /// 0 for others.
    pub holders: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChoice {
    pub id: i64,
    pub name: String,
    pub field_type: FieldType,
    /// As for labels.
    pub holders: i64,
}
