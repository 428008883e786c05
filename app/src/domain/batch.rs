//! Creating users in batch (R35–R37), the part without I/O: which column a header names (in
//! English or French, in any order, case- and accent-insensitively), what a cell says (groups by
//! path, roles and languages by name in either language, dates), and the cells an export must
//! neutralise. The file itself is read on the server.

use std::collections::HashMap;

use super::group_tree::{GroupId, GroupTree};
use super::role::Role;
use crate::i18n::{Lang, T};

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
    let wanted = key(cell);
    Role::ALL.into_iter().find(|role| key(role.as_str()) == wanted || Lang::ALL.iter().any(|&lang| key(role.label().in_lang(lang)) == wanted))
}

/// A language by its code (`fr`, `fr-CA`) or its name in either language.
pub fn language_of(cell: &str) -> Option<Lang> {
    Lang::parse(cell).or_else(|| {
        let wanted = key(cell);
        [("english", Lang::En), ("anglais", Lang::En), ("french", Lang::Fr), ("francais", Lang::Fr)].into_iter().find(|(name, _)| *name == wanted).map(|(_, lang)| lang)
    })
}

/// A date as `YYYY-MM-DD`: written so, or `DD/MM/YYYY` as French files write it. Only the
/// form is checked here (the day's existence and "after today" are the server's, R42).
pub fn date_of(cell: &str) -> Option<String> {
    let cell = cell.trim();
    let numbers = |parts: &[&str], widths: [usize; 3]| parts.len() == 3 && parts.iter().zip(widths).all(|(p, w)| p.len() == w && p.chars().all(|c| c.is_ascii_digit()));
    let dashed: Vec<&str> = cell.split('-').collect();
    if numbers(&dashed, [4, 2, 2]) {
        return Some(cell.to_string());
    }
    let slashed: Vec<&str> = cell.split('/').collect();
    let padded: Vec<String> = slashed.iter().map(|p| if p.len() == 1 { format!("0{p}") } else { p.to_string() }).collect();
    let padded: Vec<&str> = padded.iter().map(String::as_str).collect();
    numbers(&padded, [2, 2, 4]).then(|| format!("{}-{}-{}", padded[2], padded[1], padded[0]))
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
}

impl GroupNames {
    pub fn new(tree: &GroupTree) -> GroupNames {
        let mut names = GroupNames { by_path: HashMap::new(), by_name: HashMap::new() };
        let Some(root) = tree.root() else { return names };
        for id in tree.subtree(root) {
            let path: Vec<String> = tree.path_to(id).iter().filter_map(|g| tree.get(*g)).map(|n| key(&n.name)).collect();
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
    fn r35_headers_are_read_in_either_language_in_any_order_whatever_the_case_and_accents() {
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
    fn r35_roles_languages_and_dates_are_read_as_people_write_them() {
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
        assert_eq!(date_of("next week"), None);
        assert_eq!(items(" Contractor | |Partner").collect::<Vec<_>>(), ["Contractor", "Partner"]);
    }

    #[test]
    fn r35_groups_are_found_by_path_or_by_a_name_only_one_group_bears() {
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
}
