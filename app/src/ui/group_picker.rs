//! The Group(s) section of the Set up a user form and its group-selection modal (R25): the
//! groups the administrator may add users to, as a tree, filtered by name as one types (a match
//! is shown with its ancestors), several selectable; CONFIRM fills the section with removable
//! chips. Keyboard: arrows move between groups (right/left open and close a branch), space
//! ticks, enter confirms, escape closes; closed, it gives the focus back to its `+`. The groups
//! load when the modal first opens, and at most `ROWS_SHOWN` rows are drawn at a time, so 10,000
//! groups stay quick.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use crate::ui::kept::kept;
use crate::api::users::addable_groups;
use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::{Msg, T};
use crate::ui::components::{ErrorNotice, FieldMessage, HelpButton, HelpText, Icon};
use crate::ui::use_lang;
use crate::wire::users::{AddableGroup, GroupChoices};

const ROWS_SHOWN: usize = 200;

/// A group in the Group(s) section, with the roles the administrator may grant there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChosenGroup {
    pub id: GroupId,
    pub name: String,
    /// From the top group down to this one, for the chip's tooltip.
    pub path: String,
    pub roles: Vec<Role>,
}

/// The roles that may be granted in every chosen group: the Role(s) section offers these.
pub fn common_roles(groups: &[ChosenGroup]) -> Vec<Role> {
    Role::ALL.into_iter().filter(|role| !groups.is_empty() && groups.iter().all(|g| g.roles.contains(role))).collect()
}

/// The addable groups, indexed for the tree.
struct Index {
    groups: Vec<AddableGroup>,
    role_sets: Vec<Vec<Role>>,
    /// Lower-cased names, for the filter.
    keys: Vec<String>,
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    tops: Vec<usize>,
}

impl Index {
    fn new(GroupChoices { groups, role_sets }: GroupChoices) -> Index {
        let position: std::collections::HashMap<GroupId, usize> = groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
        let parent: Vec<Option<usize>> = groups.iter().map(|g| g.parent.and_then(|p| position.get(&p).copied())).collect();
        let mut children = vec![Vec::new(); groups.len()];
        let mut tops = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p {
                Some(p) => children[*p].push(i),
                None => tops.push(i),
            }
        }
        let keys = groups.iter().map(|g| g.name.to_lowercase()).collect();
        let mut index = Index { groups, role_sets, keys, parent, children, tops };
        let by_name = |list: &mut Vec<usize>, keys: &[String]| list.sort_by(|a, b| keys[*a].cmp(&keys[*b]));
        for list in index.children.iter_mut() {
            by_name(list, &index.keys);
        }
        by_name(&mut index.tops, &index.keys);
        index
    }

    fn path(&self, i: usize) -> String {
        let mut names = vec![self.groups[i].name.as_str()];
        let mut at = self.parent[i];
        while let Some(p) = at {
            names.push(&self.groups[p].name);
            at = self.parent[p];
        }
        names.reverse();
        names.join(" › ")
    }

    fn chosen(&self, i: usize) -> ChosenGroup {
        let g = &self.groups[i];
        ChosenGroup { id: g.id, name: g.name.clone(), path: self.path(i), roles: self.role_sets.get(g.role_set).cloned().unwrap_or_default() }
    }

    /// The rows to draw: without a filter, the open branches; with one, every match with its
    /// ancestors, all open. At most `ROWS_SHOWN`; the second value says whether more exist.
    fn rows(&self, filter: &str, open: &HashSet<usize>) -> (Vec<Row>, bool) {
        let filter = filter.trim().to_lowercase();
        let shown: Option<HashSet<usize>> = (!filter.is_empty()).then(|| {
            let mut shown = HashSet::new();
            for (i, key) in self.keys.iter().enumerate() {
                if key.contains(&filter) {
                    let mut at = Some(i);
                    while let Some(g) = at {
                        if !shown.insert(g) {
                            break;
                        }
                        at = self.parent[g];
                    }
                }
            }
            shown
        });
        let mut rows = Vec::new();
        let mut stack: Vec<(usize, usize)> = self.tops.iter().rev().map(|&i| (i, 0)).collect();
        while let Some((i, depth)) = stack.pop() {
            if shown.as_ref().is_some_and(|s| !s.contains(&i)) {
                continue;
            }
            if rows.len() == ROWS_SHOWN {
                return (rows, true);
            }
            let is_open = shown.is_some() || open.contains(&i);
            rows.push(Row { index: i, depth, has_children: !self.children[i].is_empty(), is_open });
            if is_open {
                stack.extend(self.children[i].iter().rev().map(|&c| (c, depth + 1)));
            }
        }
        (rows, false)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Row {
    index: usize,
    depth: usize,
    has_children: bool,
    is_open: bool,
}

/// The Group(s) section: chips of the chosen groups and the + that opens the modal. `single`:
/// one group only (ticking one unticks the other), and the modal opens at once — the question
/// the page cannot go on without.
#[component]
pub fn GroupChoice(chosen: RwSignal<Vec<ChosenGroup>>, #[prop(into)] error: Signal<Option<AppError>>, #[prop(optional)] single: bool) -> impl IntoView {
    let lang = use_lang();
    let is_open = RwSignal::new(false);
    let plus = NodeRef::<leptos::html::Button>::new();
    // Closed by CONFIRM, Cancel or Escape, the modal gives the focus back to the `+` that opened
    // it, once it has left the page (removed, it would leave the focus nowhere).
    let close = move || {
        is_open.set(false);
        request_animation_frame(move || {
            if let Some(plus) = plus.get_untracked() {
                let _ = plus.focus();
            }
        });
    };
    let index = RwSignal::new(None::<Arc<Index>>);
    let load_error = RwSignal::new(None::<AppError>);
    let help = RwSignal::new(false);
    let open = move || {
        is_open.set(true);
        if index.get_untracked().is_none() {
            leptos::task::spawn_local(async move {
                // The page may be gone by the answer: `try_set` then does nothing.
                match addable_groups().await {
                    Ok(groups) => {
                        index.try_set(Some(Arc::new(Index::new(groups))));
                    }
                    Err(error) => {
                        load_error.try_set(Some(error));
                    }
                }
            });
        }
    };
    if single {
        Effect::new(move || open());
    }
    view! {
        <fieldset class="field" aria-labelledby="groups-legend">
            <legend>
                <span id="groups-legend">{if single { T::GroupSection } else { T::GroupsSection }.in_lang(lang)}</span>
                <HelpButton open=help about=T::AboutGroups controls="groups-help" />
            </legend>
            <HelpText open=help id="groups-help"><p>{T::GroupsHelp.in_lang(lang)}</p></HelpText>
            <div class="chip-row">
                <ul class="role-list" aria-label=T::ChosenGroups.in_lang(lang)>
                    {move || chosen.get().into_iter().map(|group| {
                        let id = group.id;
                        let remove = format!("{} {}", T::Remove.in_lang(lang), group.name);
                        view! {
                            <li class="role-chip" title=group.path>
                                {group.name}
                                <button type="button" class="chip-remove" aria-label=remove
                                    on:click=move |_| chosen.update(|c| c.retain(|g| g.id != id))><Icon name="close" /></button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <button type="button" class="icon-button" node_ref=plus aria-label=T::SelectGroups.in_lang(lang) aria-haspopup="dialog" on:click=move |_| open()>
                    <Icon name="plus" />
                </button>
            </div>
            <FieldMessage error field="groups" />
        </fieldset>
        <Show when=move || is_open.get()>
            <GroupModal chosen index load_error single close />
        </Show>
    }
}

#[component]
fn GroupModal(
    chosen: RwSignal<Vec<ChosenGroup>>,
    index: RwSignal<Option<Arc<Index>>>,
    load_error: RwSignal<Option<AppError>>,
    single: bool,
    close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let tree = NodeRef::<leptos::html::Ul>::new();
    let filter = RwSignal::new(String::new());
    let ticked = RwSignal::new(chosen.get_untracked().into_iter().map(|g| g.id).collect::<HashSet<GroupId>>());
    // The top groups start open, so the first level below them shows.
    let open = RwSignal::new(HashSet::<usize>::new());
    Effect::new(move || {
        if let Some(index) = index.get() {
            open.update(|o| o.extend(index.tops.iter().copied()));
        }
    });
    Effect::new(move || {
        if let Some(dialog) = dialog.get() {
            let _ = dialog.show_modal();
        }
    });
    let rows = Memo::new(move |_| index.with(|i| i.as_ref().map(|i| open.with(|o| filter.with(|f| i.rows(f, o))))));
    let confirm = {
        let close = close.clone();
        move || {
            if let Some(index) = index.get_untracked() {
                let picked = ticked.get_untracked();
                // Keep the order of the section, then add the new ones in tree order.
                chosen.update(|c| {
                    c.retain(|g| picked.contains(&g.id));
                    let have: HashSet<GroupId> = c.iter().map(|g| g.id).collect();
                    c.extend((0..index.groups.len()).filter(|&i| picked.contains(&index.groups[i].id) && !have.contains(&index.groups[i].id)).map(|i| index.chosen(i)));
                });
            }
            close();
        }
    };
    let on_keydown = {
        let (confirm, close) = (confirm.clone(), close.clone());
        move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                confirm();
            }
            // At once, even from a search with text in it (which the browser would only clear).
            "Escape" => {
                ev.prevent_default();
                close();
            }
            "ArrowDown" | "ArrowUp" => {
                ev.prevent_default();
                move_focus(tree, if ev.key() == "ArrowDown" { 1 } else { -1 });
            }
            "ArrowRight" | "ArrowLeft" => {
                if let Some(i) = focused_row(tree) {
                    ev.prevent_default();
                    let expand = ev.key() == "ArrowRight";
                    open.update(|o| {
                        if expand {
                            o.insert(i);
                        } else {
                            o.remove(&i);
                        }
                    });
                }
            }
            _ => {}
        }
    };
    let cancel = close.clone();
    view! {
        <dialog node_ref=dialog class="modal" aria-labelledby="group-modal-title"
            on:cancel=move |ev: leptos::ev::Event| { ev.prevent_default(); cancel(); } on:keydown=on_keydown>
            <header class="modal-header">
                <h2 id="group-modal-title">{if single { T::SelectGroupTitle } else { T::SelectGroupsTitle }.in_lang(lang)}</h2>
                <button type="button" class="icon-button" aria-label=T::Close.in_lang(lang) on:click={ let close = close.clone(); move |_| close() }>
                    <Icon name="close" />
                </button>
            </header>
            <label class="visually-hidden" for="group-filter">{T::SearchGroups.in_lang(lang)}</label>
            <input use:kept id="group-filter" type="search" autocomplete="off" placeholder=T::SearchGroups.in_lang(lang) autofocus
                prop:value=filter on:input=move |ev| filter.set(event_target_value(&ev)) />
            <div class="modal-body">
                {move || load_error.get().map(|error| view! { <ErrorNotice error /> })}
                {move || match rows.get() {
                    None if load_error.with(Option::is_none) => Some(view! { <p class="muted">{T::Loading.in_lang(lang)}</p> }.into_any()),
                    None => None,
                    Some((rows, _)) if rows.is_empty() => Some(view! { <p class="muted">{T::NoGroupsMatch.in_lang(lang)}</p> }.into_any()),
                    Some((rows, more)) => {
                        let index = index.get_untracked()?;
                        Some(view! {
                            <ul class="group-tree" node_ref=tree aria-label=T::Groups.in_lang(lang)>
                                {rows.into_iter().map(|row| group_row(&index, row, ticked, open, single)).collect_view()}
                            </ul>
                            {more.then(|| view! { <p class="muted small">{Msg::FirstGroupsShown { shown: ROWS_SHOWN }.render(lang)}</p> })}
                        }.into_any())
                    }
                }}
            </div>
            <footer class="modal-footer">
                <span class="muted small" aria-live="polite">{move || Msg::GroupsTicked { count: ticked.with(HashSet::len) }.render(lang)}</span>
                <button type="button" class="button" on:click={ let close = close.clone(); move |_| close() }>{T::Cancel.in_lang(lang)}</button>
                <button type="button" class="button button-primary" on:click=move |_| confirm()>{T::Confirm.in_lang(lang)}</button>
            </footer>
        </dialog>
    }
}

fn group_row(index: &Index, row: Row, ticked: RwSignal<HashSet<GroupId>>, open: RwSignal<HashSet<usize>>, single: bool) -> impl IntoView {
    let id = index.groups[row.index].id;
    let name = index.groups[row.index].name.clone();
    let i = row.index;
    let toggle = row.has_children.then(|| {
        let label = if row.is_open { "▾" } else { "▸" };
        view! {
            <button type="button" class="tree-toggle" tabindex="-1" aria-hidden="true"
                on:click=move |_| open.update(|o| if !o.remove(&i) { o.insert(i); })>{label}</button>
        }
    });
    view! {
        <li class="group-row" style:padding-left=format!("{}rem", row.depth as f32 * 1.25)>
            <span class="tree-toggle-slot">{toggle}</span>
            <label class="checkbox">
                <input use:kept type="checkbox" data-row=i.to_string() aria-expanded=row.has_children.then(|| row.is_open.to_string())
                    prop:checked=move || ticked.with(|t| t.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ticked.update(|t| {
                            if single {
                                t.clear();
                            }
                            if on { t.insert(id); } else { t.remove(&id); }
                        });
                    } />
                {name}
            </label>
        </li>
    }
}

/// The checkboxes of the tree, in order.
fn boxes(tree: NodeRef<leptos::html::Ul>) -> Vec<web_sys::HtmlElement> {
    let Some(tree) = tree.get_untracked() else { return Vec::new() };
    let Ok(list) = tree.query_selector_all("input[type=checkbox]") else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect()
}

fn focused_row(tree: NodeRef<leptos::html::Ul>) -> Option<usize> {
    let active = document().active_element()?;
    tree.get_untracked()?.contains(Some(&active)).then_some(())?;
    active.get_attribute("data-row")?.parse().ok()
}

/// Moves the focus `step` checkboxes down (or up); from the filter field, down enters the tree.
fn move_focus(tree: NodeRef<leptos::html::Ul>, step: isize) {
    let boxes = boxes(tree);
    let active = document().active_element();
    let at = boxes.iter().position(|b| active.as_ref().is_some_and(|a| a == b.unchecked_ref::<web_sys::Element>()));
    let next = match at {
        Some(at) => at.checked_add_signed(step).filter(|&n| n < boxes.len()),
        None if step > 0 => (!boxes.is_empty()).then_some(0),
        None => None,
    };
    if let Some(next) = next {
        let _ = boxes[next].focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(id: GroupId, parent: Option<GroupId>, name: &str) -> AddableGroup {
        AddableGroup { id, parent, name: name.into(), role_set: 0 }
    }

    fn index(groups: Vec<AddableGroup>) -> Index {
        Index::new(GroupChoices { role_sets: vec![vec![Role::Learner]], groups })
    }

    fn names(index: &Index, rows: &[Row]) -> Vec<String> {
        rows.iter().map(|r| format!("{}{}", "  ".repeat(r.depth), index.groups[r.index].name)).collect()
    }

    fn sample() -> Index {
        index(vec![
            group(1, None, "Northwind"),
            group(2, Some(1), "Sales"),
            group(3, Some(2), "Sales EMEA"),
            group(4, Some(3), "Paris office"),
            group(5, Some(1), "Engineering"),
        ])
    }

    #[test]
    fn r25_the_tree_shows_open_branches_in_name_order() {
        let index = sample();
        let open: HashSet<usize> = [0].into();
        assert_eq!(names(&index, &index.rows("", &open).0), ["Northwind", "  Engineering", "  Sales"]);
    }

    #[test]
    fn r25_a_filter_shows_each_match_with_its_ancestors() {
        let index = sample();
        let (rows, more) = index.rows(" PARIS ", &HashSet::new());
        assert_eq!(names(&index, &rows), ["Northwind", "  Sales", "    Sales EMEA", "      Paris office"]);
        assert!(!more);
        assert!(index.rows("nothing", &HashSet::new()).0.is_empty());
        assert_eq!(index.path(3), "Northwind › Sales › Sales EMEA › Paris office");
    }

    #[test]
    fn at_most_rows_shown_are_drawn() {
        let mut groups = vec![group(1, None, "Root")];
        groups.extend((2..10_002).map(|i| group(i, Some(1), &format!("Team {i}"))));
        let index = index(groups);
        let (rows, more) = index.rows("team", &HashSet::new());
        assert_eq!((rows.len(), more), (ROWS_SHOWN, true));
    }

    #[test]
    fn the_roles_offered_are_those_of_every_chosen_group() {
        let chosen = |roles: Vec<Role>| ChosenGroup { id: 1, name: String::new(), path: String::new(), roles };
        assert_eq!(common_roles(&[chosen(vec![Role::Learner, Role::Coach]), chosen(vec![Role::Learner])]), [Role::Learner]);
        assert!(common_roles(&[]).is_empty());
    }
}
