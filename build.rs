// rust-i18n reads `locales/` at compile time; without this an edited locale file would not
// trigger a rebuild.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
