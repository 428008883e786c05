//! `/api/v1/docs`: the OpenAPI document as a page people read — each endpoint with what it
//! does, its parameters, its body and its answers, then each type's fields. Written from the
//! document itself (no script, nothing fetched from elsewhere: these pages must work offline).

use app::html::escape;
use serde_json::Value;

pub fn page(document: &utoipa::openapi::OpenApi) -> String {
    let doc = serde_json::to_value(document).unwrap_or_default();
    let text = |v: &Value| prose(v.as_str().unwrap_or_default());
    let mut out = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Roster REST API</title><style>\
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:#1d2433}\
h2{margin-top:2.5rem;border-bottom:1px solid #d6dae3}code{background:#f1f3f7;padding:0 .25rem;border-radius:3px}\
.op{border:1px solid #d6dae3;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}.verb{display:inline-block;min-width:4.5rem;font-weight:700}\
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d6dae3;padding:.25rem .5rem;text-align:left;vertical-align:top}\
.muted{color:#5a6478}td code{white-space:nowrap}p{overflow-wrap:anywhere}\
@media (max-width:40rem){table,tbody,tr,td{display:block}tr:first-child{display:none}tr{border:1px solid #d6dae3;margin:.5rem 0;padding:.25rem .5rem}td{border:0;padding:.1rem 0}}</style></head><body>",
    );
    out.push_str(&format!("<h1>{}</h1><p>{}</p>", text(&doc["info"]["title"]), text(&doc["info"]["description"])));
    out.push_str("<p>The machine-readable document: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI 3.1). Every path below starts with <code>/api/v1</code>.</p>");
    let tags = doc["tags"].as_array().cloned().unwrap_or_default();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        out.push_str(&format!("<h2 id=\"{0}\">{0}</h2><p>{1}</p>", escape(name), text(&tag["description"])));
        for (path, item) in &paths {
            for (verb, op) in item.as_object().into_iter().flatten() {
                if !op["tags"].as_array().is_some_and(|t| t.iter().any(|t| t.as_str() == Some(name))) {
                    continue;
                }
                operation(&mut out, verb, path, op);
            }
        }
    }
    out.push_str("<h2 id=\"types\">Types</h2>");
    for (name, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
        out.push_str(&format!("<h3 id=\"type-{0}\">{0}</h3>", escape(name)));
        if let Some(description) = schema["description"].as_str() {
            out.push_str(&format!("<p>{}</p>", prose(description)));
        }
        if schema["enum"].is_array() {
            out.push_str(&format!("<p>{}</p>", type_of(schema)));
        }
        if let Some(properties) = schema["properties"].as_object() {
            let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            out.push_str("<table><tr><th>field</th><th>type</th><th>about it</th></tr>");
            for (field, property) in properties {
                let needed = if required.contains(&field.as_str()) { "" } else { " <span class=\"muted\">(optional)</span>" };
                out.push_str(&format!("<tr><td><code>{}</code>{needed}</td><td>{}</td><td>{}</td></tr>", escape(field), type_of(property), text(&property["description"])));
            }
            out.push_str("</table>");
        }
    }
    out.push_str("</body></html>");
    out
}

fn operation(out: &mut String, verb: &str, path: &str, op: &Value) {
    out.push_str(&format!("<div class=\"op\"><p><span class=\"verb\">{}</span><code>{}</code></p>", escape(&verb.to_uppercase()), escape(path)));
    let about = [&op["summary"], &op["description"]].iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(" ");
    out.push_str(&format!("<p>{}</p>", prose(&about)));
    if let Some(parameters) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        out.push_str("<table><tr><th>parameter</th><th>in</th><th>type</th><th>about it</th></tr>");
        for p in parameters {
            out.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(p["name"].as_str().unwrap_or_default()),
                escape(p["in"].as_str().unwrap_or_default()),
                type_of(&p["schema"]),
                prose(p["description"].as_str().or(p["schema"]["description"].as_str()).unwrap_or_default())
            ));
        }
        out.push_str("</table>");
    }
    if let Some((media, body)) = op["requestBody"]["content"].as_object().and_then(|c| c.iter().next()) {
        out.push_str(&format!("<p>Body (<code>{}</code>): {}</p>", escape(media), type_of(&body["schema"])));
    }
    let answers: Vec<String> = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let body = response["content"].as_object().and_then(|c| c.values().next()).map(|c| format!(" {}", type_of(&c["schema"]))).unwrap_or_default();
            format!("<code>{}</code>{body}", escape(status))
        })
        .collect();
    out.push_str(&format!("<p class=\"muted\">Answers: {}</p></div>", answers.join(", ")));
}

/// Text of the document, escaped, its `code` spans shown as code.
fn prose(text: &str) -> String {
    escape(text).split('`').enumerate().map(|(i, part)| if i % 2 == 1 { format!("<code>{part}</code>") } else { part.to_string() }).collect()
}

/// A schema's type in a few words, linking to the named types.
fn type_of(schema: &Value) -> String {
    if let Some(values) = schema["enum"].as_array() {
        return format!("one of {}", values.iter().map(|v| format!("<code>{}</code>", escape(v.as_str().unwrap_or_default()))).collect::<Vec<_>>().join(" "));
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return format!("<a href=\"#type-{0}\">{0}</a>", escape(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema[key].as_array() {
            return options.iter().map(type_of).filter(|t| t != "null").collect::<Vec<_>>().join(" or ");
        }
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).filter(|k| *k != "null").collect::<Vec<_>>().join(" or "),
        Value::String(kind) => kind.clone(),
        _ => String::new(),
    };
    match kind.as_str() {
        "array" => format!("list of {}", type_of(&schema["items"])),
        "" => "any".to_string(),
        _ => match schema["format"].as_str() {
            Some(format) => format!("{} ({})", escape(&kind), escape(format)),
            None => escape(&kind),
        },
    }
}
