// SPDX-License-Identifier: MIT
// Every C function declared in gmmot-sys must be wrapped by the safe crate (called as
// `sys::<name>(` somewhere in src/), and every option key, stage and status code of the headers
// must have its safe counterpart with the same value. A new header function therefore fails
// gmmot-sys's header_check (not declared) and then this test (not wrapped).
use gmmot::{Family, OptionKey, Stage, Status};
use std::fs;
use std::path::Path;

fn read(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    fs::read_to_string(&p).unwrap_or_else(|e| panic!("reading {}: {}", p.display(), e))
}

fn sys_functions() -> Vec<String> {
    let gen: String = read("../gmmot-sys/src/generated.rs").chars().filter(|c| !c.is_whitespace()).collect();
    gen.match_indices("pubfn")
        .map(|(i, _)| {
            let rest = &gen[i + 5..];
            rest[..rest.find('(').unwrap()].to_string()
        })
        .collect()
}

fn safe_sources() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = String::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().map_or(false, |e| e == "rs") {
            all.push_str(&strip_comments(&fs::read_to_string(path).unwrap()));
        }
    }
    all.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The code without its `//` comments (doc comments included) and `/* */` blocks, so that a
/// function mentioned only in a comment does not count as wrapped. String literals are kept
/// whole (a "//" inside one is not a comment).
fn strip_comments(src: &str) -> String {
    let (mut out, mut chars) = (String::new(), src.chars().peekable());
    let mut in_str = false;
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if c == '/' && chars.peek() == Some(&'/') {
            while chars.peek().map_or(false, |&n| n != '\n') {
                chars.next();
            }
        } else if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut prev = ' ';
            for n in chars.by_ref() {
                if prev == '*' && n == '/' {
                    break;
                }
                prev = n;
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn the_coverage_check_ignores_comments() {
    let src = "/// calls sys::gmmot_a(x)\n// sys::gmmot_b(\n/* sys::gmmot_c( */ let s = \"//\"; sys::gmmot_d(1); // sys::gmmot_e(\n";
    let code = strip_comments(src);
    for (name, wanted) in [("gmmot_a", false), ("gmmot_b", false), ("gmmot_c", false), ("gmmot_d", true), ("gmmot_e", false)] {
        assert_eq!(code.contains(&format!("sys::{}(", name)), wanted, "{} in {:?}", name, code);
    }
}

#[test]
fn every_sys_function_is_wrapped() {
    let names = sys_functions();
    assert!(names.len() >= 100, "only {} functions found in gmmot-sys", names.len());
    let src = safe_sources();
    let missing: Vec<_> = names.iter().filter(|n| !src.contains(&format!("sys::{}(", n))).collect();
    assert!(missing.is_empty(), "C functions without a safe wrapper: {:?}", missing);
}

/// (name, value) of enumerators `PREFIX... = v,` in a header.
fn enumerators(header: &str, prefix: &str) -> Vec<(String, i32)> {
    let text = read(&format!("../../../include/gmmot/{}", header));
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with(prefix) && t.contains('=') {
            let mut parts = t.splitn(2, '=');
            let name = parts.next().unwrap().trim().to_string();
            let value = parts.next().unwrap().trim();
            let end = value.find(|c: char| c != '-' && !c.is_ascii_digit()).unwrap_or(value.len());
            out.push((name, value[..end].parse().unwrap()));
        }
    }
    assert!(!out.is_empty(), "no {} enumerators in {}", prefix, header);
    out
}

#[test]
fn every_option_key_has_a_variant() {
    let keys = enumerators("options.h", "GMMOT_OPT_");
    assert_eq!(keys.len(), OptionKey::ALL.len(), "options.h has {:?}", keys);
    for (name, value) in keys {
        let k = OptionKey::ALL.iter().find(|k| k.c_name() == name).unwrap_or_else(|| panic!("no OptionKey for {}", name));
        assert_eq!(k.code(), value, "{}", name);
        // The library knows the key and its type.
        gmmot::Options::bounds(*k).unwrap();
    }
}

#[test]
fn every_stage_and_status_has_a_variant() {
    for (name, value) in enumerators("progress.h", "GMMOT_STAGE_") {
        let s = Stage::from_code(value);
        assert!(!matches!(s, Stage::Other(_)), "no Stage for {}", name);
        assert_eq!(s.code(), value);
    }
    let statuses = enumerators("status.h", "GMMOT_");
    assert!(statuses.len() >= 22);
    for (name, value) in statuses {
        let s = Status::from_code(value);
        assert!(!matches!(s, Status::Other(_)), "no Status for {}", name);
        assert_eq!(s.code(), value);
        assert_eq!(s.name(), name, "the library's name of {}", value);
    }
    assert_eq!(Status::from_code(-1234), Status::Other(-1234));
    let families = enumerators("gmm.h", "GMMOT_FAMILY_");
    assert_eq!(families.len(), 2, "gmm.h has {:?}", families);
    for (name, value) in families {
        let f = Family::from_code(value).unwrap_or_else(|| panic!("no Family for {}", name));
        assert_eq!(f.code(), value, "{}", name);
    }
}

#[test]
fn version_matches_the_headers() {
    assert_eq!(gmmot::version_number(), gmmot::VERSION_NUMBER);
    assert_eq!(gmmot::version_string(), "0.5.3");
    assert!(gmmot::build_info().contains("0.5.3"));
    assert!(gmmot::status_string(-7).starts_with("GMMOT_E_WEIGHTS"));
}
