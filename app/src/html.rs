//! HTML written by hand, where Leptos' views cost too much or do not reach (the emails, the long
//! lists' rows): every text that comes from people goes through `escape`.

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, HTML-escaped (as `escape`).
pub fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped_and_the_rest_is_kept() {
        assert_eq!(escape("<script>alert('x')</script> & \"Zoë\""), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Zoë&quot;");
        assert_eq!(escape("Ada Lovelace"), "Ada Lovelace");
    }
}
