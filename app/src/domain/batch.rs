//! Creating users in batch (R35–R37; what a file may say: R80), the part without I/O: which
//! column a header names (in English or French, in any order, case- and accent-insensitively),
//! what a cell says (groups by path, roles and languages by name in either language, dates), what
//! a row asks and what is wrong with it, and the cells an export must neutralise. The file itself
//! is read on the server.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::custom_field::FieldType;
use super::group_tree::{GroupId, GroupTree};
use super::identity::{Email, LoginId, Username};
use super::role::Role;
use crate::i18n::{Lang, Msg, T};

/// What a column of an import file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    /// The email address, or the username of a user without email (R40).
    Login,
    FirstName,
    LastName,
    /// Groups by path from the platform group (`Sales/Sales EMEA`), several separated by `|`.
    Groups,
    Roles,
    Language,
    DeletionDate,
    Labels,
    /// Set-up mode: the password; empty with Send credentials.
    Password,
    SendCredentials,
    /// A custom field, by its id.
    Field(i64),
}

impl Column {
    /// The fixed columns, in the template's order.
    pub const FIXED: [Column; 10] = [
        Column::Login,
        Column::FirstName,
        Column::LastName,
        Column::Groups,
        Column::Roles,
        Column::Language,
        Column::DeletionDate,
        Column::Labels,
        Column::Password,
        Column::SendCredentials,
    ];

    /// The header the template writes for a fixed column.
    pub fn header(self) -> Option<T> {
        Some(match self {
            Column::Login => T::EmailOrUsername,
            Column::FirstName => T::FirstName,
            Column::LastName => T::LastName,
            Column::Groups => T::Groups,
            Column::Roles => T::Roles,
            Column::Language => T::ColumnLanguage,
            Column::DeletionDate => T::DeletionDate,
            Column::Labels => T::Labels,
            Column::Password => T::Password,
            Column::SendCredentials => T::ColumnSendCredentials,
            Column::Field(_) => return None,
        })
    }
}

/// A header, a group path, a role or a language as compared: lower case, without accents, and
/// without the spaces, dashes, apostrophes and brackets people vary ("E-mail" = "email",
/// "Rôle(s)" = "roles").
pub fn key(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(unaccented)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The letter without its accent, for the accented letters of French and its neighbours.
fn unaccented(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
        'ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ÿ' | 'ý' => 'y',
        'ñ' => 'n',
        other => other,
    }
}

/// What a header row says: each column's meaning (`None`: a column Roster does not know), and
/// the headers it did not recognise (1-based column, as typed), reported rather than ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub columns: Vec<Option<Column>>,
    pub unknown: Vec<(usize, String)>,
    /// Headers naming a column already named (1-based column, as typed).
    pub repeated: Vec<(usize, String)>,
}

impl Header {
    /// Reads a header row; `fields` are the custom fields (id, name).
    pub fn read(cells: &[&str], fields: &[(i64, &str)]) -> Header {
        let mut names: HashMap<String, Column> = HashMap::new();
        for column in Column::FIXED {
            for lang in Lang::ALL {
                if let Some(header) = column.header() {
                    names.insert(key(header.in_lang(lang)), column);
                }
            }
        }
        for (alias, column) in ALIASES {
            names.insert(key(alias), *column);
        }
        for &(id, name) in fields {
            names.entry(key(name)).or_insert(Column::Field(id));
        }
        let mut header = Header { columns: Vec::with_capacity(cells.len()), unknown: Vec::new(), repeated: Vec::new() };
        for (i, cell) in cells.iter().enumerate() {
            let column = names.get(&key(cell)).copied();
            let repeated = column.is_some_and(|c| header.columns.contains(&Some(c)));
            match column {
                None if !cell.trim().is_empty() => header.unknown.push((i + 1, cell.trim().to_string())),
                Some(_) if repeated => header.repeated.push((i + 1, cell.trim().to_string())),
                _ => {}
            }
            header.columns.push(if repeated { None } else { column });
        }
        header
    }

    /// The index of a column in the row, if the file has it.
    pub fn position(&self, column: Column) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(column))
    }
}

/// Other words people use for the fixed columns, in either language.
const ALIASES: &[(&str, Column)] = &[
    ("email", Column::Login),
    ("e-mail", Column::Login),
    ("username", Column::Login),
    ("nom d'utilisateur", Column::Login),
    ("login", Column::Login),
    ("identifiant", Column::Login),
    ("group", Column::Groups),
    ("groupe", Column::Groups),
    ("role", Column::Roles),
    ("label", Column::Labels),
    ("libellé", Column::Labels),
    ("default language", Column::Language),
    ("langue par défaut", Column::Language),
];

/// The items of a list cell: separated by `|`, trimmed, empty ones dropped.
pub fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('|').map(str::trim).filter(|item| !item.is_empty())
}

/// A role by its name in either language, or as stored (`user_admin`).
pub fn role_of(cell: &str) -> Option<Role> {
    // Asked for every role cell of a file: the names are keyed once.
    static NAMES: std::sync::LazyLock<HashMap<String, Role>> = std::sync::LazyLock::new(|| {
        let mut names = HashMap::new();
        for role in Role::ALL {
            names.insert(key(role.as_str()), role);
            for lang in Lang::ALL {
                names.insert(key(role.label().in_lang(lang)), role);
            }
        }
        names
    });
    NAMES.get(&key(cell)).copied()
}

/// A language by its code (`fr`, `fr-CA`) or its name in either language.
pub fn language_of(cell: &str) -> Option<Lang> {
    Lang::parse(cell).or_else(|| {
        let wanted = key(cell);
        [("english", Lang::En), ("anglais", Lang::En), ("french", Lang::Fr), ("francais", Lang::Fr)].into_iter().find(|(name, _)| *name == wanted).map(|(_, lang)| lang)
    })
}

/// A day as `YYYY-MM-DD`, written so or `DD/MM/YYYY` as French files write it (one-digit
/// days and months too), that exists. Whether it is after today is the server's (R42).
pub fn date_of(cell: &str) -> Option<String> {
    let cell = cell.trim();
    let french: Vec<&str> = cell.split('/').collect();
    match french.as_slice() {
        [day, month, year] if year.len() == 4 => super::custom_field::date(&format!("{year}-{month}-{day}")),
        _ => super::custom_field::date(cell),
    }
}

/// Why a group cell names no group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupProblem {
    Unknown,
    /// A bare name several groups bear: the path is needed.
    Ambiguous,
}

/// The groups of the tree by path (`sales/sales emea`, from the platform group, which may be
/// named first or not) and by bare name, built once per file.
pub struct GroupNames {
    by_path: HashMap<String, GroupId>,
    by_name: HashMap<String, Vec<GroupId>>,
    /// Each group's path as people read it (`Sales/Sales EMEA`), for messages.
    shown: HashMap<GroupId, String>,
}

impl GroupNames {
    pub fn new(tree: &GroupTree) -> GroupNames {
        let mut names = GroupNames { by_path: HashMap::new(), by_name: HashMap::new(), shown: HashMap::new() };
        let Some(root) = tree.root() else { return names };
        for id in tree.subtree(root) {
            let nodes: Vec<&str> = tree.path_to(id).iter().filter_map(|g| tree.get(*g)).map(|n| n.name.as_str()).collect();
            names.shown.insert(id, nodes.get(1..).filter(|below| !below.is_empty()).unwrap_or(&nodes[..]).join("/"));
            let path: Vec<String> = nodes.iter().map(|name| key(name)).collect();
            names.by_path.insert(path.join("/"), id);
            if path.len() > 1 {
                names.by_path.insert(path[1..].join("/"), id);
            }
            if let Some(last) = path.last() {
                names.by_name.entry(last.clone()).or_default().push(id);
            }
        }
        names
    }

    /// A group's path as people read it.
    pub fn shown(&self, id: GroupId) -> String {
        self.shown.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    /// The group a cell names: a path from the platform group, or a bare name borne by one
    /// group only.
    pub fn find(&self, cell: &str) -> Result<GroupId, GroupProblem> {
        let path: Vec<String> = cell.split('/').map(key).filter(|part| !part.is_empty()).collect();
        if let Some(&id) = self.by_path.get(&path.join("/")) {
            return Ok(id);
        }
        match (path.len(), path.first().and_then(|name| self.by_name.get(name))) {
            (1, Some(ids)) if ids.len() == 1 => Ok(ids[0]),
            (1, Some(_)) => Err(GroupProblem::Ambiguous),
            _ => Err(GroupProblem::Unknown),
        }
    }
}

/// Invite (R20–R24) or set up (R25–R28) every row of a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    #[default]
    Invite,
    SetUp,
}

/// What the panel chose for the whole file: used where a row leaves its cell empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Defaults {
    pub groups: Vec<GroupId>,
    pub roles: Vec<Role>,
    pub language: Option<Lang>,
}

/// What the rows of a file are checked against, read once per file.
pub struct Checks<'a> {
    pub mode: Mode,
    pub header: &'a Header,
    pub groups: &'a GroupNames,
    /// The labels, by the `key` of their name.
    pub labels: &'a HashMap<String, i64>,
    /// The custom fields' types, by id.
    pub fields: &'a HashMap<i64, FieldType>,
    pub defaults: &'a Defaults,
    /// Whether the person importing may grant this role in this group (R1–R6).
    pub may_grant: &'a dyn Fn(GroupId, Role) -> bool,
}

/// What a row asks, and what is wrong with it: a row with a problem imports nothing (R36).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowRequest {
    pub login: Option<LoginId>,
    pub first_name: String,
    pub last_name: String,
    pub grants: Vec<(GroupId, Role)>,
    pub language: Option<Lang>,
    /// `YYYY-MM-DD`; after today is checked by the server (R42).
    pub deletion_date: Option<String>,
    pub labels: Vec<i64>,
    /// (custom field, value in its stored form).
    pub values: Vec<(i64, String)>,
    /// Set-up mode: the password given, unless credentials are to be sent.
    pub password: Option<String>,
    pub send_credentials: bool,
    pub problems: Vec<(Column, Msg)>,
}

/// Checks one row of cells as the panels check a form: the same rules, every problem at once.
pub fn check_row(checks: &Checks, cells: &[String]) -> RowRequest {
    let cell = |column: Column| checks.header.position(column).and_then(|i| cells.get(i)).map(String::as_str).unwrap_or("");
    let mut row = RowRequest::default();
    let mut problems = Vec::new();
    let mut problem = |column: Column, msg: Msg| problems.push((column, msg));

    let login = cell(Column::Login);
    row.login = match (checks.mode, login) {
        (_, "") => {
            problem(Column::Login, Msg::Required);
            None
        }
        (Mode::Invite, _) => Email::parse(login).map(LoginId::Email).map_err(|_| problem(Column::Login, Msg::InvalidEmail)).ok(),
        (Mode::SetUp, _) if login.contains('@') => Email::parse(login).map(LoginId::Email).map_err(|_| problem(Column::Login, Msg::InvalidEmail)).ok(),
        (Mode::SetUp, _) => Username::parse(login).map(LoginId::Username).map_err(|_| problem(Column::Login, Msg::InvalidUsername)).ok(),
    };
    if checks.mode == Mode::SetUp {
        for (column, name) in [(Column::FirstName, &mut row.first_name), (Column::LastName, &mut row.last_name)] {
            match super::names::tidy(cell(column), 100) {
                Ok(tidy) => *name = tidy,
                Err(msg) => problem(column, msg),
            }
        }
    }

    let mut groups = Vec::new();
    for item in items(cell(Column::Groups)) {
        match checks.groups.find(item) {
            Ok(id) if !groups.contains(&id) => groups.push(id),
            Ok(_) => {}
            Err(GroupProblem::Unknown) => problem(Column::Groups, Msg::UnknownGroup { name: item.to_string() }),
            Err(GroupProblem::Ambiguous) => problem(Column::Groups, Msg::AmbiguousGroup { name: item.to_string() }),
        }
    }
    if cell(Column::Groups).is_empty() {
        groups = checks.defaults.groups.clone();
    }
    let mut roles = Vec::new();
    for item in items(cell(Column::Roles)) {
        match role_of(item) {
            Some(role) if !roles.contains(&role) => roles.push(role),
            Some(_) => {}
            None => problem(Column::Roles, Msg::UnknownRole { name: item.to_string() }),
        }
    }
    if cell(Column::Roles).is_empty() {
        roles = checks.defaults.roles.clone();
    }
    if groups.is_empty() && cell(Column::Groups).is_empty() {
        problem(Column::Groups, Msg::ChooseAGroup);
    }
    if roles.is_empty() && cell(Column::Roles).is_empty() {
        problem(Column::Roles, Msg::ChooseARole);
    }
    let refused: Vec<String> = groups.iter().filter(|&&g| !roles.iter().all(|&r| (checks.may_grant)(g, r))).map(|&g| checks.groups.shown(g)).collect();
    if !refused.is_empty() {
        problem(Column::Groups, Msg::MayNotAddIn { groups: refused.join(", ") });
    }
    row.grants = groups.iter().flat_map(|&g| roles.iter().map(move |&r| (g, r))).collect();

    let language = cell(Column::Language);
    row.language = if language.is_empty() { checks.defaults.language } else { language_of(language).or_else(|| { problem(Column::Language, Msg::UnknownLanguage { name: language.to_string() }); None }) };
    let date = cell(Column::DeletionDate);
    if !date.is_empty() {
        row.deletion_date = date_of(date).or_else(|| { problem(Column::DeletionDate, Msg::InvalidDate); None });
    }
    for item in items(cell(Column::Labels)) {
        match checks.labels.get(&key(item)) {
            Some(&id) if !row.labels.contains(&id) => row.labels.push(id),
            Some(_) => {}
            None => problem(Column::Labels, Msg::UnknownLabel { name: item.to_string() }),
        }
    }
    for (i, column) in checks.header.columns.iter().enumerate() {
        let (Some(Column::Field(field)), Some(typed)) = (column, cells.get(i)) else { continue };
        match checks.fields.get(field).map(|kind| kind.value(typed)) {
            Some(Ok(Some(value))) => row.values.push((*field, value)),
            Some(Ok(None)) | None => {}
            Some(Err(msg)) => problem(Column::Field(*field), msg),
        }
    }

    if checks.mode == Mode::SetUp {
        row.send_credentials = match key(cell(Column::SendCredentials)).as_str() {
            "yes" | "oui" | "true" | "vrai" | "1" | "x" => true,
            "" | "no" | "non" | "false" | "faux" | "0" => false,
            _ => {
                problem(Column::SendCredentials, Msg::NotYesNo);
                false
            }
        };
        let password = cell(Column::Password);
        if row.send_credentials && matches!(row.login, Some(LoginId::Username(_))) {
            problem(Column::SendCredentials, Msg::NoEmailForCredentials);
        } else if !row.send_credentials && password.is_empty() {
            problem(Column::Password, Msg::Required);
        } else if !row.send_credentials {
            let identity = [row.first_name.as_str(), row.last_name.as_str(), login];
            match super::password::check(password, &identity) {
                Ok(()) => row.password = Some(password.to_string()),
                Err(msg) => problem(Column::Password, msg),
            }
        }
    }
    row.problems = problems;
    row
}

/// A cell as an export writes it: one a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'` (OWASP's CSV injection advice).
pub fn neutralised(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::group_tree::GroupNode;

    #[test]
    fn r35_r80_headers_are_read_in_either_language_in_any_order_whatever_the_case_and_accents() {
        let fields = [(7, "Employee ID"), (8, "Centre de coût")];
        let header = Header::read(&["PRÉNOM", "e-mail", "Groupes", "rôle(s)", "Centre de cout", "Shoe size", "Nom", "Email"], &fields);
        assert_eq!(
            header.columns,
            [Some(Column::FirstName), Some(Column::Login), Some(Column::Groups), Some(Column::Roles), Some(Column::Field(8)), None, Some(Column::LastName), None]
        );
        assert_eq!(header.unknown, [(6, "Shoe size".to_string())], "an unknown column is reported");
        assert_eq!(header.repeated, [(8, "Email".to_string())], "a column named twice is reported");
        let english = Header::read(&["Email or username", "First name", "Last name", "Send credentials", "Language", "Deletion date", "Labels", "Password"], &[]);
        assert!(english.unknown.is_empty() && english.columns.iter().all(Option::is_some), "{english:?}");
        assert_eq!(english.position(Column::SendCredentials), Some(3));
    }

    #[test]
    fn r35_the_template_names_every_fixed_column_in_each_language_and_reads_back() {
        for lang in Lang::ALL {
            let headers: Vec<&str> = Column::FIXED.iter().map(|c| c.header().unwrap().in_lang(lang)).collect();
            let read = Header::read(&headers, &[]);
            assert_eq!(read.columns, Column::FIXED.map(Some), "{lang:?}");
        }
    }

    #[test]
    fn r35_r80_roles_languages_and_dates_are_read_as_people_write_them() {
        assert_eq!(role_of("Apprenant"), Some(Role::Learner));
        assert_eq!(role_of(" user admin "), Some(Role::UserAdmin));
        assert_eq!(role_of("gestionnaire d’utilisateurs"), Some(Role::UserAdmin), "a typographic apostrophe");
        assert_eq!(role_of("user_admin"), Some(Role::UserAdmin));
        assert_eq!(role_of("Manager"), None);
        assert_eq!(language_of("Français"), Some(Lang::Fr));
        assert_eq!(language_of("en-GB"), Some(Lang::En));
        assert_eq!(language_of("Deutsch"), None);
        assert_eq!(date_of("2027-01-31").as_deref(), Some("2027-01-31"));
        assert_eq!(date_of("31/01/2027").as_deref(), Some("2027-01-31"));
        assert_eq!(date_of("1/2/2027").as_deref(), Some("2027-02-01"));
        assert_eq!(date_of("01/31/27"), None);
        assert_eq!(date_of("31/02/2027"), None, "a day that does not exist");
        assert_eq!(date_of("12/31/2027"), None, "the American order is not a French date");
        assert_eq!(date_of("next week"), None);
        assert_eq!(items(" Contractor | |Partner").collect::<Vec<_>>(), ["Contractor", "Partner"]);
    }

    #[test]
    fn r35_r80_groups_are_found_by_path_or_by_a_name_only_one_group_bears() {
        let node = |id, parent, name: &str| GroupNode { id, parent_id: parent, name: name.into(), is_public: false };
        let tree = GroupTree::new([
            node(1, None, "Northwind Academy"),
            node(2, Some(1), "Sales"),
            node(3, Some(2), "Sales EMEA"),
            node(4, Some(3), "Paris"),
            node(5, Some(1), "Support"),
            node(6, Some(5), "Paris"),
        ]);
        let names = GroupNames::new(&tree);
        assert_eq!(names.find("Sales/Sales EMEA"), Ok(3));
        assert_eq!(names.find(" sales / SALES emea / paris "), Ok(4));
        assert_eq!(names.find("Northwind Academy/Support/Paris"), Ok(6), "from the platform group, named");
        assert_eq!(names.find("Sales EMEA"), Ok(3), "a bare name one group bears");
        assert_eq!(names.find("Paris"), Err(GroupProblem::Ambiguous));
        assert_eq!(names.find("Marketing"), Err(GroupProblem::Unknown));
        assert_eq!(names.find("Support/Sales EMEA"), Err(GroupProblem::Unknown));
    }

    #[test]
    fn r36_cells_a_spreadsheet_would_run_are_neutralised() {
        for formula in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralised(formula).starts_with('\''), "{formula:?}");
        }
        assert_eq!(neutralised("Ada Lovelace"), "Ada Lovelace");
        assert_eq!(neutralised("ada@example.com"), "ada@example.com");
    }

    /// A platform with Sales › Sales EMEA › Paris and Support › Paris; a label, two fields; an
    /// importer who may grant the learner role only, and only under Sales.
    struct World {
        header: Header,
        groups: GroupNames,
        labels: HashMap<String, i64>,
        fields: HashMap<i64, FieldType>,
        defaults: Defaults,
    }

    fn world(headers: &[&str]) -> World {
        let node = |id, parent, name: &str| GroupNode { id, parent_id: parent, name: name.into(), is_public: true };
        let tree = GroupTree::new([node(1, None, "Acme"), node(2, Some(1), "Sales"), node(3, Some(2), "Sales EMEA"), node(4, Some(3), "Paris"), node(5, Some(1), "Support"), node(6, Some(5), "Paris")]);
        World {
            header: Header::read(headers, &[(7, "Staff number"), (8, "Size")]),
            groups: GroupNames::new(&tree),
            labels: HashMap::from([(key("Contractor"), 11)]),
            fields: HashMap::from([(7, FieldType::Number), (8, FieldType::List(vec!["Small".into(), "Large".into()]))]),
            defaults: Defaults { groups: vec![3], roles: vec![Role::Learner], language: None },
        }
    }

    fn check(world: &World, mode: Mode, cells: &[&str]) -> RowRequest {
        let under_sales_learners_only = |group: GroupId, role: Role| role == Role::Learner && [2, 3, 4].contains(&group);
        let checks = Checks { mode, header: &world.header, groups: &world.groups, labels: &world.labels, fields: &world.fields, defaults: &world.defaults, may_grant: &under_sales_learners_only };
        check_row(&checks, &cells.iter().map(|c| c.to_string()).collect::<Vec<_>>())
    }

    fn problems(row: &RowRequest) -> Vec<(Column, Msg)> {
        row.problems.clone()
    }

    #[test]
    fn r35_r36_an_invitation_row_takes_the_files_defaults_and_names_each_problem_at_its_column() {
        let w = world(&["Email", "Groups", "Roles", "Language", "Deletion date", "Labels", "Staff number", "Size"]);
        let fine = check(&w, Mode::Invite, &["Ada@Example.com", "", "", "fr", "31/12/2030", "contractor", "1 200", "large"]);
        assert_eq!(problems(&fine), []);
        assert_eq!(fine.grants, [(3, Role::Learner)], "the panel's group and role where the row has none");
        assert_eq!((fine.language, fine.deletion_date.as_deref(), fine.labels.as_slice()), (Some(Lang::Fr), Some("2030-12-31"), &[11][..]));
        assert_eq!(fine.values, [(7, "1200".to_string()), (8, "Large".to_string())]);

        let bad = check(&w, Mode::Invite, &["not an address", "Marketing|Paris", "Boss", "Klingon", "30/02/2030", "VIP", "twelve", "XL"]);
        assert_eq!(
            problems(&bad),
            [
                (Column::Login, Msg::InvalidEmail),
                (Column::Groups, Msg::UnknownGroup { name: "Marketing".into() }),
                (Column::Groups, Msg::AmbiguousGroup { name: "Paris".into() }),
                (Column::Roles, Msg::UnknownRole { name: "Boss".into() }),
                (Column::Language, Msg::UnknownLanguage { name: "Klingon".into() }),
                (Column::DeletionDate, Msg::InvalidDate),
                (Column::Labels, Msg::UnknownLabel { name: "VIP".into() }),
                (Column::Field(7), Msg::NotANumber),
                (Column::Field(8), Msg::NotAnOption { options: "Small, Large".into() }),
            ]
        );
    }

    #[test]
    fn r1_r3_r35_every_group_and_role_of_every_row_is_asked_of_the_policy() {
        let w = world(&["Email", "Groups", "Roles"]);
        let coach = check(&w, Mode::Invite, &["a@example.com", "Sales/Sales EMEA", "coach"]);
        assert_eq!(problems(&coach), [(Column::Groups, Msg::MayNotAddIn { groups: "Sales/Sales EMEA".into() })]);
        let support = check(&w, Mode::Invite, &["a@example.com", "Sales | Support/Paris", "apprenant"]);
        assert_eq!(problems(&support), [(Column::Groups, Msg::MayNotAddIn { groups: "Support/Paris".into() })]);
        assert_eq!(check(&w, Mode::Invite, &["", "Sales", "Learner"]).problems, [(Column::Login, Msg::Required)]);
    }

    #[test]
    fn r28_r40_r35_a_set_up_row_needs_names_and_a_password_or_credentials_sent() {
        let w = world(&["Email or username", "First name", "Last name", "Password", "Send credentials"]);
        let sent = check(&w, Mode::SetUp, &["grace@example.com", "Grace", "Hopper", "", "oui"]);
        assert_eq!((problems(&sent), sent.send_credentials, sent.password.clone()), (vec![], true, None));
        let kiosk = check(&w, Mode::SetUp, &["kiosk.paris", "Kiosk", "Paris", "correct horse battery 1843", ""]);
        assert_eq!(problems(&kiosk), []);
        assert!(matches!(kiosk.login, Some(LoginId::Username(_))) && kiosk.password.is_some());
        assert_eq!(check(&w, Mode::SetUp, &["kiosk.lyon", "Kiosk", "Lyon", "", "yes"]).problems, [(Column::SendCredentials, Msg::NoEmailForCredentials)]);
        assert_eq!(check(&w, Mode::SetUp, &["ann@example.com", "", "Lee", "", "maybe"]).problems, [
            (Column::FirstName, Msg::Required),
            (Column::SendCredentials, Msg::NotYesNo),
            (Column::Password, Msg::Required),
        ]);
        assert_eq!(check(&w, Mode::SetUp, &["ann@example.com", "Ann", "Lee", "short", "no"]).problems, [(Column::Password, Msg::PasswordTooShort { min: crate::domain::password::MIN_LEN })]);
    }
}
