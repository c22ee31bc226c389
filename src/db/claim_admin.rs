//! What the staff side reads and writes about one claim: the whole record, the full timeline
//! (internal notes included), the assignee, messages, notes and document requests.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{DbError, now_text};

/// A claim with everything the detail page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimDetail {
    pub id: i64,
    pub claim_ref: String,
    pub user_id: i64,
    pub status: String,
    pub request_json: String,
    pub result_json: String,
    pub amount_cents: i64,
    pub currency: String,
    pub regime: String,
    pub reason_code: String,
    pub operating_carrier: String,
    pub airline: String,
    pub disruption: String,
    pub flight_number: String,
    pub flight_date: String,
    pub route: String,
    pub booking_ref: String,
    pub fee_percent: i64,
    pub payout_iban: String,
    pub payout_holder: String,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub approved_cents: Option<i64>,
    pub paid_cents: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    /// The passenger account: address, name and language (emails use it).
    pub email: String,
    pub name: String,
    pub locale: String,
    /// When the claim entered its current status.
    pub status_since: String,
    /// The daily job leaves this claim alone.
    pub chasers_paused: bool,
    /// The last day to sue, as the engine answered at submission (`YYYY-MM-DD`).
    pub limitation_date: Option<String>,
}

pub fn find_detail(conn: &Connection, claim_ref: &str) -> Result<Option<ClaimDetail>, DbError> {
    Ok(conn
        .query_row(
            "SELECT c.id, c.ref, c.user_id, c.status, c.request_json, c.result_json,
                    c.amount_cents, c.currency, c.regime, c.reason_code, c.operating_carrier,
                    coalesce(c.airline, ''), coalesce(c.disruption, ''), c.flight_number,
                    c.flight_date, c.route, c.booking_ref, c.fee_percent, c.payout_iban,
                    c.payout_holder, c.assignee_id, coalesce(nullif(a.name, ''), a.email),
                    c.approved_cents, c.paid_cents, c.created_at, c.updated_at,
                    u.email, u.name, u.locale, coalesce(c.status_since, c.created_at),
                    c.chasers_paused, c.limitation_date
             FROM claims c JOIN users u ON u.id = c.user_id
             LEFT JOIN users a ON a.id = c.assignee_id WHERE c.ref = ?1",
            params![claim_ref],
            |r| {
                Ok(ClaimDetail {
                    id: r.get(0)?,
                    claim_ref: r.get(1)?,
                    user_id: r.get(2)?,
                    status: r.get(3)?,
                    request_json: r.get(4)?,
                    result_json: r.get(5)?,
                    amount_cents: r.get(6)?,
                    currency: r.get(7)?,
                    regime: r.get(8)?,
                    reason_code: r.get(9)?,
                    operating_carrier: r.get(10)?,
                    airline: r.get(11)?,
                    disruption: r.get(12)?,
                    flight_number: r.get(13)?,
                    flight_date: r.get(14)?,
                    route: r.get(15)?,
                    booking_ref: r.get(16)?,
                    fee_percent: r.get(17)?,
                    payout_iban: r.get(18)?,
                    payout_holder: r.get(19)?,
                    assignee_id: r.get(20)?,
                    assignee: r.get(21)?,
                    approved_cents: r.get(22)?,
                    paid_cents: r.get(23)?,
                    created_at: r.get(24)?,
                    updated_at: r.get(25)?,
                    email: r.get(26)?,
                    name: r.get(27)?,
                    locale: r.get(28)?,
                    status_since: r.get(29)?,
                    chasers_paused: r.get(30)?,
                    limitation_date: r.get(31)?,
                })
            },
        )
        .optional()?)
}

/// One timeline entry as staff see it.
#[derive(Debug, Clone, Serialize)]
pub struct StaffEvent {
    pub at: String,
    pub kind: String,
    pub actor: Option<String>,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub body: String,
    pub visible_to_passenger: bool,
}

/// Every timeline entry, internal notes included, oldest first.
pub fn events(conn: &Connection, claim_id: i64) -> Result<Vec<StaffEvent>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT e.at, e.kind, coalesce(nullif(u.name, ''), u.email), e.from_status, e.to_status,
                e.body, e.visible_to_passenger
         FROM claim_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.claim_id = ?1 ORDER BY e.at, e.id",
    )?;
    let rows = stmt.query_map(params![claim_id], |r| {
        Ok(StaffEvent {
            at: r.get(0)?,
            kind: r.get(1)?,
            actor: r.get(2)?,
            from_status: r.get(3)?,
            to_status: r.get(4)?,
            body: r.get(5)?,
            visible_to_passenger: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds a status change with its note (visible to the passenger).
pub fn add_status_event(
    tx: &Transaction<'_>,
    claim_id: i64,
    actor_id: Option<i64>,
    from: &str,
    to: &str,
    body: &str,
) -> Result<(), DbError> {
    add_status_event_at(tx, claim_id, actor_id, (from, to), body, &now_text())
}

/// [`add_status_event`] at a given time (the daily job's clock).
pub fn add_status_event_at(
    tx: &Transaction<'_>,
    claim_id: i64,
    actor_id: Option<i64>,
    (from, to): (&str, &str),
    body: &str,
    at: &str,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO claim_events (claim_id, at, kind, actor_id, from_status, to_status, body)
         VALUES (?1, ?2, 'status', ?3, ?4, ?5, ?6)",
        params![claim_id, at, actor_id, from, to, body],
    )?;
    Ok(())
}

/// A message to the passenger (`visible`) or an internal note (not visible).
pub fn add_text_event(
    tx: &Transaction<'_>,
    claim_id: i64,
    actor_id: i64,
    body: &str,
    visible: bool,
) -> Result<(), DbError> {
    add_event(tx, claim_id, Some(actor_id), body, visible)
}

/// [`add_text_event`] by someone or, with no actor, by the daily job.
pub fn add_event(
    tx: &Transaction<'_>,
    claim_id: i64,
    actor_id: Option<i64>,
    body: &str,
    visible: bool,
) -> Result<(), DbError> {
    let kind = if visible { "message" } else { "note" };
    tx.execute(
        "INSERT INTO claim_events (claim_id, at, kind, actor_id, body, visible_to_passenger)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![claim_id, now_text(), kind, actor_id, body, visible],
    )?;
    Ok(())
}

/// Sets (or clears) the assignee; returns the previous one.
pub fn set_assignee(
    tx: &Transaction<'_>,
    claim_id: i64,
    assignee: Option<i64>,
) -> Result<Option<i64>, DbError> {
    let before: Option<i64> = tx.query_row(
        "SELECT assignee_id FROM claims WHERE id = ?1",
        params![claim_id],
        |r| r.get(0),
    )?;
    tx.execute(
        "UPDATE claims SET assignee_id = ?2, updated_at = ?3 WHERE id = ?1",
        params![claim_id, assignee, now_text()],
    )?;
    Ok(before)
}

/// Pauses or resumes the daily job's chasers for the claim.
pub fn set_chasers_paused(
    tx: &Transaction<'_>,
    claim_id: i64,
    paused: bool,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE claims SET chasers_paused = ?2 WHERE id = ?1",
        params![claim_id, paused],
    )?;
    Ok(())
}

/// Whether `id` is an enabled agent or admin.
pub fn is_staff(conn: &Connection, id: i64) -> Result<bool, DbError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM users WHERE id = ?1 AND role IN ('agent', 'finance', 'admin')
             AND disabled_at IS NULL",
            params![id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Records the amount agreed (Approve) or paid (Mark paid), total in minor units.
pub fn set_amount(
    tx: &Transaction<'_>,
    claim_id: i64,
    paid: bool,
    cents: i64,
) -> Result<(), DbError> {
    let sql = if paid {
        "UPDATE claims SET paid_cents = ?2 WHERE id = ?1"
    } else {
        "UPDATE claims SET approved_cents = ?2 WHERE id = ?1"
    };
    tx.execute(sql, params![claim_id, cents])?;
    Ok(())
}

/// An open "what we need from you".
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRequest {
    pub id: i64,
    pub kinds: Vec<String>,
    pub note: String,
    pub requested_at: String,
    /// Since when it waits for the passenger (after the daily job's last reminder).
    pub waiting_since: Option<String>,
}

pub fn insert_document_request(
    tx: &Transaction<'_>,
    claim_id: i64,
    actor_id: i64,
    kinds: &[&str],
    note: &str,
) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO document_requests (claim_id, kinds, note, requested_by, requested_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![claim_id, kinds.join(","), note, actor_id, now_text()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The requests still waiting for the passenger, oldest first.
pub fn open_document_requests(
    conn: &Connection,
    claim_id: i64,
) -> Result<Vec<DocumentRequest>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, kinds, note, requested_at, waiting_since FROM document_requests
         WHERE claim_id = ?1 AND closed_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map(params![claim_id], |r| {
        let kinds: String = r.get(1)?;
        Ok(DocumentRequest {
            id: r.get(0)?,
            kinds: kinds
                .split(',')
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect(),
            note: r.get(2)?,
            requested_at: r.get(3)?,
            waiting_since: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Closes an open request of this claim, as `fulfilled` (the passenger provided the documents:
/// the documents area calls this) or `cleared` (an agent no longer needs them).
pub fn close_document_request(
    tx: &Transaction<'_>,
    claim_id: i64,
    request_id: i64,
    fulfilled: bool,
) -> Result<(), DbError> {
    let how = if fulfilled { "fulfilled" } else { "cleared" };
    let changed = tx.execute(
        "UPDATE document_requests SET closed_at = ?3, closed_how = ?4
         WHERE id = ?1 AND claim_id = ?2 AND closed_at IS NULL",
        params![request_id, claim_id, now_text(), how],
    )?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// The request kinds (`DocumentKind` names) that the claim's documents uploaded at or after
/// `since` satisfy, with the signed mandate (whenever it was signed). Uploads have coarser
/// kinds than requests: an "other" upload counts for the kinds that have no upload kind of
/// their own (the agent checks it; a wrong file is answered with a new request).
fn kinds_uploaded_since(
    tx: &Transaction<'_>,
    claim_id: i64,
    since: &str,
) -> Result<Vec<&'static str>, DbError> {
    let mut present = Vec::new();
    let documents = crate::db::documents::list_for_claim(tx, claim_id)?;
    for doc in documents.iter().filter(|d| d.uploaded_at.as_str() >= since) {
        let kinds: &[&'static str] = match doc.kind.as_str() {
            "boarding_pass" => &["boarding_pass"],
            "booking" => &["booking_confirmation"],
            "id" => &["identity_document"],
            _ => &["delay_confirmation", "expense_receipts", "bank_details"],
        };
        present.extend_from_slice(kinds);
    }
    if !crate::db::mandates::list_for_claim(tx, claim_id)?.is_empty() {
        present.push("power_of_attorney");
    }
    present.sort_unstable();
    present.dedup();
    Ok(present)
}

/// After a new document (not a refused duplicate) was added to the claim: closes as
/// `fulfilled` each open request whose kinds all have a document uploaded since the request
/// was made — a file sent before the request, or of another kind, does not answer it.
pub fn fulfil_requests_after_upload(tx: &Transaction<'_>, claim_id: i64) -> Result<usize, DbError> {
    let mut closed = 0;
    for request in open_document_requests(tx, claim_id)? {
        let present = kinds_uploaded_since(tx, claim_id, &request.requested_at)?;
        if request.kinds.iter().all(|k| present.contains(&k.as_str())) {
            close_document_request(tx, claim_id, request.id, true)?;
            closed += 1;
        }
    }
    Ok(closed)
}

/// Closes as `fulfilled` every open request of the claim whose kinds are all in `present`
/// (the `DocumentKind` names the claim now has documents for); returns how many closed. The
/// documents area calls this after an upload, in the upload's transaction.
pub fn fulfil_requests(
    tx: &Transaction<'_>,
    claim_id: i64,
    present: &[&str],
) -> Result<usize, DbError> {
    let mut closed = 0;
    for request in open_document_requests(tx, claim_id)? {
        if request.kinds.iter().all(|k| present.contains(&k.as_str())) {
            close_document_request(tx, claim_id, request.id, true)?;
            closed += 1;
        }
    }
    Ok(closed)
}
