//! The layering of ARCHITECTURE.md, enforced: every `crate::`/`super::` path in `src/**/*.rs`
//! (read as Rust syntax, comments and doc links left out) must be allowed by the doc's module
//! table, Diesel's query DSL stays in `src/db/`, and the imports between files form no cycle.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

use syn::visit::Visit;

const DOC: &str = "ARCHITECTURE.md";

/// A module path such as `orders::page` (`""` is the crate root).
type ModPath = String;

#[derive(Debug)]
struct Rules {
    /// Top-level module -> the top-level modules it may use.
    may_use: BTreeMap<String, BTreeSet<String>>,
    /// `diesel::` paths allowed outside `src/db/` (prefixes).
    diesel_allowed: Vec<String>,
    /// Known exceptions, `(file module, top-level module it may still use)`.
    exceptions: BTreeSet<(String, String)>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The rules as ARCHITECTURE.md writes them (its table and its list of Diesel names).
fn rules() -> Rules {
    let doc = fs::read_to_string(root().join(DOC)).expect("ARCHITECTURE.md");
    let table = between(&doc, "<!-- layering", "<!-- /layering -->");
    let mut may_use = BTreeMap::new();
    let every: BTreeSet<String> = modules_in_table(table).into_iter().collect();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let module = ticked(cells[0]).remove(0);
        let uses = cells.last().expect("a 'may use' cell");
        let allowed: BTreeSet<String> = if uses.starts_with("every module but") {
            let except: BTreeSet<String> = ticked(uses).into_iter().collect();
            every.difference(&except).cloned().collect()
        } else if *uses == "every module" {
            every.clone()
        } else {
            ticked(uses).into_iter().collect()
        };
        may_use.insert(module, allowed);
    }
    let diesel_allowed = ticked(between(
        &doc,
        "<!-- diesel-allowed -->",
        "<!-- /diesel-allowed -->",
    ));
    let exceptions = between(&doc, "<!-- exceptions -->", "<!-- /exceptions -->")
        .lines()
        .filter(|l| l.starts_with("- `"))
        .map(|l| {
            let names = ticked(l);
            (names[0].clone(), names[1].clone())
        })
        .collect();
    Rules {
        may_use,
        diesel_allowed,
        exceptions,
    }
}

fn modules_in_table(table: &str) -> Vec<String> {
    table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| ticked(l.trim_matches('|').split('|').next().unwrap_or_default()).remove(0))
        .collect()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{DOC} lacks {start}"));
    let to = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{DOC} lacks {end}"));
    &text[from + start.len()..from + to]
}

/// The `code` spans of a piece of Markdown.
fn ticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// One source file: its module path and its syntax.
struct Source {
    module: ModPath,
    path: PathBuf,
    file: syn::File,
}

/// The files of `src/`, those only compiled for unit tests (`#[cfg(test)] mod x;`) left out.
fn sources() -> Vec<Source> {
    let all = all_sources();
    let test_only: BTreeSet<ModPath> = all
        .iter()
        .flat_map(|s| {
            s.file.items.iter().filter_map(|item| match item {
                syn::Item::Mod(m) if m.content.is_none() && is_test_only(&m.attrs) => {
                    Some(join(&s.module, &m.ident.to_string()))
                }
                _ => None,
            })
        })
        .collect();
    all.into_iter()
        .filter(|s| {
            !test_only
                .iter()
                .any(|t| s.module == *t || s.module.starts_with(&format!("{t}::")))
        })
        .collect()
}

fn join(parent: &str, child: &str) -> ModPath {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}::{child}")
    }
}

fn all_sources() -> Vec<Source> {
    let src = root().join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&src).expect("under src");
            let mut parts: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            let text = fs::read_to_string(&path).expect("read source");
            let file = syn::parse_file(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
            Source {
                module: parts.join("::"),
                path,
                file,
            }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every path a file names that starts at `crate`, `super`, `self` or `diesel`, as segments.
#[derive(Default)]
struct Paths(Vec<Vec<String>>);

impl Paths {
    fn push_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.push_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.push(prefix, Some(n.ident.to_string())),
            syn::UseTree::Rename(r) => self.push(prefix, Some(r.ident.to_string())),
            syn::UseTree::Glob(_) => self.push(prefix, Some("*".into())),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.push_tree(prefix, tree);
                }
            }
        }
    }

    fn push(&mut self, prefix: &[String], last: Option<String>) {
        let mut path = prefix.to_vec();
        path.extend(last.filter(|l| l != "self"));
        if matches!(
            path.first().map(String::as_str),
            Some("crate" | "super" | "self" | "diesel")
        ) {
            self.0.push(path);
        }
    }
}

impl Paths {
    fn push_tokens(&mut self, tokens: proc_macro2::TokenStream) {
        let tokens: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
        let mut path: Vec<String> = Vec::new();
        let mut colons = 0;
        for token in &tokens {
            match token {
                proc_macro2::TokenTree::Group(g) => {
                    self.push_tokens(g.stream());
                    self.end_token_path(&mut path);
                }
                proc_macro2::TokenTree::Ident(i) => {
                    if colons != 2 {
                        self.end_token_path(&mut path);
                    }
                    path.push(i.to_string());
                    colons = 0;
                }
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' && !path.is_empty() => {
                    colons += 1;
                }
                _ => {
                    self.end_token_path(&mut path);
                    colons = 0;
                }
            }
        }
        self.end_token_path(&mut path);
    }

    fn end_token_path(&mut self, path: &mut Vec<String>) {
        if path.len() > 1 {
            self.push(path, None);
        }
        path.clear();
    }
}

/// `#[cfg(test)]`: unit tests may use what they check against, and are left out.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.push_tree(&mut Vec::new(), &item.tree);
    }

    /// Macro arguments are tokens, not syntax: `crate::a::b` inside `format!(…)` counts too.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.push_tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.push(&segments, None);
        syn::visit::visit_path(self, path);
    }
}

/// The deepest module of `modules` that `path` (seen from `from`) names, when it is in this
/// crate.
fn resolve(from: &str, path: &[String], modules: &BTreeSet<ModPath>) -> Option<ModPath> {
    let mut base: Vec<&str> = from.split("::").filter(|s| !s.is_empty()).collect();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    let mut found = base.join("::");
    let mut current: Vec<&str> = base;
    for segment in rest {
        current.push(segment);
        let candidate = current.join("::");
        if !modules.contains(&candidate) {
            break;
        }
        found = candidate;
    }
    Some(found)
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or_default()
}

/// File-level imports: module -> the modules it names (its ancestors and itself left out), each
/// with one path that shows it.
fn imports(sources: &[Source]) -> BTreeMap<ModPath, BTreeMap<ModPath, String>> {
    let modules: BTreeSet<ModPath> = sources.iter().map(|s| s.module.clone()).collect();
    let mut graph = BTreeMap::new();
    for source in sources {
        let mut paths = Paths::default();
        paths.visit_file(&source.file);
        let edges: &mut BTreeMap<ModPath, String> = graph.entry(source.module.clone()).or_default();
        for path in paths.0 {
            let Some(target) = resolve(&source.module, &path, &modules) else {
                continue;
            };
            let is_ancestor = target.is_empty()
                || target == source.module
                || source.module.starts_with(&format!("{target}::"));
            if !is_ancestor {
                edges.entry(target).or_insert_with(|| path.join("::"));
            }
        }
    }
    graph
}

#[test]
fn every_import_is_one_the_architecture_table_allows() {
    let rules = rules();
    let sources = sources();
    let lib_modules: BTreeSet<String> = sources
        .iter()
        .filter(|s| !s.module.is_empty() && !s.module.contains("::"))
        .map(|s| s.module.clone())
        .filter(|m| m != "main")
        .collect();
    let documented: BTreeSet<String> = rules.may_use.keys().cloned().collect();
    assert_eq!(
        lib_modules, documented,
        "ARCHITECTURE.md's table must have one row per module of src/"
    );
    let mut refused = Vec::new();
    let mut excepted = BTreeSet::new();
    for (module, edges) in imports(&sources) {
        let from = top(&module);
        let Some(allowed) = rules.may_use.get(from) else {
            continue; // the crate root and main.rs
        };
        for (target, example) in edges {
            let to = top(&target);
            if to == from || allowed.contains(to) {
                continue;
            }
            let exception = (module.clone(), to.to_owned());
            if rules.exceptions.contains(&exception) {
                excepted.insert(exception);
            } else {
                refused.push(format!("{module} uses {example} ({from} may not use {to})"));
            }
        }
    }
    assert!(
        refused.is_empty(),
        "imports ARCHITECTURE.md does not allow:\n{}",
        refused.join("\n")
    );
    let unneeded: Vec<_> = rules.exceptions.difference(&excepted).collect();
    assert!(
        unneeded.is_empty(),
        "known exceptions no longer needed; remove them from ARCHITECTURE.md: {unneeded:?}"
    );
}

#[test]
fn diesel_queries_and_the_schema_stay_in_the_storage_layer() {
    let rules = rules();
    let mut refused = Vec::new();
    for source in sources() {
        if top(&source.module) == "db" {
            continue;
        }
        let mut paths = Paths::default();
        paths.visit_file(&source.file);
        for path in paths.0 {
            let joined = path.join("::");
            let names_schema = path.iter().any(|s| s == "schema");
            let is_diesel = path.first().is_some_and(|s| s == "diesel");
            let allowed = rules
                .diesel_allowed
                .iter()
                .any(|a| joined == *a || joined.starts_with(&format!("{a}::")));
            if names_schema || (is_diesel && !allowed) {
                refused.push(format!("{}: {joined}", source.path.display()));
            }
        }
    }
    refused.dedup();
    assert!(
        refused.is_empty(),
        "Diesel outside src/db/ (see ARCHITECTURE.md, storage rule):\n{}",
        refused.join("\n")
    );
}

#[test]
fn the_imports_between_files_form_no_cycle() {
    let graph = imports(&sources());
    let cycles = cycles(&graph);
    let shown: Vec<String> = cycles
        .iter()
        .map(|cycle| {
            let steps: Vec<String> = cycle
                .iter()
                .map(|m| {
                    let next = cycle
                        .iter()
                        .find(|n| graph[m.as_str()].contains_key(n.as_str()))
                        .map_or("?", String::as_str);
                    format!("{m} -> {next} ({})", graph[m.as_str()][next])
                })
                .collect();
            steps.join("\n    ")
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "import cycles between files:\n  {}",
        shown.join("\n  ")
    );
}

#[test]
fn the_top_level_modules_form_no_cycle() {
    let mut graph: BTreeMap<ModPath, BTreeMap<ModPath, String>> = BTreeMap::new();
    for (module, edges) in imports(&sources()) {
        let from = top(&module).to_owned();
        let uses = graph.entry(from.clone()).or_default();
        for (target, path) in edges {
            let to = top(&target).to_owned();
            if to != from {
                uses.entry(to)
                    .or_insert_with(|| format!("{module} uses {path}"));
            }
        }
    }
    let cycles = cycles(&graph);
    let shown: Vec<String> = cycles
        .iter()
        .map(|cycle| {
            let edges: Vec<&String> = cycle
                .iter()
                .flat_map(|m| {
                    cycle
                        .iter()
                        .filter_map(|n| graph[m.as_str()].get(n.as_str()))
                })
                .collect();
            format!("{cycle:?}: {edges:?}")
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "import cycles between top-level modules:\n  {}",
        shown.join("\n  ")
    );
}

/// The strongly connected groups of more than one module (Tarjan).
fn cycles(graph: &BTreeMap<ModPath, BTreeMap<ModPath, String>>) -> Vec<Vec<ModPath>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<ModPath, BTreeMap<ModPath, String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<ModPath>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            for w in self.graph.get(v).into_iter().flat_map(|e| e.keys()) {
                if !self.graph.contains_key(w) {
                    continue;
                }
                if !self.index.contains_key(w.as_str()) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w.as_str()]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w.as_str()) {
                    let low = self.low[v].min(self.index[w.as_str()]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut group = Vec::new();
                while let Some(w) = self.stack.pop() {
                    group.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}
