//! Imports AKN files and prints what was kept and what fell outside the model:
//! `cargo run -p amend-akn --example akn_report -- FILE.xml...`

fn main() {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let xml = match std::fs::read_to_string(&path) {
            Ok(xml) => xml,
            Err(e) => {
                eprintln!("{path}: {e}");
                failed = true;
                continue;
            }
        };
        match amend_akn::from_akn_with(&xml, &amend_akn::ImportOptions::default()) {
            Ok(imported) => println!("{path}: {}", imported.report.summary()),
            Err(e) => {
                eprintln!("{path}:{e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
