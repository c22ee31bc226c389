//! The words of the escalation documents, as paragraphs for [`crate::pdf::paragraphs`]: bold
//! headings, regular text. Every sentence comes from `locales/escalation.*.yml` (French and
//! English); which language a document is in is decided by the caller ([`super::language_for`]).

use chrono::NaiveDate;

use super::Context;
use crate::domain::escalation::{CourtPapers, Forum, ForumGround};
use crate::i18n::{Locale, translate};
use crate::pdf::Face;
use crate::refdata::{EnforcementBody, RefData};
use crate::services::letters::{facts, money_text};
use crate::web::when::format_when;

pub type Paragraphs = Vec<(Face, String)>;

/// Sentences of one language.
struct Words<'a> {
    lang: &'a str,
}

impl Words<'_> {
    fn t(&self, key: &str, args: &[(&str, &str)]) -> String {
        translate(self.lang, &format!("escalation.{key}"), args)
    }

    fn date(&self, raw: &str) -> String {
        format_when(raw.get(..10).unwrap_or(raw), self.lang)
    }
}

fn bold(out: &mut Paragraphs, text: String) {
    out.push((Face::Bold, text));
}

fn line(out: &mut Paragraphs, text: String) {
    out.push((Face::Regular, text));
}

/// What every document says of the claim, in one language.
struct Common {
    regulation: String,
    airline: String,
    flight_date: String,
    route: String,
    names: String,
    per: String,
    total: String,
    first_letter: Option<String>,
    today: String,
}

fn common(ctx: &Context, w: &Words<'_>) -> Common {
    let d = &ctx.detail;
    let locale = Locale::from_tag(w.lang).unwrap_or_default();
    let count = i64::try_from(ctx.passengers.len().max(1)).unwrap_or(1);
    let total = d
        .approved_cents
        .unwrap_or(d.amount_cents.saturating_mul(count));
    let regulation = if d.regime == "UK261" {
        translate(w.lang, "admin.letter.regulation_uk", &[])
    } else {
        translate(w.lang, "admin.letter.regulation_eu", &[])
    };
    Common {
        regulation,
        airline: RefData::embedded()
            .airline(&d.airline)
            .map_or_else(|| d.airline.clone(), |a| format!("{} ({})", a.name, a.iata)),
        flight_date: w.date(&d.flight_date),
        route: d.route.replace('→', "-"),
        names: ctx
            .passengers
            .iter()
            .map(|p| format!("{} {}", p.first_name, p.last_name))
            .collect::<Vec<_>>()
            .join(", "),
        per: money_text(d.amount_cents, &d.currency, locale),
        total: money_text(total, &d.currency, locale),
        first_letter: ctx.first_letter.as_deref().map(|raw| w.date(raw)),
        today: w.date(&ctx.today.to_string()),
    }
}

/// The flight, the passengers, the facts and the amount (shared by the notice and complaint).
fn claim_block(out: &mut Paragraphs, ctx: &Context, c: &Common, w: &Words<'_>) {
    let d = &ctx.detail;
    line(
        out,
        w.t(
            "flight",
            &[
                ("flight", &d.flight_number),
                ("date", &c.flight_date),
                ("route", &c.route),
                ("airline", &c.airline),
                ("booking_ref", &d.booking_ref),
            ],
        ),
    );
    line(out, w.t("passengers", &[("names", &c.names)]));
    let facts = facts(d, w.lang, ctx.today);
    if !facts.is_empty() {
        line(out, facts);
    }
    line(
        out,
        w.t(
            "amount",
            &[
                ("per", &c.per),
                ("total", &c.total),
                ("regulation", &c.regulation),
            ],
        ),
    );
}

/// The team's signature with the claim's reference.
fn signature(ctx: &Context, lang: &str) -> String {
    translate(
        lang,
        "admin.letter.signature",
        &[("claim_ref", &ctx.detail.claim_ref)],
    )
}

/// The first letter's date, or words saying it was not recorded.
fn first_letter(c: &Common, w: &Words<'_>) -> String {
    c.first_letter
        .clone()
        .unwrap_or_else(|| w.t("unknown_date", &[]))
}

/// What the airline did with the first letter: its answer, or silence since the letter.
fn answer_sentence(ctx: &Context, c: &Common, w: &Words<'_>) -> String {
    let since = first_letter(c, w);
    match &ctx.airline_answer {
        Some(answer) => w.t("answer", &[("answer", answer), ("date", &since)]),
        None => w.t("silence", &[("date", &since)]),
    }
}

/// The second notice to the airline: the first letter's date, the claim, the amount and a
/// deadline (`reply_days` from today), and what follows without payment.
pub fn second_notice(ctx: &Context, neb: Option<&EnforcementBody>, lang: &str) -> Paragraphs {
    let w = Words { lang };
    let c = common(ctx, &w);
    let d = &ctx.detail;
    let deadline = notice_deadline(ctx.today, ctx.reply_days);
    let mut out = Paragraphs::new();
    bold(
        &mut out,
        w.t(
            "notice.subject",
            &[
                ("claim_ref", &d.claim_ref),
                ("flight", &d.flight_number),
                ("date", &c.flight_date),
            ],
        ),
    );
    line(
        &mut out,
        translate(lang, "admin.letter.to", &[("airline", &c.airline)]),
    );
    line(&mut out, w.t("date_line", &[("date", &c.today)]));
    line(&mut out, translate(lang, "admin.letter.greeting", &[]));
    let first = first_letter(&c, &w);
    line(
        &mut out,
        w.t(
            "notice.reminder",
            &[("date", &first), ("regulation", &c.regulation)],
        ),
    );
    line(&mut out, answer_sentence(ctx, &c, &w));
    claim_block(&mut out, ctx, &c, &w);
    let neb = neb.map_or_else(|| w.t("notice.neb_unknown", &[]), |b| b.name.clone());
    line(
        &mut out,
        w.t(
            "notice.deadline",
            &[
                ("total", &c.total),
                ("days", &ctx.reply_days.to_string()),
                ("deadline", &w.date(&deadline.to_string())),
                ("neb", &neb),
            ],
        ),
    );
    line(&mut out, translate(lang, "admin.letter.closing", &[]));
    line(&mut out, signature(ctx, lang));
    out
}

/// The complaint to the competent NEB, with the contents of the EU common complaint form:
/// passenger, flight, incident, what was claimed, the airline's answer or silence.
pub fn neb_complaint(ctx: &Context, body: &EnforcementBody, lang: &str) -> Paragraphs {
    let w = Words { lang };
    let c = common(ctx, &w);
    let d = &ctx.detail;
    let mut out = Paragraphs::new();
    bold(
        &mut out,
        w.t(
            "neb.title",
            &[("regulation", &c.regulation), ("claim_ref", &d.claim_ref)],
        ),
    );
    let mut to = w.t(
        "neb.to",
        &[("body", &body.name), ("country", &body.country)],
    );
    for l in body.address_lines() {
        to.push('\n');
        to.push_str(l);
    }
    if !body.website.is_empty() {
        to.push('\n');
        to.push_str(&body.website);
    }
    line(&mut out, to);
    line(&mut out, w.t("date_line", &[("date", &c.today)]));
    bold(&mut out, w.t("neb.section_passenger", &[]));
    line(
        &mut out,
        w.t(
            "neb.passenger",
            &[
                ("names", &c.names),
                ("email", &d.email),
                ("claim_ref", &d.claim_ref),
            ],
        ),
    );
    bold(&mut out, w.t("neb.section_flight", &[]));
    claim_block(&mut out, ctx, &c, &w);
    bold(&mut out, w.t("neb.section_claim", &[]));
    let first = first_letter(&c, &w);
    line(
        &mut out,
        w.t("neb.claimed", &[("date", &first), ("total", &c.total)]),
    );
    bold(&mut out, w.t("neb.section_answer", &[]));
    line(&mut out, answer_sentence(ctx, &c, &w));
    bold(&mut out, w.t("neb.section_request", &[]));
    line(
        &mut out,
        w.t("neb.request", &[("regulation", &c.regulation)]),
    );
    line(&mut out, w.t("neb.enclosed", &[]));
    line(&mut out, signature(ctx, lang));
    out
}

fn country(code: &str, lang: &str) -> String {
    RefData::embedded().country_name(code, lang)
}

fn ground_words(forum: &Forum, ctx: &Context, w: &Words<'_>) -> String {
    let places = super::journey_ends(ctx);
    forum
        .grounds
        .iter()
        .map(|g| match g {
            ForumGround::Departure => w.t("court.ground_departure", &[("airport", &places.0)]),
            ForumGround::Arrival => w.t("court.ground_arrival", &[("airport", &places.1)]),
            ForumGround::CarrierSeat => w.t("court.ground_seat", &[]),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The court papers for review: Form A of the European Small Claims Procedure, a French
/// statement of claim, or England & Wales particulars of claim. Marked as a draft: nothing is
/// filed automatically.
pub fn court_papers(ctx: &Context, forum: &Forum, papers: CourtPapers, lang: &str) -> Paragraphs {
    let w = Words { lang };
    let c = common(ctx, &w);
    let d = &ctx.detail;
    let prefix = match papers {
        CourtPapers::EscpFormA => "court.escp",
        CourtPapers::FrenchStatement => "court.fr",
        CourtPapers::EnglishParticulars => "court.ew",
    };
    let k = |key: &str| format!("{prefix}.{key}");
    let forum_name = country(&forum.country, lang);
    let seat = RefData::embedded()
        .airline(&d.airline)
        .map(|a| country(&a.country, lang))
        .unwrap_or_default();
    let residence = ctx
        .residence
        .as_deref()
        .map_or_else(|| w.t("unknown", &[]), |r| country(r, lang));
    let mut out = Paragraphs::new();
    bold(&mut out, w.t(&k("title"), &[("claim_ref", &d.claim_ref)]));
    line(&mut out, w.t("court.draft", &[]));
    bold(&mut out, w.t(&k("court"), &[]));
    line(&mut out, w.t("court.forum", &[("country", &forum_name)]));
    line(&mut out, ground_words(forum, ctx, &w));
    bold(&mut out, w.t(&k("claimant"), &[]));
    line(
        &mut out,
        w.t(
            "court.claimant",
            &[
                ("names", &c.names),
                ("residence", &residence),
                ("email", &d.email),
            ],
        ),
    );
    bold(&mut out, w.t(&k("defendant"), &[]));
    line(
        &mut out,
        w.t(
            "court.defendant",
            &[("airline", &c.airline), ("seat", &seat)],
        ),
    );
    if papers == CourtPapers::EscpFormA {
        bold(&mut out, w.t("court.escp.cross_border", &[]));
        line(
            &mut out,
            w.t(
                "court.cross_border",
                &[
                    ("residence", &residence),
                    ("seat", &seat),
                    ("forum", &forum_name),
                ],
            ),
        );
        bold(&mut out, w.t("court.escp.bank", &[]));
        line(&mut out, w.t("court.bank", &[]));
    }
    bold(&mut out, w.t(&k("claim"), &[]));
    let first = first_letter(&c, &w);
    line(
        &mut out,
        w.t(&k("amount"), &[("total", &c.total), ("date", &first)]),
    );
    bold(&mut out, w.t(&k("details"), &[]));
    claim_block(&mut out, ctx, &c, &w);
    line(&mut out, answer_sentence(ctx, &c, &w));
    bold(&mut out, w.t(&k("evidence"), &[]));
    line(&mut out, w.t("court.evidence", &[]));
    line(&mut out, w.t(&k("closing"), &[("total", &c.total)]));
    line(&mut out, w.t("court.signature", &[("date", &c.today)]));
    out
}

/// The deadline the second notice gives, for the report of the daily job.
pub fn notice_deadline(today: NaiveDate, days: i64) -> NaiveDate {
    today + chrono::Duration::days(days)
}
