//! Marks the build of the tests when no PostgreSQL server is configured
//! for them, so their PostgreSQL variants are reported as ignored (with the
//! reason) instead of passing without running. Under CI (`CI` set) they
//! are never ignored: a missing server fails them.

fn main() {
    println!("cargo::rerun-if-env-changed=KIMPPA_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rustc-check-cfg=cfg(no_postgres)");
    let configured = std::env::var("KIMPPA_TEST_POSTGRES_URL").is_ok_and(|s| !s.is_empty());
    if !configured && std::env::var_os("CI").is_none() {
        println!("cargo::rustc-cfg=no_postgres");
    }
}
