//! The seed with its reconstructed base.

use amend_unflatten::{Options, unflatten};

const SEED: &str = include_str!("data/000_a878dba81f09253c.txt");
const BASE: &str = include_str!("data/res75-dubai-2012.reconstructed.txt");

#[test]
fn seed_prints() {
    let r = unflatten(SEED, Some(BASE), None, &Options::default());
    println!("{}", r.to_markdown());
    for f in &r.findings {
        println!("{:?}", f);
    }
}
