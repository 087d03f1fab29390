// SPDX-License-Identifier: MIT
// gmmot-sys against the C headers: every GMMOT_API function and every enum or #define constant
// of include/gmmot/*.h must be declared in src/generated.rs (always checked, no tool needed),
// and a fresh bindgen run must reproduce src/generated.rs exactly, signatures included (skipped
// with a message when bindgen is not installed; GMMOT_REQUIRE_BINDGEN=1 makes that a failure).
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

// Keep in sync with regenerate.sh.
const BINDGEN_FLAGS: &[&str] = &[
    "--no-rustfmt-bindings",
    "--no-doc-comments",
    "--no-layout-tests",
    "--size_t-is-usize",
    "--no-prepend-enum-name",
    "--allowlist-function",
    "gmmot_.*",
    "--allowlist-type",
    "gmmot_.*",
    "--allowlist-var",
    "GMMOT_.*",
];

fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../include")
}

fn headers() -> Vec<(String, String)> {
    let dir = include_dir().join("gmmot");
    let mut out = Vec::new();
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {}", dir.display(), e)) {
        let path = entry.unwrap().path();
        if path.extension().map_or(false, |e| e == "h") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, fs::read_to_string(&path).unwrap()));
        }
    }
    out.sort();
    assert!(out.len() >= 14, "expected the public headers in {}", dir.display());
    out
}

fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        match rest[i..].find("*/") {
            Some(j) => rest = &rest[i + j + 2..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Names of the functions declared with GMMOT_API (the identifier before the first '(').
fn header_functions() -> Vec<String> {
    let mut names = Vec::new();
    for (_, text) in headers() {
        let text = strip_comments(&text);
        for (pos, _) in text.match_indices("GMMOT_API") {
            let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
            if text[line_start..pos].trim_start().starts_with('#') {
                continue; // the macro's own definition in export.h
            }
            let paren = pos + text[pos..].find('(').expect("GMMOT_API without '('");
            let before = text[..paren].trim_end();
            let start = before.rfind(|c: char| !is_ident(c)).map_or(0, |i| i + 1);
            names.push(before[start..].to_string());
        }
    }
    names
}

/// (name, value) of every enumerator `GMMOT_X = v` and numeric `#define GMMOT_X v`.
fn header_constants() -> Vec<(String, i64)> {
    let mut consts = Vec::new();
    for (_, text) in headers() {
        let text = strip_comments(&text);
        for line in text.lines() {
            let t = line.trim();
            let (name, value) = if let Some(rest) = t.strip_prefix("#define ") {
                let mut parts = rest.splitn(2, ' ');
                let name = parts.next().unwrap_or("");
                (name.to_string(), parts.next().unwrap_or("").trim().to_string())
            } else if t.starts_with("GMMOT_") && t.contains('=') {
                let mut parts = t.splitn(2, '=');
                let name = parts.next().unwrap().trim().to_string();
                (name, parts.next().unwrap().trim().trim_end_matches(',').to_string())
            } else {
                continue;
            };
            if let Ok(v) = value.parse::<i64>() {
                consts.push((name, v));
            }
        }
    }
    consts
}

fn generated() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated.rs")).unwrap()
}

fn squeeze(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//") && !l.trim_start().starts_with("/*"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn every_header_function_is_declared() {
    let gen = squeeze(&generated());
    let names = header_functions();
    assert!(names.len() >= 100, "found only {} GMMOT_API functions", names.len());
    let missing: Vec<_> =
        names.iter().filter(|n| !gen.contains(&format!("pubfn{}(", n))).cloned().collect();
    assert!(missing.is_empty(), "functions of the headers missing in gmmot-sys: {:?}", missing);
    // And nothing stale: every declared function is still in a header.
    let declared: Vec<_> = gen.match_indices("pubfn").map(|(i, _)| {
        let rest = &gen[i + 5..];
        rest[..rest.find('(').unwrap()].to_string()
    }).collect();
    let stale: Vec<_> = declared.iter().filter(|d| !names.contains(d)).cloned().collect();
    assert!(stale.is_empty(), "declared in gmmot-sys but in no header: {:?}", stale);
    assert_eq!(declared.len(), names.len());
}

#[test]
fn every_header_constant_is_declared_with_its_value() {
    let gen = squeeze(&generated());
    let consts = header_constants();
    assert!(consts.len() >= 60, "found only {} constants", consts.len());
    for (name, value) in consts {
        let key = format!("pubconst{}:", name);
        let at = gen.find(&key).unwrap_or_else(|| panic!("{} missing in gmmot-sys", name));
        let rest = &gen[at + key.len()..];
        let eq = rest.find('=').unwrap();
        let end = rest.find(';').unwrap();
        let got: i64 = rest[eq + 1..end].parse().unwrap();
        assert_eq!(got, value, "{}: gmmot-sys has {}, the header {}", name, got, value);
    }
}

#[test]
fn generated_matches_a_fresh_bindgen_run() {
    let header = include_dir().join("gmmot/gmmot.h");
    let include_flag = format!("-I{}", include_dir().display());
    let mut cmd = Command::new("bindgen");
    cmd.arg(&header).args(BINDGEN_FLAGS).arg("--").arg(include_flag);
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) => {
            if std::env::var_os("GMMOT_REQUIRE_BINDGEN").map_or(false, |v| v == "1") {
                panic!("bindgen is required (GMMOT_REQUIRE_BINDGEN=1) but cannot run: {}", e);
            }
            eprintln!("SKIPPED: bindgen not available ({}); install the Debian package bindgen", e);
            return;
        }
    };
    assert!(out.status.success(), "bindgen failed: {}", String::from_utf8_lossy(&out.stderr));
    let fresh = squeeze(&String::from_utf8(out.stdout).unwrap());
    let committed = squeeze(&generated());
    if fresh != committed {
        let at = fresh.chars().zip(committed.chars()).take_while(|(a, b)| a == b).count();
        let ctx = |s: &str| s.chars().skip(at.saturating_sub(80)).take(200).collect::<String>();
        panic!(
            "src/generated.rs is out of date with include/gmmot (run gmmot-sys/regenerate.sh); \
             first difference near\n  fresh:     {}\n  committed: {}",
            ctx(&fresh),
            ctx(&committed)
        );
    }
}
