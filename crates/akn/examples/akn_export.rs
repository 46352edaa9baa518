//! Reads a plain-text resolution or contribution and prints it as AKN:
//! `cargo run -p amend-akn --example akn_export -- FILE.txt`

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: akn_export FILE.txt");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let doc = amend_text::read_plain(&text, &amend_text::ReadOptions::default());
    print!(
        "{}",
        amend_akn::to_akn(&doc, &amend_akn::ExportOptions::default())
    );
}
