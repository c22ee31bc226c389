//! Step 6: the mandate. Each passenger's mandate is shown in full in the page's language; each
//! adult signs their own by typing their full name and ticking the consent box; the lead
//! passenger signs for the minors. A signature records the time, IP, user agent and the
//! SHA-256 of the exact text (`crate::mandate::sign`); it stays valid while the text it signed
//! is still the one the draft would render (names, flight, fee and the operator's legal name
//! unchanged).

use std::collections::HashMap;

use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{State, post};
use serde::Serialize;

use super::{StepResponse, TEMPLATE, base, evaluated, go, page, require, user_id};
use crate::config::AppConfig;
use crate::db::Db;
use crate::db::mandates::{self, Mandate, NewMandate, Owner};
use crate::domain::eligibility::EligibilityRequest;
use crate::i18n::{Locale, translate};
use crate::mandate::{MandateContext, SignError, names_match, render_mandate, sign, text_sha256};
use crate::web::AppError;
use crate::web::check::form::{Errors, Field, val};
use crate::web::claims::draft::{self, DraftData, Loaded};
use crate::web::guards::{ClientIp, CsrfForm, UserAgent};
use crate::web::render::Page;
use crate::web::session::UserSession;

/// The mandate of passenger `position` in `lang`, as it would be signed now.
pub fn mandate_text(
    data: &DraftData,
    req: &EligibilityRequest,
    position: usize,
    cfg: &AppConfig,
    lang: &str,
) -> Option<String> {
    let p = data.passengers.get(position)?;
    let first = req.legs.first()?;
    let last = req.legs.last().unwrap_or(first);
    let ctx = MandateContext {
        passenger_name: full_name(&p.first_name, &p.last_name),
        agency: agency(cfg, lang),
        flight_number: first.flight_number.clone(),
        flight_date: first.scheduled_departure_local.date(),
        departure: first.from_iata.clone(),
        arrival: last.to_iata.clone(),
        booking_ref: Some(data.booking_ref.clone()).filter(|b| !b.trim().is_empty()),
        fee_percent: cfg.fee_percent,
        // Minors are signed for by the lead passenger, as their legal representative.
        representative: data
            .passengers
            .first()
            .filter(|_| p.is_minor && position > 0)
            .map(|lead| full_name(&lead.first_name, &lead.last_name)),
    };
    Some(render_mandate(&ctx, lang))
}

/// The agent the mandate names: the operator's legal name when configured
/// (`operator_legal_name`), else the application's name.
pub fn agency(cfg: &AppConfig, lang: &str) -> String {
    let name = cfg.operator_legal_name.trim();
    if name.is_empty() {
        translate(lang, "app.name", &[])
    } else {
        name.to_string()
    }
}

fn full_name(first: &str, last: &str) -> String {
    format!("{} {}", first.trim(), last.trim())
}

/// Who signs passenger `i`'s mandate: themself, or the lead for a minor.
fn signer_of(data: &DraftData, i: usize) -> usize {
    if i > 0 && data.passengers[i].is_minor {
        0
    } else {
        i
    }
}

/// Whether `stored` holds, for every passenger, a mandate over the exact text the draft renders
/// now in the language it was signed in. Submission refuses the draft otherwise.
pub fn mandates_complete(stored: &[Mandate], data: &DraftData, cfg: &AppConfig) -> bool {
    let Some((req, _)) = evaluated(data, "en") else {
        return false;
    };
    !data.passengers.is_empty()
        && (0..data.passengers.len()).all(|i| is_signed(stored, data, &req, i, cfg))
}

fn is_signed(
    stored: &[Mandate],
    data: &DraftData,
    req: &EligibilityRequest,
    i: usize,
    cfg: &AppConfig,
) -> bool {
    stored
        .iter()
        .find(|m| usize::try_from(m.passenger_position).ok() == Some(i))
        .is_some_and(|m| {
            mandate_text(data, req, i, cfg, &m.locale)
                .is_some_and(|t| text_sha256(&t) == m.text_sha256 && t == m.text)
        })
}

/// Whether adult `i` must (re)sign: their own mandate, or — for the lead — a minor's, is missing
/// or stale.
fn needs_signing(
    stored: &[Mandate],
    data: &DraftData,
    req: &EligibilityRequest,
    i: usize,
    cfg: &AppConfig,
) -> bool {
    (0..data.passengers.len())
        .filter(|&j| signer_of(data, j) == i)
        .any(|j| !is_signed(stored, data, req, j, cfg))
}

/// One passenger's part of the page.
#[derive(Debug, Serialize)]
struct SignerView {
    position: usize,
    number: usize,
    name: String,
    minor: bool,
    paragraphs: Vec<String>,
    needs_signing: bool,
    signed_by: Option<String>,
    signed_at: Option<String>,
    f_name: Field,
    f_consent: Field,
}

/// What was typed, by passenger position: `(name, consent)`.
pub type Typed = HashMap<usize, (String, bool)>;

/// The mandate page of a draft.
pub async fn mandate_view(
    db: &Db,
    d: &Loaded,
    errors: &Errors,
    typed: &Typed,
    cfg: &AppConfig,
    locale: Locale,
) -> Result<Page, AppError> {
    let lang = locale.as_str();
    let data = &d.data;
    let p = base(Page::new(TEMPLATE), "mandate", data).with("errors", &errors.0);
    let Some((req, _)) = evaluated(data, lang) else {
        return Ok(p);
    };
    let id = d.id;
    let stored = db
        .read(move |c| mandates::list(c, Owner::Draft(id)))
        .await?;
    let lead = data
        .passengers
        .first()
        .map(|p| full_name(&p.first_name, &p.last_name))
        .unwrap_or_default();
    let views: Vec<SignerView> = data
        .passengers
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = mandate_text(data, &req, i, cfg, lang).unwrap_or_default();
            let minor = signer_of(data, i) != i;
            let signed = stored
                .iter()
                .find(|m| usize::try_from(m.passenger_position).ok() == Some(i))
                .filter(|_| is_signed(&stored, data, &req, i, cfg));
            let (name, consent) = typed.get(&i).cloned().unwrap_or_default();
            SignerView {
                position: i,
                number: i + 1,
                name: full_name(&p.first_name, &p.last_name),
                minor,
                paragraphs: text.split("\n\n").map(str::to_string).collect(),
                needs_signing: !minor && needs_signing(&stored, data, &req, i, cfg),
                signed_by: signed.map(|m| m.signer_name.clone()),
                signed_at: signed.map(|m| m.signed_at.replace('T', " ").replace('Z', " UTC")),
                f_name: Field::new(
                    format!("sign{i}-name"),
                    format!("signers[{i}].name"),
                    &name,
                    errors,
                ),
                f_consent: Field::new(
                    format!("sign{i}-consent"),
                    format!("signers[{i}].consent"),
                    if consent { "true" } else { "" },
                    errors,
                ),
            }
        })
        .collect();
    Ok(p.with("signers", &views).with("lead_name", &lead))
}

#[derive(Debug, Clone, Default, FromForm)]
pub struct SignerForm {
    pub position: Option<String>,
    pub name: Option<String>,
    pub consent: Option<String>,
}

#[derive(Debug, Clone, Default, FromForm)]
pub struct MandateForm {
    pub signers: Vec<SignerForm>,
}

/// Step 6: records the signatures (all or none) and moves on to the payout.
#[post("/claims/new/mandate", data = "<form>")]
#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
pub async fn post_claim_mandate(
    form: CsrfForm<MandateForm>,
    me: Option<UserSession>,
    ip: ClientIp,
    agent: UserAgent,
    locale: Locale,
    db: &State<Db>,
    cfg: &State<AppConfig>,
    cookies: &CookieJar<'_>,
) -> Result<StepResponse, AppError> {
    let lang = locale.as_str();
    let Some(mut d) = require(db, cookies, me.as_ref(), cfg).await? else {
        return Ok(StepResponse::Redirect(Box::new(Redirect::to(
            "/claims/new",
        ))));
    };
    if draft::step_index(&d.step) < draft::step_index("mandate") {
        return Ok(go(&d.step));
    }
    let data = d.data.clone();
    let Some((req, _)) = evaluated(&data, lang) else {
        return Ok(go("disruption"));
    };
    if data.passengers.is_empty() {
        return Ok(go("passengers"));
    }
    let typed: Typed = form
        .0
        .signers
        .iter()
        .filter_map(|s| {
            let pos = val(&s.position).parse::<usize>().ok()?;
            Some((pos, (val(&s.name).to_string(), val(&s.consent) == "true")))
        })
        .collect();
    let id = d.id;
    let stored = db
        .read(move |c| mandates::list(c, Owner::Draft(id)))
        .await?;
    let fee = cfg.fee_percent;
    let mut errors = Errors::default();
    let mut new = Vec::new();
    for (i, p) in data.passengers.iter().enumerate() {
        if signer_of(&data, i) != i || !needs_signing(&stored, &data, &req, i, cfg) {
            continue;
        }
        let expected = full_name(&p.first_name, &p.last_name);
        let (name, consent) = typed.get(&i).cloned().unwrap_or_default();
        if !names_match(&name, &expected) {
            errors.add(
                format!("sign{i}-name"),
                translate(
                    lang,
                    SignError::NameMismatch.i18n_key(),
                    &[("expected", &expected)],
                ),
            );
        }
        if !consent {
            errors.add(
                format!("sign{i}-consent"),
                translate(lang, SignError::ConsentRequired.i18n_key(), &[]),
            );
        }
        if !errors.is_empty() {
            continue;
        }
        // This adult's own mandate and, for the lead, the minors'.
        for j in (0..data.passengers.len()).filter(|&j| signer_of(&data, j) == i) {
            let Some(text) = mandate_text(&data, &req, j, cfg, lang) else {
                continue;
            };
            let q = &data.passengers[j];
            let signature = sign(&text, &name, consent, &expected, ip.0, &agent.0)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            new.push(NewMandate {
                passenger_position: i64::try_from(j).unwrap_or(i64::MAX),
                passenger_name: full_name(&q.first_name, &q.last_name),
                signed_by_position: i64::try_from(i).unwrap_or(i64::MAX),
                locale: lang.to_string(),
                text,
                signature,
                fee_percent: fee,
            });
        }
    }
    if !errors.is_empty() {
        return Ok(page(
            mandate_view(db, &d, &errors, &typed, cfg, locale)
                .await?
                .status(rocket::http::Status::UnprocessableEntity),
        ));
    }
    db.write(move |tx| {
        for m in &new {
            mandates::upsert(tx, Owner::Draft(id), m)?;
        }
        Ok(())
    })
    .await?;
    d.data.mandate_seen = true;
    draft::save(db, &d, user_id(me.as_ref()), "payout").await?;
    Ok(go("payout"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mandate_names_the_operator_when_configured() {
        let mut cfg = AppConfig::default();
        assert_eq!(agency(&cfg, "en"), translate("en", "app.name", &[]));
        cfg.operator_legal_name = "  Vols Retardés SAS ".into();
        assert_eq!(agency(&cfg, "fr"), "Vols Retardés SAS");
    }
}
