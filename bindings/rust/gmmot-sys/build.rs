// SPDX-License-Identifier: MIT
// Link libgmmot: from GMMOT_LIB_DIR when set (a build tree), else from `pkg-config --libs
// gmmot` (an installed library). pkg-config runs as a command so no build dependency is needed.
use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=GMMOT_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    if let Some(dir) = env::var_os("GMMOT_LIB_DIR") {
        println!("cargo:rustc-link-search=native={}", dir.to_string_lossy());
        println!("cargo:rustc-link-lib=dylib=gmmot");
        return;
    }
    let output = Command::new("pkg-config").args(["--libs", "gmmot"]).output();
    match output {
        Ok(out) if out.status.success() => {
            let flags = String::from_utf8_lossy(&out.stdout);
            let mut linked = false;
            for flag in flags.split_whitespace() {
                if let Some(dir) = flag.strip_prefix("-L") {
                    println!("cargo:rustc-link-search=native={}", dir);
                } else if let Some(lib) = flag.strip_prefix("-l") {
                    println!("cargo:rustc-link-lib=dylib={}", lib);
                    linked |= lib == "gmmot";
                }
            }
            if !linked {
                println!("cargo:rustc-link-lib=dylib=gmmot");
            }
        }
        _ => {
            // Neither source found: try the default search path and say how to fix a failure.
            println!(
                "cargo:warning=gmmot-sys: GMMOT_LIB_DIR is unset and `pkg-config --libs gmmot` \
                 failed; linking -lgmmot from the default search path"
            );
            println!("cargo:rustc-link-lib=dylib=gmmot");
        }
    }
}
