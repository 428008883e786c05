//! Dashboard > API TOKENS, for platform administrators (R90, issue 15): the tokens identity
//! providers and scripts call Roster with — a new one (its secret shown once), the list with
//! where each stands, Revoke.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::kept::kept;
use crate::api::tokens::{api_token_groups, list_api_tokens, CreateApiToken, RevokeApiToken};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::T;
use crate::ui::components::{invalid, Card, DataTable, EmptyState, ErrorNotice, FieldMessage, Loaded, TextField, TimesIn};
use crate::ui::navigation::DashboardTabs;
use crate::ui::use_lang;
use crate::wire::tokens::{ApiTokenList, ApiTokenRow, NewApiToken, ScimCreates, TokenScope, TokenStatus, PER_MINUTE_MAX};

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let groups = Resource::new(|| (), |_| api_token_groups());
    let tokens = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_api_tokens());
    view! {
        <Title text=format!("{} · {}", T::ApiTokens.in_lang(lang), T::Dashboard.in_lang(lang)) />
        <header class="page-header"><h1>{T::Dashboard.in_lang(lang)}</h1></header>
        <DashboardTabs />
        <p class="muted">{T::ApiTokensExplained.in_lang(lang)}</p>
        <Loaded resource=groups ready=move |groups| view! { <NewTokenForm create groups /> } />
        <Loaded resource=tokens ready=move |list: ApiTokenList| view! { <TokenList list revoke /> } />
    }
}

/// The form; once a token is made, its secret in place of the form's footer, to copy.
#[component]
fn NewTokenForm(create: ServerAction<CreateApiToken>, groups: Vec<(i64, String)>) -> impl IntoView {
    let lang = use_lang();
    let form = RwSignal::new(NewApiToken { expires_in_days: Some(365), ..NewApiToken::default() });
    let name = RwSignal::new(String::new());
    let error: Signal<Option<AppError>> = Signal::derive(move || create.value().get().and_then(Result::err));
    let created = move || create.value().get().and_then(Result::ok);
    let per_minute_invalid = invalid(error, "per_minute");
    let select = |ev: leptos::ev::Event| event_target_value(&ev);
    view! {
        <Card id="new-token" title=T::NewApiToken.in_lang(lang)>
            <form class="form form-narrow" novalidate on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(CreateApiToken { form: NewApiToken { name: name.get_untracked(), ..form.get_untracked() } });
            }>
                <TextField id="token-name" field="name" label=T::TokenName error value=name maxlength=100 required=true
                    help=Signal::derive(move || T::TokenNameHelp.in_lang(lang).to_string()) />
                <div class="field">
                    <label for="token-scope">{T::TokenScope.in_lang(lang)}</label>
                    <select use:kept id="token-scope" on:change=move |ev| form.update(|f| f.scope = TokenScope::parse(&select(ev)).unwrap_or_default())>
                        {TokenScope::ALL.into_iter().map(|scope| view! {
                            <option value=scope.code() selected=move || form.with(|f| f.scope == scope)>{scope_label(scope).in_lang(lang)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="token-group">{T::TokenGroup.in_lang(lang)}</label>
                    <select use:kept id="token-group" aria-describedby="token-group-help token-group-error"
                        on:change=move |ev| form.update(|f| f.group = select(ev).parse().ok())>
                        <option value="">{T::TokenWholePlatform.in_lang(lang)}</option>
                        {groups.into_iter().map(|(id, path)| view! { <option value=id.to_string()>{path}</option> }).collect_view()}
                    </select>
                    <p class="field-help" id="token-group-help">{T::TokenGroupHelp.in_lang(lang)}</p>
                    <FieldMessage error field="group" id="token-group-error" />
                </div>
                <div class="field-pair">
                    <div class="field">
                        <label for="token-expires">{T::TokenExpires.in_lang(lang)}</label>
                        <select use:kept id="token-expires" on:change=move |ev| form.update(|f| f.expires_in_days = select(ev).parse().ok())>
                            {[(Some(30), T::TokenIn30Days), (Some(90), T::TokenIn90Days), (Some(180), T::TokenIn180Days), (Some(365), T::TokenIn365Days), (None, T::TokenNeverExpires)]
                                .into_iter()
                                .map(|(days, label)| view! {
                                    <option value=days.map(|d: i64| d.to_string()).unwrap_or_default() selected=move || form.with(|f| f.expires_in_days == days)>{label.in_lang(lang)}</option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="token-per-minute">{T::TokenPerMinute.in_lang(lang)}</label>
                        <input use:kept id="token-per-minute" type="number" min="1" max=PER_MINUTE_MAX inputmode="numeric"
                            aria-describedby="token-per-minute-help token-per-minute-error" aria-invalid=per_minute_invalid
                            prop:value=move || form.with(|f| f.per_minute.to_string())
                            on:input=move |ev| form.update(|f| f.per_minute = event_target_value(&ev).trim().parse().unwrap_or(0)) />
                        <p class="field-help" id="token-per-minute-help">{T::TokenPerMinuteHelp.in_lang(lang)}</p>
                        <FieldMessage error field="per_minute" id="token-per-minute-error" />
                    </div>
                </div>
                // What SCIM makes of new users and of a group's members.
                <Show when=move || form.with(|f| f.scope == TokenScope::Scim)>
                    <div class="field-pair">
                        <div class="field">
                            <label for="token-scim-creates">{T::TokenScimCreates.in_lang(lang)}</label>
                            <select use:kept id="token-scim-creates" on:change=move |ev| form.update(|f| f.scim_creates = ScimCreates::parse(&select(ev)).unwrap_or_default())>
                                {[(ScimCreates::SetUp, T::TokenScimSetUp), (ScimCreates::Invite, T::TokenScimInvite)].into_iter().map(|(creates, label)| view! {
                                    <option value=creates.code() selected=move || form.with(|f| f.scim_creates == creates)>{label.in_lang(lang)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="token-scim-role">{T::TokenScimRole.in_lang(lang)}</label>
                            <select use:kept id="token-scim-role" on:change=move |ev| form.update(|f| f.scim_role = Role::parse(&select(ev)).unwrap_or(Role::Learner))>
                                {Role::ALL.into_iter().map(|role| view! {
                                    <option value=role.as_str() selected=move || form.with(|f| f.scim_role == role)>{role.label().in_lang(lang)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    </div>
                </Show>
                {move || error.get().filter(|e| e.general().is_some()).map(|error| view! { <ErrorNotice error /> })}
                <div><button type="submit" class="button button-primary" disabled=move || create.pending().get()>{T::CreateToken.in_lang(lang)}</button></div>
            </form>
            {move || created().map(|token| view! {
                <div class="notice token-created" role="status">
                    <p><strong>{token.name}</strong>" — "{T::TokenCreated.in_lang(lang)}</p>
                    <label for="token-secret" class="visually-hidden">{T::TokenSecret.in_lang(lang)}</label>
                    <input id="token-secret" class="token-secret" type="text" readonly spellcheck="false" autocomplete="off" prop:value=token.secret
                        on:focus=move |ev| { event_target::<leptos::web_sys::HtmlInputElement>(&ev).select(); } />
                </div>
            })}
        </Card>
    }
}

#[component]
fn TokenList(list: ApiTokenList, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let lang = use_lang();
    let outcome = move || {
        revoke.value().get().map(|result| match result {
            Ok(()) => view! { <p class="notice" role="status">{T::TokenRevoked.in_lang(lang)}</p> }.into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })
    };
    view! {
        <Card id="tokens" title=T::ApiTokens.in_lang(lang)>
            {outcome}
            {if list.rows.is_empty() {
                view! { <EmptyState text=T::NoApiTokens /> }.into_any()
            } else {
                view! {
                    <DataTable class="table-wrapping table-tokens" headers=&[T::Name, T::TokenScope, T::TokenGroup, T::TokenCreatedBy, T::TokenExpires, T::TokenLastUsed, T::Status, T::Actions] unseen=&[T::Actions]>
                        {list.rows.into_iter().map(|row| view! { <TokenRow row revoke /> }).collect_view()}
                    </DataTable>
                    <TimesIn zone=list.time_zone />
                }.into_any()
            }}
        </Card>
    }
}

#[component]
fn TokenRow(row: ApiTokenRow, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let lang = use_lang();
    let id = row.id;
    let (status, class) = match row.status {
        TokenStatus::Active => (T::TokenStatusActive, "status status-active"),
        TokenStatus::Expired => (T::TokenStatusExpired, "status status-expired"),
        TokenStatus::Revoked => (T::TokenStatusRevoked, "status status-expired"),
        TokenStatus::Stopped => (T::TokenStatusStopped, "status status-expired"),
    };
    let scim = (row.scope == TokenScope::Scim).then(|| {
        let creates = match row.scim_creates {
            ScimCreates::SetUp => T::TokenScimSetUp,
            ScimCreates::Invite => T::TokenScimInvite,
        };
        view! { <br /><span class="muted small">{creates.in_lang(lang)}" · "{row.scim_role.label().in_lang(lang)}</span> }
    });
    let revoke_label = format!("{} — {}", T::TokenRevoke.in_lang(lang), row.name);
    let live = matches!(row.status, TokenStatus::Active | TokenStatus::Stopped);
    view! {
        <tr>
            <td data-label=T::Name.in_lang(lang)><strong>{row.name.clone()}</strong></td>
            <td data-label=T::TokenScope.in_lang(lang)>{scope_label(row.scope).in_lang(lang)}{scim}<br /><span class="muted small">{row.per_minute}" / min"</span></td>
            <td data-label=T::TokenGroup.in_lang(lang)>{row.group.unwrap_or_else(|| T::TokenWholePlatform.in_lang(lang).to_string())}</td>
            <td data-label=T::TokenCreatedBy.in_lang(lang)>{row.created_by}<br /><span class="muted small">{row.created_at}</span></td>
            <td data-label=T::TokenExpires.in_lang(lang)>{row.expires_at.unwrap_or_else(|| T::TokenNeverExpires.in_lang(lang).to_string())}</td>
            <td data-label=T::TokenLastUsed.in_lang(lang)>{row.last_used_at.unwrap_or_else(|| T::TokenNeverUsed.in_lang(lang).to_string())}</td>
            <td data-label=T::Status.in_lang(lang)><span class=class>{status.in_lang(lang)}</span></td>
            <td data-label=T::Actions.in_lang(lang)>
                {live.then(|| view! {
                    <button type="button" class="button button-quiet button-danger-text" aria-label=revoke_label
                        on:click=move |_| {
                            if window().confirm_with_message(T::ConfirmRevokeToken.in_lang(lang)).unwrap_or(false) {
                                revoke.dispatch(RevokeApiToken { id });
                            }
                        }>{T::TokenRevoke.in_lang(lang)}</button>
                })}
            </td>
        </tr>
    }
}

fn scope_label(scope: TokenScope) -> T {
    match scope {
        TokenScope::Scim => T::TokenScopeScim,
        TokenScope::Read => T::TokenScopeRead,
        TokenScope::Write => T::TokenScopeWrite,
    }
}
