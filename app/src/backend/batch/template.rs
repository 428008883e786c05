//! The template a file is made from (R35): the columns in the interface's language, the
//! platform's custom fields after them, and one example row; comma-separated in English,
//! semicolon-separated in French (as each language's spreadsheets open them), with a byte-order
//! mark so that Excel reads it as UTF-8.

use crate::backend::{Db, Permit};
use crate::domain::batch::{Column, GroupNames};
use crate::domain::capability::AddUsersSomewhere;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::{Lang, T};

/// The template's text; `fields` are the custom fields' names, `example_group` the path of a group
/// for the example row.
pub fn template(lang: Lang, fields: &[&str], example_group: &str) -> Result<String, AppError> {
    let delimiter = if lang == Lang::Fr { b';' } else { b',' };
    let mut writer = csv::WriterBuilder::new().delimiter(delimiter).terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let headers: Vec<&str> = Column::FIXED.iter().filter_map(|c| c.header()).map(|t| t.in_lang(lang)).chain(fields.iter().copied()).collect();
    let (yes, example_name) = match lang {
        Lang::En => ("yes", ("ada.lovelace@example.com", "Ada", "Lovelace")),
        Lang::Fr => ("oui", ("ada.lovelace@exemple.fr", "Ada", "Lovelace")),
    };
    let example = [example_name.0, example_name.1, example_name.2, example_group, Role::Learner.label().in_lang(lang), lang.code(), "", "", "", yes];
    let example: Vec<&str> = example.into_iter().chain(fields.iter().map(|_| "")).collect();
    let written = writer.write_record(&headers).and_then(|()| writer.write_record(&example));
    written.map_err(|e| AppError::internal(format!("template: {e}")))?;
    let bytes = writer.into_inner().map_err(|e| AppError::internal(format!("template: {e}")))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// The template for this person (R35): in their language, with the platform's custom fields,
/// and for the example row a group where they may add learners (below the platform group if
/// they may).
pub async fn for_person(db: &Db, permit: &Permit<'_, AddUsersSomewhere>) -> Result<String, AppError> {
    let fields: Vec<String> = sqlx::query_scalar("SELECT name FROM custom_fields ORDER BY id").fetch_all(&db.pool).await?;
    let principal = permit.by();
    let choices = crate::backend::users::addable_groups(permit);
    let learners = |g: &&crate::wire::users::AddableGroup| choices.role_sets.get(g.role_set).is_some_and(|roles| roles.contains(&Role::Learner));
    let example = choices.groups.iter().filter(learners).find(|g| g.parent.is_some()).or_else(|| choices.groups.iter().find(learners));
    let example = example.map(|g| GroupNames::new(&principal.tree).shown(g.id)).unwrap_or_default();
    template(principal.lang, &fields.iter().map(String::as_str).collect::<Vec<_>>(), &example)
}

/// The template's file name, in the language.
pub fn file_name(lang: Lang) -> String {
    format!("{}.csv", T::TemplateFileName.in_lang(lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::batch::file::CsvFile;
    use crate::domain::batch::Header;

    #[test]
    fn r35_the_template_reads_back_as_a_file_in_each_language() {
        for lang in Lang::ALL {
            let text = template(lang, &["Employee ID", "Centre; coût"], "Sales/Sales EMEA").unwrap();
            let file = CsvFile::open(text.as_bytes()).unwrap();
            let rows: Vec<Vec<String>> = file.rows().map(|r| r.unwrap().cells).collect();
            assert_eq!(rows.len(), 2, "{lang:?}: the header and one example row");
            let header = Header::read(&rows[0].iter().map(String::as_str).collect::<Vec<_>>(), &[(1, "Employee ID"), (2, "Centre; coût")]);
            assert!(header.unknown.is_empty() && header.columns.iter().all(Option::is_some), "{lang:?}: {header:?}");
            assert_eq!(rows[1][3], "Sales/Sales EMEA");
        }
        assert!(template(Lang::Fr, &[], "Ventes").unwrap().starts_with("\u{feff}E-mail ou nom d'utilisateur;Prénom;Nom;"));
        assert_eq!(file_name(Lang::Fr), "modele-import-utilisateurs.csv");
    }
}
