//! The message files: the same keys in both languages, every key renders, and every key the
//! code and the templates name exists.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

use allegro_backup::{domain::Lang, i18n};

fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The message ids defined in `locales/<lang>/*.ftl`, with the file each is in.
pub fn keys_of(lang: Lang) -> BTreeMap<String, PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang.code());
    let mut keys = BTreeMap::new();
    for file in files_under(&dir, "ftl") {
        for line in fs::read_to_string(&file).unwrap().lines() {
            let Some((id, _)) = line.split_once(" =") else {
                continue;
            };
            if !id.is_empty()
                && id.starts_with(|c: char| c.is_ascii_alphabetic())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                let previous = keys.insert(id.to_owned(), file.clone());
                assert!(previous.is_none(), "{id} is defined twice in {lang}");
            }
        }
    }
    keys
}

#[test]
fn both_languages_have_the_same_keys() {
    let pl: BTreeSet<_> = keys_of(Lang::Pl).into_keys().collect();
    let en: BTreeSet<_> = keys_of(Lang::En).into_keys().collect();
    assert!(pl.len() > 100, "the message files were not found");
    let only_pl: Vec<_> = pl.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&pl).collect();
    assert!(
        only_pl.is_empty() && only_en.is_empty(),
        "keys only in Polish: {only_pl:?}; keys only in English: {only_en:?}"
    );
}

/// The `$variables` a message's text names.
fn variables_of(file: &Path, key: &str) -> Vec<String> {
    let text = fs::read_to_string(file).unwrap();
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{key} =")));
    let first = lines.next().unwrap_or_default().to_owned();
    let body: Vec<String> = std::iter::once(first)
        .chain(
            lines
                .take_while(|l| l.starts_with(' ') || l.is_empty())
                .map(str::to_owned),
        )
        .collect();
    let body = body.join("\n");
    let mut names: Vec<String> = body
        .split('$')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_message_is_written_in_its_own_language_without_an_error() {
    for lang in Lang::ALL {
        for (key, file) in keys_of(lang) {
            assert!(i18n::has_key(lang, &key), "{key} does not load in {lang}");
            // Every argument a message names is given (as a number, which every message must
            // be able to show), so Fluent has nothing to complain about.
            let args: Vec<(String, i64)> = variables_of(&file, &key)
                .into_iter()
                .map(|name| (name, 2))
                .collect();
            let text = i18n::render_strictly(lang, &key, &args)
                .unwrap_or_else(|e| panic!("{key} in {lang}: {e}"));
            assert!(!text.trim().is_empty(), "{key} is empty in {lang}");
        }
    }
}

/// `"key"` literals the code passes to the translation calls, and the keys templates name.
fn keys_named_in_code() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let calls = [
        ".t(\"",
        ".msg(\"",
        "translate(lang, \"",
        "Message::new(lang, \"",
        "=> \"",
    ];
    let known_prefixes: BTreeSet<String> = keys_of(Lang::En)
        .into_keys()
        .filter_map(|k| k.split_once('-').map(|(p, _)| p.to_owned()))
        .collect();
    let mut named = BTreeSet::new();
    let sources = files_under(&root.join("src"), "rs")
        .into_iter()
        .chain(files_under(&root.join("templates"), "html"));
    for file in sources {
        let text = fs::read_to_string(&file).unwrap();
        for call in calls {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                let Some(end) = rest.find('"') else { continue };
                let key = &rest[..end];
                let looks_like_key = key.contains('-')
                    && key.starts_with(|c: char| c.is_ascii_lowercase())
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                let prefix = key.split('-').next().unwrap_or_default();
                // `=> "…"` arms name many other strings: only those shaped like our keys count.
                if looks_like_key && (call != "=> \"" || known_prefixes.contains(prefix)) {
                    named.insert(key.to_owned());
                }
            }
        }
    }
    named
}

#[test]
fn every_key_the_code_names_exists() {
    let en = keys_of(Lang::En);
    let named = keys_named_in_code();
    assert!(named.len() > 50, "no translation calls found: {named:?}");
    let missing: Vec<_> = named.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "keys named in code but not defined: {missing:?}"
    );
}
