//! The browser entry point: hydrates the server-rendered page with `app::App` (lazily loading the
//! code of the screens split off by `cargo xtask build`). Nothing else.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
