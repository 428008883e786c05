//! The rows of the long tables (USERS, Invitations) written as HTML rather than with `view!`:
//! Leptos' view of a row cost ~25 µs of the server's time, most of such a page's
//! (docs/performance.md, stops 21 and 22). Every text is escaped (`crate::html`); a phone shows
//! each row as a card, its cells named by `data-label` (style/main.css). The rows hold text, plain
//! links (the router follows them in the page) and buttons whose clicks the table's owner answers
//! with one listener, by their `data-action` and `data-key` (`clicked`).

use crate::html::push_escaped;
use crate::i18n::{Lang, T};
use crate::ui::components::icon_path;

pub struct RowsHtml {
    html: String,
    lang: Lang,
}

impl RowsHtml {
    /// Room for `rows` rows of about `row_bytes` each.
    pub fn new(rows: usize, row_bytes: usize, lang: Lang) -> RowsHtml {
        RowsHtml { html: String::with_capacity(rows * row_bytes), lang }
    }

    /// Markup written as it is: never text that comes from people.
    pub fn markup(&mut self, markup: &'static str) -> &mut Self {
        self.html.push_str(markup);
        self
    }

    pub fn text(&mut self, text: &str) -> &mut Self {
        push_escaped(&mut self.html, text);
        self
    }

    /// Opens a cell of the column `label`, with its `class` if not empty.
    pub fn cell(&mut self, class: &str, label: T) -> &mut Self {
        self.html.push_str("<td");
        if !class.is_empty() {
            self.html.push_str(" class=\"");
            push_escaped(&mut self.html, class);
            self.html.push('"');
        }
        self.html.push_str(" data-label=\"");
        push_escaped(&mut self.html, label.in_lang(self.lang));
        self.html.push_str("\">");
        self
    }

    /// An email or username; an email may break after its `@` (as `Login` does).
    pub fn login(&mut self, login: &str) -> &mut Self {
        match login.split_once('@') {
            Some((local, domain)) => self.text(local).markup("@<wbr>").text(domain),
            None => self.text(login),
        }
    }

    /// A day (`YYYY-MM-DD`).
    pub fn day(&mut self, day: &str) -> &mut Self {
        self.markup("<time datetime=\"").text(day).markup("\">").text(day).markup("</time>")
    }

    /// A `YYYY-MM-DD HH:MM` instant shown as its day, the time in the tooltip: a table beside a
    /// panel's sidebar stays readable.
    pub fn day_of(&mut self, stamp: &str) -> &mut Self {
        let day = stamp.split(' ').next().unwrap_or_default();
        self.markup("<time class=\"nowrap\" datetime=\"").text(day).markup("\" title=\"").text(stamp).markup("\">").text(day).markup("</time>")
    }

    /// An icon button answered by the table's listener (`clicked`): `action` and `key` say what
    /// it does to which row; `label` names it to screen readers and in its tooltip.
    pub fn button(&mut self, class: &'static str, action: &'static str, key: &str, label: &str, icon: &'static str) -> &mut Self {
        self.markup("<button type=\"button\" class=\"").markup(class).markup("\" data-action=\"").markup(action);
        self.markup("\" data-key=\"").text(key).markup("\"");
        self.markup(" aria-label=\"").text(label).markup("\" title=\"").text(label).markup("\">");
        self.markup("<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\" focusable=\"false\"><path d=\"")
            .markup(icon_path(icon))
            .markup("\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\"></path></svg></button>")
    }

    /// A row's checkbox, named `label`, answered by the table's listener by its `data-id`.
    pub fn checkbox(&mut self, id: i64, label: &str) -> &mut Self {
        self.html.push_str(&format!("<input type=\"checkbox\" data-id=\"{id}\" aria-label=\""));
        self.text(label).markup("\">")
    }

    pub fn finish(self) -> String {
        self.html
    }
}

/// The action and key of the row's button a click was on (`RowsHtml::button`), if it was on one.
pub fn clicked(ev: &leptos::ev::MouseEvent) -> Option<(String, String)> {
    use leptos::wasm_bindgen::JsCast;
    let button = ev.target()?.dyn_into::<web_sys::Element>().ok()?.closest("button[data-action]").ok()??;
    Some((button.get_attribute("data-action")?, button.get_attribute("data-key")?))
}
