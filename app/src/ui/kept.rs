//! What a person typed, picked or ticked before the page hydrated is kept (R96).
//!
//! Hydration writes each bound field's signal into the page (`prop:value`, `prop:checked`): a
//! field filled in the server-rendered form while the code was still loading would be wiped, and
//! a choice the page's signals never heard of would be lost on submit. `use:kept` on a bound field,
//! written *before* its `prop:` binding (attributes hydrate in the order they are written), notes
//! what the person changed — the field's state is not the one the page was served with — and,
//! once hydration is over, puts it back and replays it as the `input` and `change` events a person
//! makes, so that the field's own handlers take it in.

use leptos::tachys::renderer::dom::queue_microtask;
use leptos::wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventInit, HtmlInputElement, HtmlOptionElement, HtmlSelectElement, HtmlTextAreaElement};

/// The directive: `<input use:kept prop:value=signal on:input=… />`.
pub fn kept(el: Element) {
    // Only a field served in the page: one the code creates later (built, not hydrated) is not
    // in the document yet, nor are its children (a select's options).
    if !el.is_connected() {
        return;
    }
    let Some(entered) = entered(&el) else { return };
    queue_microtask(move || {
        put_back(&el, &entered);
        for kind in ["input", "change"] {
            let init = EventInit::new();
            init.set_bubbles(true);
            if let Ok(event) = Event::new_with_event_init_dict(kind, &init) {
                let _ = el.dispatch_event(&event);
            }
        }
    });
}

/// What a person changed in a field.
enum Entered {
    Text(String),
    Ticked(bool),
    /// Files chosen: they stay in the field (nothing binds it); only the events are replayed.
    Files,
}

/// The field's state when it differs from the one it was served (or created) with.
fn entered(el: &Element) -> Option<Entered> {
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        return match input.type_().as_str() {
            "file" => (!input.value().is_empty()).then_some(Entered::Files),
            "checkbox" | "radio" => (input.checked() != input.default_checked()).then(|| Entered::Ticked(input.checked())),
            _ => (input.value() != input.default_value()).then(|| Entered::Text(input.value())),
        };
    }
    if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        return (Ok(area.value()) != area.default_value()).then(|| Entered::Text(area.value()));
    }
    let select = el.dyn_ref::<HtmlSelectElement>()?;
    let options = select.options();
    let option = |i| options.item(i).and_then(|o| o.dyn_into::<HtmlOptionElement>().ok());
    // Served selected: the option marked so, else the first one.
    let served = (0..options.length()).find_map(|i| option(i).filter(|o| o.default_selected())).or_else(|| option(0));
    let picked = select.value();
    (served.map(|o| o.value()).as_ref() != Some(&picked)).then_some(Entered::Text(picked))
}

fn put_back(el: &Element, entered: &Entered) {
    match entered {
        Entered::Files => {}
        Entered::Ticked(on) => {
            if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
                input.set_checked(*on);
            }
        }
        Entered::Text(text) => {
            if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
                input.set_value(text);
            } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
                area.set_value(text);
            } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
                select.set_value(text);
            }
        }
    }
}
