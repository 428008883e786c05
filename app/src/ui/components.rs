//! Small pieces shared by the pages.

use leptos::prelude::*;

use super::use_lang;

use crate::ui::kept::kept;
use crate::error::AppError;

/// An error where no field is at fault, announced to screen readers. A lost session links to
/// the login page.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let lang = use_lang();
    let relogin = matches!(error, AppError::NotSignedIn | AppError::MustChangePassword);
    view! {
        <p class="notice notice-error" role="alert">
            {error.render(lang)}
            {relogin.then(|| view! { " " <a href="/login">{crate::i18n::T::LogIn.in_lang(lang)}</a> })}
        </p>
    }
}

/// A resource's three states in one place: "Loading…" until it comes, its error (as an
/// `ErrorNotice`), or `ready`'s view of it. Earlier content stays while it reloads.
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, ready: F) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let lang = use_lang();
    view! {
        <Transition fallback=move || view! { <p class="muted">{crate::i18n::T::Loading.in_lang(lang)}</p> }>
            {move || {
                let ready = ready.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => ready(value).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The message for one form field, if the last submission put one there. Its element id is
/// `{field}-error` unless `id` says otherwise: a page with two forms sending the same field
/// names each message apart (element ids are unique on a page).
#[component]
pub fn FieldMessage(#[prop(into)] error: Signal<Option<AppError>>, #[prop(into)] field: String, #[prop(optional, into)] id: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let id = id.unwrap_or_else(|| format!("{field}-error"));
    view! {
        <p class="field-error" id=id role="alert">
            {move || error.get().and_then(|e| e.for_field(&field).map(|m| m.render(lang)))}
        </p>
    }
}

/// How many times the action behind `value` succeeded. Key a page's resource on it to reload the
/// page after a change that worked and not after a refusal, whose form then keeps what was typed
/// beside its message (an action's `version()` counts refusals too).
pub fn successes<O, E>(value: impl With<Value = Option<Result<O, E>>> + 'static) -> ReadSignal<u32> {
    let count = RwSignal::new(0u32);
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(_)))) {
            count.update(|n| *n += 1);
        }
    });
    count.read_only()
}

/// A field for a new password with the rules beside it (R27, R40): `field` names the input and
/// the server's message for it.
#[component]
pub fn NewPasswordField(value: RwSignal<String>, #[prop(into)] error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! { <TextField id=field name=field kind="password" label=crate::i18n::T::NewPassword autocomplete="new-password" value help=crate::domain::password::rules().render(lang) error /> }
}

/// Previous / Page N [of M] / Next, as links; a missing one is shown disabled.
#[component]
pub fn Pagination(page: u32, pages: Option<u32>, previous: Option<String>, next: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let label = move |t: crate::i18n::T| t.in_lang(lang);
    let position = match pages {
        Some(pages) => crate::i18n::Msg::PageOf { page, pages },
        None => crate::i18n::Msg::PageNumber { page },
    };
    view! {
        <nav class="pagination" aria-label=label(crate::i18n::T::Pagination)>
            {match previous {
                Some(href) => view! { <a href=href class="button" rel="prev">{label(crate::i18n::T::Previous)}</a> }.into_any(),
                None => view! { <span class="button" aria-disabled="true">{label(crate::i18n::T::Previous)}</span> }.into_any(),
            }}
            <span>{position.render(lang)}</span>
            {match next {
                Some(href) => view! { <a href=href class="button" rel="next">{label(crate::i18n::T::Next)}</a> }.into_any(),
                None => view! { <span class="button" aria-disabled="true">{label(crate::i18n::T::Next)}</span> }.into_any(),
            }}
        </nav>
    }
}

/// `Pagination` of a list paged by keyset (R84): "Page N of M" while counted; Previous from page
/// 2 leads to the plain first page (what was added since shows there too).
#[component]
pub fn KeysetPagination(
    page: u32,
    total: Option<u64>,
    per_page: u32,
    previous: Option<crate::wire::users::UsersAt>,
    next: Option<crate::wire::users::UsersAt>,
    href: impl Fn(u32, crate::wire::users::UsersAt) -> String,
) -> impl IntoView {
    let pages = total.map(|total| total.div_ceil(u64::from(per_page)).max(1) as u32);
    let previous = previous.map(|at| if page <= 2 { href(1, Default::default()) } else { href(page - 1, at) });
    let next = next.map(|at| href(page + 1, at));
    view! { <Pagination page pages previous next /> }
}

/// The Role(s) section of a form: a checkbox per role that may be granted, into `chosen`.
#[component]
pub fn RoleChoice(roles: Vec<crate::domain::role::Role>, chosen: RwSignal<Vec<crate::domain::role::Role>>, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_lang();
    let help = RwSignal::new(false);
    let explained = roles.clone();
    view! {
        // Named by the legend's words only, not by its `?`.
        <fieldset class="field" aria-labelledby="roles-legend">
            <legend><span id="roles-legend">{crate::i18n::T::Roles.in_lang(lang)}</span><HelpButton open=help about=crate::i18n::T::AboutRoles controls="roles-help" /></legend>
            <HelpText open=help id="roles-help">
                <dl class="help-list">
                    {explained.into_iter().map(|role| view! { <dt>{role.label().in_lang(lang)}</dt><dd>{role.explained().in_lang(lang)}</dd> }).collect_view()}
                </dl>
            </HelpText>
            <div class="checkbox-row">
                {roles.into_iter().map(|role| view! {
                    <label class="checkbox">
                        <input use:kept type="checkbox"
                            prop:checked=move || chosen.with(|c| c.contains(&role))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| { c.retain(|r| *r != role); if on { c.push(role); } });
                            } />
                        {role.label().in_lang(lang)}
                    </label>
                }).collect_view()}
            </div>
            <FieldMessage error field="roles" />
        </fieldset>
    }
}

/// The `?` beside a section's name, where the help article points to further reading: a
/// disclosure button (its name says what it explains) that shows or hides [`HelpText`].
#[component]
pub fn HelpButton(open: RwSignal<bool>, about: crate::i18n::T, controls: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! {
        <button type="button" class="help-button" aria-label=about.in_lang(lang) aria-expanded=move || open.get().to_string() aria-controls=controls
            on:click=move |_| open.update(|o| *o = !*o)>"?"</button>
    }
}

/// The short answer a [`HelpButton`] shows.
#[component]
pub fn HelpText(open: RwSignal<bool>, id: &'static str, children: Children) -> impl IntoView {
    view! { <div class="help-text" id=id hidden=move || !open.get()>{children()}</div> }
}

/// Inline SVG icons (decorative: the control carries the accessible name).
#[component]
pub fn Icon(name: &'static str) -> impl IntoView {
    let path = icon_path(name);
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path d=path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

/// The drawing of an icon: one stroked path on a 24 × 24 grid.
pub fn icon_path(name: &str) -> &'static str {
    match name {
        "plus" => "M12 5v14M5 12h14",
        "lock" => "M7 11V8a5 5 0 0 1 10 0v3M6 11h12v9H6z",
        "globe" => "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18",
        "close" => "M6 6l12 12M18 6L6 18",
        "resend" => "M20 12a8 8 0 1 1-2.34-5.66M20 4v5h-5",
        _ => "",
    }
}

/// `aria-invalid` for the input of `field` while the server's message for it stands (the message
/// itself is the input's description: `{id}-error`, [`FieldMessage`]). A plain closure, not a
/// derived signal: a signal made in a form's field is disposed with it when the form goes, while
/// the attribute may still be read once (a panic in the browser).
pub fn invalid(error: Signal<Option<AppError>>, field: &str) -> impl Fn() -> Option<&'static str> + Clone + Send + Sync + 'static {
    let field: std::sync::Arc<str> = field.into();
    move || error.with(|e| e.as_ref().is_some_and(|e| e.for_field(&field).is_some())).then_some("true")
}

/// A labelled text input with its optional help and the server's message for it: the input's id
/// is `id`, its help's `{id}-help`, its message's `{id}-error` (both named by the input's
/// `aria-describedby`). `field` is the form field the server names (`id` unless said). With
/// `value`, the input is bound to the signal; without, it is a plain input named `name`, for an
/// `ActionForm` (what is typed before hydration stays). `button` sits beside the input; children
/// come after the message. While the server's message for it stands, the input is
/// `aria-invalid`.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    label: crate::i18n::T,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(optional)] field: Option<&'static str>,
    #[prop(optional)] value: Option<RwSignal<String>>,
    #[prop(optional)] name: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autofocus: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional, into)] help: Option<Signal<String>>,
    #[prop(optional)] button: Option<AnyView>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let lang = use_lang();
    let field = field.map(str::to_string).unwrap_or_else(|| id.clone());
    let (help_id, error_id) = (format!("{id}-help"), format!("{id}-error"));
    let described = if help.is_some() { format!("{help_id} {error_id}") } else { error_id.clone() };
    let invalid = invalid(error, &field);
    let input = match value {
        Some(value) => view! {
            <input use:kept id=id.clone() name=name type=kind autocomplete=autocomplete maxlength=maxlength required=required autofocus=autofocus
                disabled=disabled aria-describedby=described aria-invalid=invalid.clone() prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
        }
        .into_any(),
        None => view! {
            <input id=id.clone() name=name type=kind autocomplete=autocomplete maxlength=maxlength required=required autofocus=autofocus
                disabled=disabled aria-describedby=described aria-invalid=invalid />
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{label.in_lang(lang)}</label>
            {match button {
                Some(button) => view! { <div class="input-row">{input}{button}</div> }.into_any(),
                None => input,
            }}
            {help.map(|help| view! { <p class="field-help" id=help_id>{help}</p> })}
            <FieldMessage error field id=error_id />
            {children.map(|children| children())}
        </div>
    }
}

/// A table of rows (`children`: the `<tr>`s) under its column `headers`. On a phone each row
/// becomes a card and each cell shows its column's name: every `<td>` carries it as `data-label`
/// (see style/main.css). Headers also in `unseen` are read by screen readers only (an actions
/// column).
#[component]
pub fn DataTable(
    #[prop(optional)] class: &'static str,
    headers: &'static [crate::i18n::T],
    #[prop(optional)] unseen: &'static [crate::i18n::T],
    /// The headers that sort the table when clicked.
    #[prop(optional)]
    sort: Vec<SortBy>,
    /// The rows, written as HTML by a long list (`crate::html`), in place of `children`.
    #[prop(optional)]
    rows_html: Option<String>,
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-wrap">
            <table class=format!("table {class}")>
                <thead>
                    <tr>
                        {headers.iter().map(|header| if unseen.contains(header) {
                            view! { <th scope="col"><span class="visually-hidden">{header.in_lang(lang)}</span></th> }.into_any()
                        } else if let Some(SortBy { href, now, .. }) = sort.iter().find(|s| s.header == *header).cloned() {
                            let (state, mark) = match now {
                                Some(true) => (Some("descending"), "▼"),
                                Some(false) => (Some("ascending"), "▲"),
                                None => (None, "↕"),
                            };
                            view! {
                                <th scope="col" aria-sort=state>
                                    <a href=href class="sort-link">
                                        {header.in_lang(lang)}<span class="sort-mark" aria-hidden="true">{mark}</span>
                                    </a>
                                </th>
                            }.into_any()
                        } else {
                            view! { <th scope="col">{header.in_lang(lang)}</th> }.into_any()
                        }).collect_view()}
                    </tr>
                </thead>
                {match rows_html {
                    Some(rows) => leptos::either::Either::Left(view! { <tbody inner_html=rows /> }),
                    None => leptos::either::Either::Right(view! { <tbody>{children.map(|rows| rows())}</tbody> }),
                }}
            </table>
        </div>
    }
}

/// A header that sorts its table (R87): where a click leads, and whether the table is sorted by
/// it now (`Some(descending)`).
#[derive(Clone, Debug)]
pub struct SortBy {
    pub header: crate::i18n::T,
    pub href: String,
    pub now: Option<bool>,
}

/// Which time zone the dates and times of the list above are in (R86).
#[component]
pub fn TimesIn(zone: String) -> impl IntoView {
    let lang = use_lang();
    view! { <p class="muted small times-in">{crate::i18n::Msg::TimesIn { zone }.render(lang)}</p> }
}

/// What an empty list says (issue 14): what is not there, then, when the viewer can do something
/// about it, the next step — a sentence, and the link that takes it.
#[component]
pub fn EmptyState(text: crate::i18n::T, #[prop(optional_no_strip)] next: Option<(crate::i18n::T, String, crate::i18n::T)>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="empty-state">
            <p class="empty-state-text">{text.in_lang(lang)}</p>
            {next.map(|(hint, href, label)| view! {
                <p class="muted">{hint.in_lang(lang)}</p>
                <a href=href class="button">{label.in_lang(lang)}</a>
            })}
        </div>
    }
}

/// An email or a username in a table: its line may break after the "@" (and inside a part only
/// when that part is wider than the column), not anywhere in the middle of a word.
#[component]
pub fn Login(login: String) -> impl IntoView {
    match login.split_once('@') {
        Some((local, domain)) => view! { {format!("{local}@")}<wbr />{domain.to_string()} }.into_any(),
        None => login.into_any(),
    }
}

/// A titled part of a page: a `<section>` named by its `<h2>` (id `{id}-title`).
#[component]
pub fn Card(id: &'static str, #[prop(into)] title: String, #[prop(optional)] class: &'static str, children: Children) -> impl IntoView {
    let (labelled_by, title_id) = (format!("{id}-title"), format!("{id}-title"));
    let class = if class.is_empty() { "card".to_string() } else { format!("card {class}") };
    view! {
        <section class=class aria-labelledby=labelled_by>
            <h2 id=title_id>{title}</h2>
            {children()}
        </section>
    }
}
