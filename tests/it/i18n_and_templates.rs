//! Every locale has every key; every key a template uses exists; user input is escaped.

use std::collections::{BTreeMap, BTreeSet};

fn catalog() -> BTreeMap<String, BTreeMap<String, String>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");
    rust_i18n_support::load_locales(dir, |_| false)
}

#[test]
fn every_locale_has_every_key() {
    let catalog = catalog();
    let locales: Vec<&String> = catalog.keys().collect();
    assert!(
        locales.iter().any(|l| *l == "fr") && locales.iter().any(|l| *l == "en"),
        "{locales:?}"
    );
    let all: BTreeSet<&String> = catalog.values().flat_map(BTreeMap::keys).collect();
    let mut missing = Vec::new();
    for (locale, keys) in &catalog {
        for key in &all {
            match keys.get(*key) {
                None => missing.push(format!("{locale}: {key}")),
                Some(v) if v.trim().is_empty() => missing.push(format!("{locale}: {key} (empty)")),
                Some(_) => {}
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing translations:\n{}",
        missing.join("\n")
    );
}

#[test]
fn placeholders_match_between_locales() {
    let catalog = catalog();
    let re = regex::Regex::new(r"%\{(\w+)\}").unwrap();
    let names = |s: &str| {
        re.captures_iter(s)
            .map(|c| c[1].to_string())
            .collect::<BTreeSet<_>>()
    };
    let (fr, en) = (&catalog["fr"], &catalog["en"]);
    for (key, fr_text) in fr {
        if let Some(en_text) = en.get(key) {
            assert_eq!(
                names(fr_text),
                names(en_text),
                "placeholders differ for {key}"
            );
        }
    }
}

#[test]
fn every_key_used_in_templates_exists() {
    let catalog = catalog();
    let literal = regex::Regex::new(r#"t\(key="([^"]+)""#).unwrap();
    let mut unknown = Vec::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut stack = vec![std::path::PathBuf::from(root)];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for cap in literal.captures_iter(&text) {
                seen += 1;
                let key = &cap[1];
                // Keys built from parts (`"faq." ~ section`) are checked by rendering tests.
                if key.ends_with('.') {
                    continue;
                }
                for locale in ["fr", "en"] {
                    if !catalog[locale].contains_key(key) {
                        unknown.push(format!("{}: {locale}: {key}", path.display()));
                    }
                }
            }
        }
    }
    assert!(seen > 20, "templates were scanned");
    assert!(unknown.is_empty(), "unknown keys:\n{}", unknown.join("\n"));
}

#[test]
fn templates_escape_user_input() {
    let assets = flightclaim::web::assets::AssetStore::load();
    let templates = flightclaim::web::render::Templates::load(assets).unwrap();
    let mut ctx = tera::Context::new();
    ctx.insert("lang", "en");
    ctx.insert(
        "base",
        &serde_json::json!({"locale": "en", "other_locale": "fr", "switch_url": "/?lang=fr", "path": "/",
            "csrf_token": "x", "version": "0", "request_id": "abc"}),
    );
    ctx.insert("code", &400);
    ctx.insert("title", "<script>alert(1)</script>");
    ctx.insert("message", "\"><img src=x onerror=alert(1)>");
    let html = templates.render("pages/error.html", &ctx).unwrap();
    assert!(!html.contains("<script>alert(1)"), "script escaped");
    assert!(html.contains("&lt;script&gt;"));
    assert!(!html.contains("<img src=x"));
}

#[test]
fn every_template_is_loaded() {
    let assets = flightclaim::web::assets::AssetStore::load();
    let templates = flightclaim::web::render::Templates::load(assets).unwrap();
    let names: Vec<&str> = templates.names().collect();
    for needed in ["layouts/base.html", "pages/home.html", "pages/error.html"] {
        assert!(names.contains(&needed), "{needed} in {names:?}");
    }
}
