//! Step 4: the lead passenger and co-passengers, contact details.

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, post};

use super::draft::{self, DraftData, PassengerData};
use crate::config::AppConfig;
use crate::db::Db;
use crate::i18n::{Locale, translate};
use crate::web::AppError;
use crate::web::check::flights;
use crate::web::check::form::{Errors, Field, val};
use crate::web::guards::CsrfForm;
use crate::web::render::Page;
use crate::web::session::UserSession;

use super::{MAX_PASSENGERS, StepResponse, TEMPLATE, base, go, page, require, user_id};

#[derive(serde::Serialize)]
struct PassengerView {
    first: Field,
    last: Field,
    birth: Field,
    minor: bool,
    number: usize,
}

pub(crate) fn passengers_view(data: &DraftData, errors: &Errors) -> Page {
    let mut list = data.passengers.clone();
    if list.is_empty() {
        list.push(<PassengerData as Default>::default());
    }
    let views: Vec<PassengerView> = list
        .iter()
        .enumerate()
        .map(|(i, p)| PassengerView {
            first: Field::new(
                format!("p{i}-first"),
                format!("passengers[{i}].first_name"),
                &p.first_name,
                errors,
            ),
            last: Field::new(
                format!("p{i}-last"),
                format!("passengers[{i}].last_name"),
                &p.last_name,
                errors,
            ),
            birth: Field::new(
                format!("p{i}-birth"),
                format!("passengers[{i}].birth_date"),
                &p.birth_date,
                errors,
            ),
            minor: p.is_minor,
            number: i + 1,
        })
        .collect();
    base(Page::new(TEMPLATE), "passengers", data)
        .with("errors", &errors.0)
        .with("passengers", &views)
        .with("can_add", &(views.len() < MAX_PASSENGERS))
        .with(
            "f_booking",
            &Field::new("booking-ref", "booking_ref", &data.booking_ref, errors),
        )
        .with(
            "f_email",
            &Field::new("email", "email", &data.email, errors),
        )
        .with(
            "f_phone",
            &Field::new("phone", "phone", &data.phone, errors),
        )
}

#[derive(Debug, Clone, Default, FromForm)]
pub struct PassengerForm {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<String>,
    pub is_minor: Option<String>,
}

#[derive(Debug, Clone, Default, FromForm)]
pub struct PassengersForm {
    pub action: Option<String>,
    pub booking_ref: Option<String>,
    pub passengers: Vec<PassengerForm>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub(crate) fn valid_name(s: &str) -> bool {
    let n = s.chars().count();
    (1..=80).contains(&n) && !s.chars().any(char::is_control)
}

/// The message refusing a name the documents' font cannot draw (a script other than Latin,
/// Greek or Cyrillic, an emoji): the mandate and the letter to the airline print names as typed
/// (`crate::pdf::font`), so a name that would print as empty boxes is refused here, naming the
/// characters, rather than mangled in a signed document.
pub(crate) fn unprintable(name: &str, lang: &str) -> Option<String> {
    let missing = crate::pdf::font::missing_chars(name);
    if missing.is_empty() {
        return None;
    }
    let chars = missing
        .iter()
        .map(char::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    Some(translate(
        lang,
        "claims.passengers.error.script",
        &[("chars", &chars)],
    ))
}

/// Checks step 4; returns the errors (the draft gets the typed values either way).
pub fn check_passengers(data: &DraftData, lang: &str) -> Errors {
    let mut errors = Errors::default();
    let t = |k: &str| translate(lang, k, &[]);
    let br = &data.booking_ref;
    if br.len() != 6 || !br.bytes().all(|b| b.is_ascii_alphanumeric()) {
        errors.add("booking-ref", t("claims.passengers.error.booking_ref"));
    }
    for (i, p) in data.passengers.iter().enumerate() {
        for (id, name, key) in [
            (
                format!("p{i}-first"),
                &p.first_name,
                "claims.passengers.error.first_name",
            ),
            (
                format!("p{i}-last"),
                &p.last_name,
                "claims.passengers.error.last_name",
            ),
        ] {
            if !valid_name(name) {
                errors.add(id, t(key));
            } else if let Some(message) = unprintable(name, lang) {
                errors.add(id, message);
            }
        }
        if !p.birth_date.is_empty() && flights::parse_date(&p.birth_date).is_none() {
            errors.add(
                format!("p{i}-birth"),
                t("claims.passengers.error.birth_date"),
            );
        }
    }
    if crate::accounts::email::normalize(&data.email).is_none() {
        errors.add("email", t("claims.passengers.error.email"));
    }
    if data.phone.chars().count() > 30 {
        errors.add("phone", t("claims.passengers.error.phone"));
    }
    errors
}

/// Step 4: the lead passenger and co-passengers (add/remove are submit buttons, no JS).
#[post("/claims/new/passengers", data = "<form>")]
pub async fn post_claim_passengers(
    form: CsrfForm<PassengersForm>,
    me: Option<UserSession>,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let form = form.0;
    let Some(mut d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    d.data.booking_ref = val(&form.booking_ref).to_ascii_uppercase();
    d.data.email = val(&form.email).to_string();
    d.data.phone = val(&form.phone).to_string();
    d.data.passengers = form
        .passengers
        .iter()
        .take(MAX_PASSENGERS)
        .map(|p| PassengerData {
            first_name: val(&p.first_name).to_string(),
            last_name: val(&p.last_name).to_string(),
            birth_date: val(&p.birth_date).to_string(),
            is_minor: val(&p.is_minor) == "true",
        })
        .collect();
    if d.data.passengers.is_empty() {
        d.data
            .passengers
            .push(<PassengerData as Default>::default());
    }
    let action = val(&form.action).to_string();
    if action == "add" || action.starts_with("remove-") {
        if action == "add" && d.data.passengers.len() < MAX_PASSENGERS {
            d.data
                .passengers
                .push(<PassengerData as Default>::default());
        }
        if let Some(i) = action
            .strip_prefix("remove-")
            .and_then(|i| i.parse::<usize>().ok())
            && i > 0
            && i < d.data.passengers.len()
        {
            d.data.passengers.remove(i);
        }
        draft::save(db, &d, user_id(me.as_ref()), "passengers").await?;
        return Ok(page(passengers_view(&d.data, &Errors::default())));
    }
    let errors = check_passengers(&d.data, locale.as_str());
    if !errors.is_empty() {
        draft::save(db, &d, user_id(me.as_ref()), "passengers").await?;
        return Ok(page(passengers_view(&d.data, &errors)));
    }
    draft::save(db, &d, user_id(me.as_ref()), "documents").await?;
    Ok(go("documents"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(first: &str, last: &str) -> DraftData {
        DraftData {
            booking_ref: "XK7Q2P".into(),
            email: "a@example.com".into(),
            passengers: vec![PassengerData {
                first_name: first.into(),
                last_name: last.into(),
                ..PassengerData::default()
            }],
            ..DraftData::default()
        }
    }

    #[test]
    fn names_of_every_eu_language_are_accepted() {
        for name in crate::pdf::tests::EU_NAMES {
            let (first, last) = name.split_once(' ').unwrap();
            let errors = check_passengers(&draft(first, last), "en");
            assert!(errors.is_empty(), "{name}: {:?}", errors.0);
        }
    }

    #[test]
    fn a_name_the_documents_cannot_print_is_refused_with_the_characters() {
        for lang in ["en", "fr"] {
            let errors = check_passengers(&draft("小明", "Wang"), lang);
            let e = errors.get("p0-first").expect("first name refused");
            assert!(e.contains("小 明"), "{lang}: {e}");
            assert!(errors.get("p0-last").is_none());
            let errors = check_passengers(&draft("Ana", "Silva 😀"), lang);
            assert!(errors.get("p0-last").is_some(), "{lang}: emoji refused");
            let errors = check_passengers(&draft("محمد", "Ali"), lang);
            assert!(errors.get("p0-first").is_some(), "{lang}: Arabic refused");
        }
        let en = unprintable("王", "en").unwrap();
        let fr = unprintable("王", "fr").unwrap();
        assert_ne!(en, fr, "translated");
    }
}
