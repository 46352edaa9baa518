//! Links the `amend` binary at a fixed address on Linux with glibc.
//!
//! Why: a position-independent executable this size carries some 28,000 relocations
//! that the loader applies at every start, copying a few hundred kilobytes of read-only
//! data page by page; for a short run (a 15 KB diff) that was a third of the whole time.
//! A fixed-address executable starts with none of that. The shared libraries, the stack
//! and the heap are still placed at random; only the binary's own image is not (as Go's
//! toolchain links its binaries by default).

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
