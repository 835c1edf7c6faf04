//! Embeds the email golden fixtures (tests/fixtures/email/*.eml) so `vouch
//! bench` measures ingest on the same messages wherever it runs, and the
//! forward corpus (`forwards/`, `heldout/`: each `.eml` with the `.json`
//! that states its truth) so it can print intake's accuracy.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn emls(dir: &Path) -> Vec<PathBuf> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<_> =
        std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    names.retain(|p: &PathBuf| p.extension().is_some_and(|e| e == "eml"));
    names.sort();
    names
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/email");
    let mut out = String::from("pub(crate) const FIXTURES: &[(&str, &[u8])] = &[\n");
    for path in &emls(&dir) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let _ = writeln!(out, "    ({name:?}, include_bytes!({:?})),", path.display().to_string());
    }
    out.push_str("];\n");
    for (konst, sub) in [("FORWARD_CORPUS", "forwards"), ("HELDOUT_CORPUS", "heldout")] {
        let _ = writeln!(out, "pub(crate) const {konst}: &[(&[u8], &str)] = &[");
        for path in &emls(&dir.join(sub)) {
            let json = path.with_extension("json");
            if json.exists() {
                let _ = writeln!(
                    out,
                    "    (include_bytes!({:?}), include_str!({:?})),",
                    path.display().to_string(),
                    json.display().to_string()
                );
            }
        }
        out.push_str("];\n");
    }
    let target = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("email_fixtures.rs");
    std::fs::write(target, out).expect("write email_fixtures.rs");
}
