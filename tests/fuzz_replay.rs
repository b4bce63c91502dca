//! Replays every committed fuzz corpus file through its entry point: a panic fails the test.

use std::path::Path;

#[test]
fn every_committed_fuzz_seed_runs_without_panicking() {
    let corpus_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus");
    let mut replayed = 0usize;
    for (name, entry) in peerpage::fuzz::TARGETS {
        let dir = corpus_root.join(name);
        let files = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("fuzz target {name} has no corpus at {}: {e}", dir.display()));
        for file in files {
            let path = file.expect("readable corpus entry").path();
            let bytes = std::fs::read(&path).expect("readable corpus file");
            entry(&bytes);
            replayed += 1;
        }
    }
    assert!(replayed >= peerpage::fuzz::TARGETS.len(), "every target has at least one seed");
    println!("replayed {replayed} corpus files over {} targets", peerpage::fuzz::TARGETS.len());
}
