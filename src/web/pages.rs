//! Content pages: home, FAQ, privacy, terms.

use rocket::get;

use super::render::Page;

#[get("/")]
pub fn get_home() -> Page {
    Page::new("pages/home.html")
}

#[get("/faq")]
pub fn get_faq() -> Page {
    Page::new("pages/faq.html")
}

#[get("/privacy")]
pub fn get_privacy() -> Page {
    Page::new("pages/privacy.html")
}

#[get("/terms")]
pub fn get_terms() -> Page {
    Page::new("pages/terms.html")
}
