//! The core stays sans-IO: nothing outside `src/bindings/` names the JS world, reads a clock,
//! or draws its own randomness (ARCHITECTURE.md, "Dependency direction").

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "wasm_bindgen",
    "js_sys",
    "web_sys",
    "gloo",
    "Instant::now",
    "SystemTime",
    "thread_rng",
    "OsRng",
    "getrandom",
    "std::net",
    "std::fs",
];

fn scan(dir: &Path, hits: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "bindings") {
                continue;
            }
            scan(&path, hits);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for word in FORBIDDEN {
                    if code.contains(word) {
                        hits.push(format!("{}:{}: {word}", path.display(), n + 1));
                    }
                }
            }
        }
    }
}

#[test]
fn the_core_outside_bindings_is_sans_io() {
    let mut hits = Vec::new();
    scan(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut hits);
    assert!(hits.is_empty(), "I/O, clocks or JS outside src/bindings:\n{}", hits.join("\n"));
}
