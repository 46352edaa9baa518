//! Link settings of the release binary.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // The binary links the server and the database drivers and is position independent,
    // so at every start the loader applies its ~28,000 relative relocations, read from a
    // table of ~670 KB: a measurable part of a short run (`amend accept` on one file).
    // Packed relative relocations (DT_RELR) shrink that table to a few KB. Release builds
    // on Linux with glibc only (the loader must be glibc 2.36 or later, the linker GNU ld
    // 2.38 or lld 15 or later); debug builds, tests, build scripts and proc macros are
    // linked as before.
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("PROFILE") == "release"
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
