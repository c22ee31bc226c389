//! `flightclaim demo-data`: fills a database with realistic fake passengers, claims, their
//! passengers and status history, for demos and the admin-page benchmark.
//!
//! Steps:
//! 1. refuse when the database holds real passengers or claims (anything not on the
//!    [`DEMO_DOMAIN`]) unless `force`;
//! 2. run the eligibility engine once per (airline, route, disruption) template, so that the
//!    stored request and result are the engine's own JSON;
//! 3. insert claims in transactions of [`BATCH`] claims with prepared statements: a passenger
//!    account (sometimes reused for a second claim), the claim, 1–3 passengers and the status
//!    events from `submitted` to where the claim stands today.
//!
//! Everything is derived from the seed, so a run is reproducible.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Transaction, params};

use crate::db::{Db, DbError, time_text};
use crate::refdata::RefData;

mod templates;

use templates::{FIRST_NAMES, LAST_NAMES, Template, build_templates};

/// Email domain of every demo account (`.invalid` never resolves, RFC 2606).
pub const DEMO_DOMAIN: &str = "demo.invalid";
/// Claims per transaction.
const BATCH: usize = 5_000;
/// Claims are spread over this many days before now.
const SPAN_DAYS: i64 = 548;

/// Why demo data was not written.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database holds real data ({0} passengers or claims not created by demo-data); \
         use a fresh FLIGHTCLAIM_DATA_DIR, or pass --force to add demo data anyway"
    )]
    RealData(i64),
    #[error("no claim template could be built from the reference data")]
    NoTemplate,
    #[error("{0}")]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for DemoError {
    fn from(e: rusqlite::Error) -> Self {
        DemoError::Db(e.into())
    }
}

/// What a run wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoSummary {
    pub claims: usize,
    pub users: usize,
    pub passengers: usize,
    pub events: usize,
    /// Document rows (metadata only: demo data has no files on disk).
    pub documents: usize,
}

/// Number of passengers and claims that are not demo data.
pub fn real_rows(conn: &rusqlite::Connection) -> Result<i64, DbError> {
    let pattern = format!("%@{DEMO_DOMAIN}");
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM users WHERE role = 'passenger' AND email NOT LIKE ?1)
              + (SELECT count(*) FROM claims c JOIN users u ON u.id = c.user_id
                 WHERE u.email NOT LIKE ?1)",
        params![pattern],
        |r| r.get(0),
    )?)
}

/// A claim reference for the `n`-th demo claim: an affine bijection on 31⁶, so unique.
fn demo_ref(n: u64) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    const SPACE: u64 = 887_503_681; // 31^6
    let mut v = (n.wrapping_mul(387_420_489) + 12_345_678) % SPACE;
    let mut body = [b'2'; 6];
    for slot in body.iter_mut().rev() {
        *slot = ALPHABET[usize::try_from(v % 31).unwrap_or(0)];
        v /= 31;
    }
    format!("FC-{}", String::from_utf8_lossy(&body))
}

/// The status path: (status, min hours, max hours after the previous step).
const PATH: &[(&str, i64, i64)] = &[
    ("in_review", 4, 96),
    ("sent_to_airline", 12, 120),
    ("airline_answered", 72, 1_000),
    ("decision", 1, 72),
    ("paid", 48, 500),
    ("closed", 24, 240),
];

/// Fills the database. `progress` is called after each batch with the claims written so far.
pub fn generate(
    db: &Db,
    claims: usize,
    seed: u64,
    force: bool,
    mut progress: impl FnMut(usize),
) -> Result<DemoSummary, DemoError> {
    let real = db.read_blocking(real_rows)?;
    if real > 0 && !force {
        return Err(DemoError::RealData(real));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let templates = build_templates(&mut rng, RefData::embedded());
    if templates.is_empty() {
        return Err(DemoError::NoTemplate);
    }
    let total_weight: u32 = templates.iter().map(|t| t.weight).sum();
    let start: u64 = db
        .read_blocking(|c| {
            Ok(
                c.query_row("SELECT coalesce(max(id), 0) FROM claims", [], |r| {
                    r.get::<_, i64>(0)
                })?,
            )
        })?
        .try_into()
        .unwrap_or(0);
    let now = Utc::now();
    let mut summary = DemoSummary::default();
    let mut written = 0;
    while written < claims {
        let n = BATCH.min(claims - written);
        let batch = db.write_blocking(|tx| {
            let mut s = DemoSummary::default();
            for i in 0..n {
                let global = start + u64::try_from(written + i).unwrap_or(0);
                let t = pick(&templates, total_weight, &mut rng);
                insert_claim(tx, &mut rng, t, global, now, &mut s)?;
            }
            Ok(s)
        })?;
        written += n;
        summary.claims += batch.claims;
        summary.users += batch.users;
        summary.passengers += batch.passengers;
        summary.events += batch.events;
        summary.documents += batch.documents;
        progress(written);
    }
    Ok(summary)
}

fn pick<'t>(templates: &'t [Template], total: u32, rng: &mut StdRng) -> &'t Template {
    let mut x = rng.random_range(0..total);
    for t in templates {
        if x < t.weight {
            return t;
        }
        x -= t.weight;
    }
    &templates[0]
}

fn insert_claim(
    tx: &Transaction<'_>,
    rng: &mut StdRng,
    t: &Template,
    n: u64,
    now: DateTime<Utc>,
    s: &mut DemoSummary,
) -> Result<(), DbError> {
    // Recent weeks get more claims than old ones: the business grows.
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let age_days = (SPAN_DAYS as f64 * rng.random::<f64>().powf(1.4)) as i64;
    let created = now - Duration::days(age_days) - Duration::minutes(rng.random_range(0..1440));
    let flight = created.date_naive() - Duration::days(rng.random_range(2..120));
    let date = flight.to_string();
    let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
    let created_text = time_text(created);
    // One passenger in seven comes back with a second claim: reuse the previous account.
    let reuse = n % 7 == 3 && s.users > 0;
    let user_id = if reuse {
        tx.last_insert_rowid_of_user()
    } else {
        let email = format!("{}.{}.{n}@{DEMO_DOMAIN}", ascii(first), ascii(last));
        tx.prepare_cached(
            "INSERT INTO users (email, name, role, locale, email_verified_at, created_at, updated_at)
             VALUES (?1, ?2, 'passenger', ?3, ?4, ?4, ?4)",
        )?
        .execute(params![
            email,
            format!("{first} {last}"),
            if rng.random_bool(0.7) { "fr" } else { "en" },
            created_text
        ])?;
        s.users += 1;
        tx.last_insert_rowid()
    };
    let claim_ref = demo_ref(n);
    let reroll = |text: &str| text.replace("{DATE}", &date);
    tx.prepare_cached(
        "INSERT INTO claims (ref, user_id, status, request_json, result_json, amount_cents,
         currency, regime, reason_code, operating_carrier, flight_number, flight_date, route,
         booking_ref, fee_percent, payout_iban, payout_holder, lead_name_key, created_at,
         updated_at)
         VALUES (?1, ?2, 'submitted', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 25,
         'FR7630006000011234567890189', ?14, ?15, ?16, ?16)",
    )?
    .execute(params![
        claim_ref,
        user_id,
        reroll(&t.request_json),
        reroll(&t.result_json),
        t.amount_cents,
        t.currency,
        t.regime,
        t.reason_code,
        t.carrier,
        t.flight_number,
        date,
        t.route,
        format!("D{:05}", n % 100_000),
        format!("{first} {last}"),
        format!("demo {n}"),
        created_text
    ])?;
    let claim_id = tx.last_insert_rowid();
    s.claims += 1;
    let count = 1 + usize::from(rng.random_bool(0.35)) + usize::from(rng.random_bool(0.15));
    for position in 0..count {
        let first_name = if position == 0 {
            first
        } else {
            FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())]
        };
        tx.prepare_cached(
            "INSERT INTO claim_passengers (claim_id, position, first_name, last_name, is_minor, email)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            claim_id,
            i64::try_from(position).unwrap_or(0),
            first_name,
            last,
            position == 2,
            (position == 0).then(|| format!("{}@{DEMO_DOMAIN}", ascii(first)))
        ])?;
        s.passengers += 1;
    }
    documents(tx, rng, claim_id, n, created, s)?;
    let status = history(tx, rng, t, claim_id, created, now, s)?;
    tx.prepare_cached("UPDATE claims SET status = ?1, updated_at = ?2 WHERE id = ?3")?
        .execute(params![status.0, status.1, claim_id])?;
    money(
        tx,
        claim_id,
        t.amount_cents * i64::try_from(count).unwrap_or(1),
    )?;
    side_rows(
        tx,
        rng,
        n,
        (first, last),
        &claim_ref,
        created,
        (status.0, &status.1),
    )
}

/// Money as the dashboard records it: the amount agreed when the claim was approved and, once
/// it was paid, the airline's payment, our fee (25 %) and the payout in the ledger, dated by
/// the "paid" event (a paid claim never lacks its ledger rows).
fn money(tx: &Transaction<'_>, claim_id: i64, total: i64) -> Result<(), DbError> {
    tx.prepare_cached(
        "UPDATE claims SET approved_cents = ?2 WHERE id = ?1 AND EXISTS
            (SELECT 1 FROM claim_events WHERE claim_id = ?1 AND to_status = 'approved')",
    )?
    .execute(params![claim_id, total])?;
    let fee = (total * 25 + 50) / 100;
    for (kind, amount) in [
        ("airline_payment_received", total),
        ("fee", fee),
        ("payout_to_passenger", total - fee),
    ] {
        tx.prepare_cached(
            "INSERT INTO ledger (claim_id, kind, amount_minor, currency, value_date,
                                 recorded_by, created_at)
             SELECT c.id, ?2, ?3, c.currency, substr(e.at, 1, 10), 'demo-data', e.at
             FROM claims c JOIN claim_events e ON e.claim_id = c.id AND e.to_status = 'paid'
             WHERE c.id = ?1 AND ?3 > 0",
        )?
        .execute(params![claim_id, kind, amount])?;
    }
    Ok(())
}

/// The receipt email (already sent, or given up on now and then) and the latest staff action,
/// so that the outbox and audit pages have realistic volumes too. Never `queued`: the mail
/// worker would try to send demo mail.
fn side_rows(
    tx: &Transaction<'_>,
    rng: &mut StdRng,
    n: u64,
    (first, last): (&str, &str),
    claim_ref: &str,
    created: DateTime<Utc>,
    status: (&str, &str),
) -> Result<(), DbError> {
    let mail_at = crate::db::outbox::timestamp(created);
    let failed = rng.random_bool(0.004);
    tx.prepare_cached(
        "INSERT INTO outbox (message_id, kind, to_addr, to_name, locale, subject, body_text,
         body_html, status, attempts, next_attempt_at, last_error, created_at, updated_at, sent_at)
         VALUES (?1, 'claim_submitted', ?2, ?3, 'fr', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?9, ?11)",
    )?
    .execute(params![
        format!("<demo-{n}@{DEMO_DOMAIN}>"),
        format!("{}@{DEMO_DOMAIN}", ascii(first)),
        format!("{first} {last}"),
        format!("Votre demande {claim_ref} est enregistrée"),
        format!("Bonjour {first},\n\nNous avons bien reçu votre demande {claim_ref}."),
        format!("<p>Bonjour {first},</p><p>Nous avons bien reçu votre demande {claim_ref}.</p>"),
        if failed { "failed" } else { "sent" },
        if failed { 8 } else { 1 },
        mail_at,
        failed.then_some("550 5.1.1 mailbox unavailable (demo)"),
        (!failed).then_some(&mail_at),
    ])?;
    if status.0 != "submitted" {
        tx.prepare_cached(
            "INSERT INTO audit_log (at, actor, action, target, before, after)
             VALUES (?1, ?2, 'claim.status', ?3, NULL, ?4)",
        )?
        .execute(params![
            status.1,
            format!("agent{}@{DEMO_DOMAIN}", n % 3 + 1),
            format!("claim:{claim_ref}"),
            status.0
        ])?;
    }
    Ok(())
}

/// The boarding pass almost always, a booking confirmation and an identity document often:
/// metadata rows as uploads leave them (the files themselves are not written).
fn documents(
    tx: &Transaction<'_>,
    rng: &mut StdRng,
    claim_id: i64,
    n: u64,
    created: DateTime<Utc>,
    s: &mut DemoSummary,
) -> Result<(), DbError> {
    use sha2::{Digest as _, Sha256};
    const KINDS: [(&str, f64, &str, &str); 3] = [
        ("boarding_pass", 0.9, "application/pdf", "boarding-pass.pdf"),
        (
            "booking",
            0.6,
            "application/pdf",
            "booking-confirmation.pdf",
        ),
        ("id", 0.5, "image/jpeg", "IMG_2041.jpg"),
    ];
    for (kind, p, content_type, name) in KINDS {
        if !rng.random_bool(p) {
            continue;
        }
        let sha = hex::encode(Sha256::digest(format!("demo-{n}-{kind}")));
        let at = created + Duration::minutes(rng.random_range(0..4 * 1440));
        tx.prepare_cached(
            "INSERT INTO documents (claim_id, kind, passenger_position, sha256, size_bytes,
             content_type, original_name, uploaded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            claim_id,
            kind,
            (kind == "id").then_some(0),
            sha,
            rng.random_range(80_000..3_000_000),
            content_type,
            name,
            time_text(at)
        ])?;
        s.documents += 1;
    }
    Ok(())
}

/// Writes the status events and returns the final (status, time).
fn history(
    tx: &Transaction<'_>,
    rng: &mut StdRng,
    t: &Template,
    claim_id: i64,
    created: DateTime<Utc>,
    now: DateTime<Utc>,
    s: &mut DemoSummary,
) -> Result<(&'static str, String), DbError> {
    let mut event = |from: Option<&str>, to: &str, at: DateTime<Utc>| -> Result<(), DbError> {
        tx.prepare_cached(
            "INSERT INTO claim_events (claim_id, at, kind, from_status, to_status)
             VALUES (?1, ?2, 'status', ?3, ?4)",
        )?
        .execute(params![claim_id, time_text(at), from, to])?;
        s.events += 1;
        Ok(())
    };
    event(None, "submitted", created)?;
    let mut status: &'static str = "submitted";
    let mut at = created;
    // A few claims are withdrawn early; some stall at a random step.
    let stop_after = if rng.random_bool(0.12) {
        rng.random_range(0..PATH.len())
    } else {
        PATH.len()
    };
    let approved = rng.random_range(0..1000) < t.approval_permille;
    for (step, (next, lo, hi)) in PATH.iter().enumerate() {
        if step >= stop_after {
            break;
        }
        if step < 2 && rng.random_bool(0.015) {
            let when = at + Duration::hours(rng.random_range(1..48));
            if when > now {
                break;
            }
            event(Some(status), "withdrawn", when)?;
            return Ok(("withdrawn", time_text(when)));
        }
        let when = at + Duration::hours(rng.random_range(*lo..*hi));
        if when > now {
            break;
        }
        let to: &'static str = match *next {
            "decision" if approved => "approved",
            "decision" => "rejected",
            // Some rejected claims stay open a while (a passenger may contest).
            "paid" if !approved && rng.random_bool(0.4) => break,
            "paid" if !approved => "closed",
            "closed" if !approved => break,
            other => other,
        };
        event(Some(status), to, when)?;
        status = to;
        at = when;
    }
    Ok((status, time_text(at)))
}

fn ascii(name: &str) -> String {
    deunicode::deunicode(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

trait LastUser {
    fn last_insert_rowid_of_user(&self) -> i64;
}

impl LastUser for Transaction<'_> {
    /// The newest demo account: a returning passenger's second claim.
    fn last_insert_rowid_of_user(&self) -> i64 {
        self.query_row("SELECT max(id) FROM users", [], |r| r.get(0))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_are_unique_and_valid() {
        let mut seen = std::collections::HashSet::new();
        for n in 0..50_000 {
            let r = demo_ref(n);
            assert!(crate::domain::claim::ClaimRef::parse(&r).is_some(), "{r}");
            assert!(seen.insert(r));
        }
    }

    #[test]
    fn templates_come_from_the_engine() {
        let mut rng = StdRng::seed_from_u64(7);
        let t = build_templates(&mut rng, RefData::embedded());
        assert!(t.len() > 20, "{} templates", t.len());
        assert!(t.iter().any(|t| t.amount_cents == 40_000));
        assert!(t.iter().all(|t| t.request_json.contains("{DATE}")));
    }
}
