//! The stylesheet is valid CSS with every block closed: a block left open (an `@media` rule
//! without its `}`) is not a syntax error to a CSS parser, which closes it at the end of the
//! file, but it moves every later rule into the media query. Both are checked here.

use std::path::Path;

use lightningcss::stylesheet::{ParserOptions, StyleSheet};

fn stylesheets() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
    let mut sheets: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("static/")
        .map(|entry| entry.expect("a static file").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "css"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a UTF-8 stylesheet");
            (path.display().to_string(), text)
        })
        .collect();
    sheets.sort();
    assert!(!sheets.is_empty(), "no stylesheet in {}", dir.display());
    sheets
}

#[test]
fn every_stylesheet_parses_without_an_error() {
    for (name, css) in stylesheets() {
        let options = ParserOptions {
            filename: name.clone(),
            error_recovery: false,
            ..ParserOptions::default()
        };
        if let Err(err) = StyleSheet::parse(&css, options) {
            panic!("{name}: {err}");
        }
    }
}

#[test]
fn every_block_of_every_stylesheet_is_closed() {
    for (name, css) in stylesheets() {
        if let Err(problem) = unbalanced_brace(&css) {
            panic!("{name}: {problem}");
        }
    }
}

#[test]
fn an_unclosed_media_block_is_caught() {
    let css = "@media (max-width: 820px) {\n  .a { color: red; }\n.b { color: blue; }\n";
    assert_eq!(
        unbalanced_brace(css),
        Err("the block opened on line 1 is never closed".to_owned())
    );
    assert!(unbalanced_brace("a { content: \"}\"; } /* { */").is_ok());
    assert!(unbalanced_brace("}").is_err());
}

/// Matches braces outside comments and strings; names the line of the first unclosed block.
fn unbalanced_brace(css: &str) -> Result<(), String> {
    let mut open_lines = Vec::new();
    let (mut line, mut chars) = (1, css.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    line += usize::from(c == '\n');
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' | '\'' => {
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        '\n' => line += 1,
                        _ if s == c => break,
                        _ => {}
                    }
                }
            }
            '{' => open_lines.push(line),
            '}' if open_lines.pop().is_none() => {
                return Err(format!("line {line} closes a block that was never opened"));
            }
            _ => {}
        }
    }
    match open_lines.first() {
        Some(opened) => Err(format!("the block opened on line {opened} is never closed")),
        None => Ok(()),
    }
}
