//! The staff claim queue: typed filters, sorts and keyset pagination over `claims`.
//!
//! Every sort orders by one column and then by the id, so `(key, id)` is unique and a page
//! starts strictly after the previous page's last row: no `OFFSET`, each claim once. The
//! cursor carries the sort it belongs to; a cursor from another sort is refused.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use serde::Serialize;

use super::DbError;
use crate::domain::claim::{ClaimRef, ClaimStatus};
use crate::domain::deadlines::{PassedBefore, is_pursued};
use crate::domain::flight::parse_flight_number;

/// Disruption types of the eligibility request (`disruption.type`).
pub const DISRUPTIONS: [&str; 4] = ["delay", "cancellation", "denied_boarding", "downgrade"];

/// How the queue is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Amount,
    FlightDate,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Newest, Sort::Oldest, Sort::Amount, Sort::FlightDate];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Amount => "amount",
            Sort::FlightDate => "flight_date",
        }
    }

    pub fn parse(text: &str) -> Option<Sort> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    fn column(self) -> &'static str {
        match self {
            Sort::Newest | Sort::Oldest => "c.created_at",
            Sort::Amount => "c.amount_cents",
            Sort::FlightDate => "c.flight_date",
        }
    }

    fn descending(self) -> bool {
        self != Sort::Oldest
    }

    fn numeric(self) -> bool {
        self == Sort::Amount
    }
}

/// Whose claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Assignee {
    #[default]
    Any,
    Unassigned,
    User(i64),
}

/// Which date the range applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateField {
    #[default]
    Flight,
    Created,
}

/// A validated filter; the web layer turns query strings into this and drops what is invalid.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<ClaimStatus>,
    /// IATA airline designator (2–3 upper-case letters or digits).
    pub airline: Option<String>,
    /// One of [`DISRUPTIONS`].
    pub disruption: Option<&'static str>,
    pub date_field: DateField,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub assignee: Assignee,
    /// Bounds on the amount per passenger, in cents.
    pub min_cents: Option<i64>,
    pub max_cents: Option<i64>,
    /// Only claims with a passenger message nobody answered yet.
    pub awaiting_answer: bool,
    /// In their current status since this day or earlier (`days_in_status`).
    pub status_since_by: Option<NaiveDate>,
    /// One of their deadlines has passed (`deadline=passed`; the cutoffs of that day).
    pub deadline_passed: Option<PassedBefore>,
    /// Still pursued, with a limitation date between these days (`limitation_within`).
    pub limitation_between: Option<(NaiveDate, NaiveDate)>,
    /// With a document request open since this day or earlier (`documents_waiting`).
    pub requested_by: Option<NaiveDate>,
    /// Reference, passenger name, email or flight number.
    pub q: String,
    pub sort: Sort,
}

/// Where a page starts: after the row with this sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub sort: Sort,
    pub key: String,
    pub id: i64,
}

impl Cursor {
    /// Opaque text for the query string (hex of `sort|key|id`).
    pub fn encode(&self) -> String {
        hex::encode(format!("{}|{}|{}", self.sort.as_str(), self.key, self.id))
    }

    /// Decodes and checks a cursor for `sort`; `None` for anything that is not one we made.
    pub fn decode(text: &str, sort: Sort) -> Option<Cursor> {
        if text.len() > 200 {
            return None;
        }
        let raw = String::from_utf8(hex::decode(text).ok()?).ok()?;
        let mut parts = raw.splitn(3, '|');
        let (s, key, id) = (parts.next()?, parts.next()?, parts.next()?);
        if Sort::parse(s)? != sort {
            return None;
        }
        let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
        let key_ok = if sort.numeric() {
            key.parse::<i64>().is_ok()
        } else {
            !key.is_empty()
                && key.len() <= 40
                && key
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"-:TZ".contains(&b))
        };
        key_ok.then(|| Cursor {
            sort,
            key: key.to_string(),
            id,
        })
    }
}

/// One row of the queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    pub id: i64,
    pub claim_ref: String,
    pub status: String,
    pub amount_cents: i64,
    pub currency: String,
    pub passengers: i64,
    pub flight_number: String,
    pub flight_date: String,
    pub route: String,
    pub airline: String,
    pub disruption: String,
    pub created_at: String,
    /// When it entered its current status.
    pub status_since: String,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub lead_name: String,
    pub email: String,
}

impl QueueRow {
    fn cursor(&self, sort: Sort) -> Cursor {
        let key = match sort {
            Sort::Newest | Sort::Oldest => self.created_at.clone(),
            Sort::Amount => self.amount_cents.to_string(),
            Sort::FlightDate => self.flight_date.clone(),
        };
        Cursor {
            sort,
            key,
            id: self.id,
        }
    }
}

/// Shorter search text (not a reference or flight number) is ignored: the trigram index needs
/// three characters, and without it every claim's text is read.
pub const MIN_SEARCH_CHARS: usize = 3;

/// The search box's condition: a reference, the start of one, a flight number or a substring
/// of names, emails, claim and booking references and the route's airport codes, accents and
/// case folded on both sides (`Lefevre` finds `Lefèvre`: the trigram index of migration 0019
/// removes diacritics); `None` when the text is too short to mean anything.
fn search_clause(q: &str) -> Option<(String, Vec<Value>)> {
    let flight = parse_flight_number(q).ok().map(|f| f.to_string());
    let ref_prefix = q.to_ascii_uppercase();
    if let Some(r) = ClaimRef::parse(q) {
        return Some(("c.ref = ?".into(), vec![r.to_string().into()]));
    }
    if ref_prefix.starts_with("FC-") && ref_prefix.len() <= 9 {
        // The start of a reference: a range of the unique index ("FC-" alone is every claim).
        return (ref_prefix.len() > 3).then(|| {
            (
                "c.ref >= ? AND c.ref < ?".into(),
                vec![ref_prefix.clone().into(), format!("{ref_prefix}~").into()],
            )
        });
    }
    if q.is_empty() || (q.chars().count() < MIN_SEARCH_CHARS && flight.is_none()) {
        return None;
    }
    // A trigram phrase query: a substring match that uses the index (a `LIKE … ESCAPE`
    // would not) and has no wildcards at all — `%`, `_` and `*` are plain characters.
    // Under three characters a trigram phrase has no trigram: the flight number only.
    let flight = flight.unwrap_or_default();
    Some(if q.chars().count() >= MIN_SEARCH_CHARS {
        (
            "(c.flight_number = ? OR c.id IN (SELECT rowid FROM claim_search WHERE claim_search MATCH ?))".into(),
            vec![flight.into(), super::fts_phrase(q).into()],
        )
    } else {
        ("c.flight_number = ?".into(), vec![flight.into()])
    })
}

/// `'a', 'b'`: the statuses still pursued, for `IN (…)`.
fn pursued_list() -> String {
    ClaimStatus::ALL
        .into_iter()
        .filter(|s| is_pursued(*s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The day after `day`: "before the next day" includes the whole of `day` for timestamps.
fn next_day(day: NaiveDate) -> String {
    day.succ_opt().unwrap_or(day).to_string()
}

/// Days in status, deadlines and limitation. `deadline=passed` mirrors
/// [`crate::domain::deadlines::deadlines`] through [`PassedBefore`] (a test compares the queue
/// with each claim page's "passed" mark): each kind of deadline is an indexed lookup, and the
/// claims are the union of them.
fn deadline_clauses(filter: &QueueFilter, push: &mut dyn FnMut(&str, Vec<Value>)) {
    if let Some(day) = filter.status_since_by {
        push("c.status_since < ?", vec![next_day(day).into()]);
    }
    if let Some(day) = filter.requested_by {
        push(
            "c.id IN (SELECT claim_id FROM document_requests
                       WHERE closed_at IS NULL AND requested_at < ?)",
            vec![next_day(day).into()],
        );
    }
    if let Some((from, to)) = filter.limitation_between {
        push(
            &format!(
                "c.limitation_date >= ? AND c.limitation_date <= ? AND c.status IN ({})",
                pursued_list()
            ),
            vec![from.to_string().into(), to.to_string().into()],
        );
    }
    if let Some(cut) = filter.deadline_passed {
        let pursued = pursued_list();
        // The highest reminder already sent for request `r` (0 when none).
        let sent = "coalesce((SELECT max(CAST(substr(a.key, length(r.id) + 2) AS INTEGER))
                     FROM chaser_actions a WHERE a.claim_id = r.claim_id
                      AND a.action = 'document_reminder' AND a.outcome = 'done'
                      AND a.key LIKE r.id || ':%'), 0)";
        push(
            &format!(
                "c.id IN (
                 SELECT id FROM claims
                  WHERE status IN ('sent_to_airline', 'reminder_sent') AND status_since < ?
                 UNION SELECT r.claim_id FROM document_requests r JOIN claims k ON k.id = r.claim_id
                  WHERE r.closed_at IS NULL AND r.waiting_since IS NULL AND r.requested_at < ?
                    AND k.status IN ({pursued})
                    AND r.requested_at < CASE {sent} WHEN 0 THEN ? WHEN 1 THEN ? WHEN 2 THEN ? ELSE '' END
                 UNION SELECT o.claim_id FROM settlement_offers o JOIN claims k ON k.id = o.claim_id
                  WHERE o.state = 'pending' AND o.offered_at < ? AND k.status IN ({pursued})
                 UNION SELECT id FROM claims
                  WHERE limitation_date < ? AND status IN ({pursued}))"
            ),
            vec![
                cut.status_since.to_string().into(),
                cut.requested[0].to_string().into(),
                cut.requested[0].to_string().into(),
                cut.requested[1].to_string().into(),
                cut.requested[2].to_string().into(),
                cut.offered.to_string().into(),
                cut.limitation.to_string().into(),
            ],
        );
    }
}

/// How many claims match the filter (the overview's attention items count what their link
/// opens).
pub fn count(conn: &Connection, filter: &QueueFilter) -> Result<i64, DbError> {
    let (clause, args) = where_clause(filter, None);
    Ok(conn.query_row(
        &format!("SELECT count(*) FROM claims c {clause}"),
        params_from_iter(args),
        |r| r.get(0),
    )?)
}

fn where_clause(filter: &QueueFilter, cursor: Option<&Cursor>) -> (String, Vec<Value>) {
    let mut sql = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut push = |clause: &str, values: Vec<Value>, sql: &mut Vec<String>| {
        sql.push(clause.to_string());
        args.extend(values);
    };
    if let Some(s) = filter.status {
        push(
            "c.status = ?",
            vec![s.as_str().to_string().into()],
            &mut sql,
        );
    }
    if let Some(a) = &filter.airline {
        push("c.airline = ?", vec![a.clone().into()], &mut sql);
    }
    if let Some(d) = filter.disruption {
        push("c.disruption = ?", vec![d.to_string().into()], &mut sql);
    }
    let column = match filter.date_field {
        DateField::Flight => "c.flight_date",
        DateField::Created => "c.created_at",
    };
    // A range on another column than the sort's is checked while walking the sort's covering
    // index (`+` keeps SQLite from driving the query by the range and then sorting every
    // match, which at 100,000 claims took 150–700 ms for a wide range; see migration 0008).
    let sort_column = filter.sort.column();
    let unary = |col: &str| if col == sort_column { "" } else { "+" };
    let column = format!("{}{column}", unary(column));
    let amount = format!("{}c.amount_cents", unary("c.amount_cents"));
    if let Some(from) = filter.from {
        push(
            &format!("{column} >= ?"),
            vec![from.to_string().into()],
            &mut sql,
        );
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        // Dates and timestamps both sort as text: "< the next day" includes the whole day.
        push(
            &format!("{column} < ?"),
            vec![to.to_string().into()],
            &mut sql,
        );
    }
    match filter.assignee {
        Assignee::Any => {}
        Assignee::Unassigned => push("c.assignee_id IS NULL", vec![], &mut sql),
        Assignee::User(id) => push("c.assignee_id = ?", vec![id.into()], &mut sql),
    }
    if let Some(min) = filter.min_cents {
        push(&format!("{amount} >= ?"), vec![min.into()], &mut sql);
    }
    if let Some(max) = filter.max_cents {
        push(&format!("{amount} <= ?"), vec![max.into()], &mut sql);
    }
    if filter.awaiting_answer {
        push(
            "EXISTS (SELECT 1 FROM passenger_messages m WHERE m.claim_id = c.id AND m.answered_at IS NULL)",
            vec![],
            &mut sql,
        );
    }
    deadline_clauses(filter, &mut |clause, values| push(clause, values, &mut sql));
    if let Some((clause, values)) = search_clause(filter.q.trim()) {
        push(&clause, values, &mut sql);
    }
    if let Some(cur) = cursor {
        let op = if cur.sort.descending() { "<" } else { ">" };
        let key: Value = if cur.sort.numeric() {
            cur.key.parse::<i64>().unwrap_or_default().into()
        } else {
            cur.key.clone().into()
        };
        push(
            &format!("({}, c.id) {op} (?, ?)", cur.sort.column()),
            vec![key, cur.id.into()],
            &mut sql,
        );
    }
    let text = if sql.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", sql.join(" AND "))
    };
    (text, args)
}

const SELECT: &str = "SELECT c.id, c.ref, c.status, c.amount_cents, c.currency,
    (SELECT count(*) FROM claim_passengers p WHERE p.claim_id = c.id),
    c.flight_number, c.flight_date, c.route, coalesce(c.airline, ''), coalesce(c.disruption, ''),
    c.created_at, c.assignee_id, coalesce(nullif(a.name, ''), a.email),
    coalesce((SELECT p.first_name || ' ' || p.last_name FROM claim_passengers p
              WHERE p.claim_id = c.id ORDER BY p.position LIMIT 1), ''),
    u.email, coalesce(c.status_since, c.created_at)
    FROM claims c JOIN users u ON u.id = c.user_id LEFT JOIN users a ON a.id = c.assignee_id";

/// One page of the queue (at most `limit` rows) and the cursor of the next page, if any.
pub fn list(
    conn: &Connection,
    filter: &QueueFilter,
    cursor: Option<&Cursor>,
    limit: u32,
) -> Result<(Vec<QueueRow>, Option<Cursor>), DbError> {
    let (clause, mut args) = where_clause(filter, cursor);
    let dir = if filter.sort.descending() {
        "DESC"
    } else {
        "ASC"
    };
    let sql = format!(
        "{SELECT} {clause} ORDER BY {col} {dir}, c.id {dir} LIMIT ?",
        col = filter.sort.column()
    );
    args.push(i64::from(limit).saturating_add(1).into());
    let mut stmt = conn.prepare(&sql)?;
    let mut rows: Vec<QueueRow> = stmt
        .query_map(params_from_iter(args), |r| {
            Ok(QueueRow {
                id: r.get(0)?,
                claim_ref: r.get(1)?,
                status: r.get(2)?,
                amount_cents: r.get(3)?,
                currency: r.get(4)?,
                passengers: r.get(5)?,
                flight_number: r.get(6)?,
                flight_date: r.get(7)?,
                route: r.get(8)?,
                airline: r.get(9)?,
                disruption: r.get(10)?,
                created_at: r.get(11)?,
                assignee_id: r.get(12)?,
                assignee: r.get(13)?,
                lead_name: r.get(14)?,
                email: r.get(15)?,
                status_since: r.get(16)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.cursor(filter.sort))
    } else {
        None
    };
    Ok((rows, next))
}

/// Staff members (agents and admins) who can be given a claim, by name.
#[derive(Debug, Clone, Serialize)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
}

pub fn staff_members(conn: &Connection) -> Result<Vec<StaffMember>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, coalesce(nullif(name, ''), email) FROM users
         WHERE role IN ('agent', 'finance', 'admin') AND disabled_at IS NULL ORDER BY 2, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(StaffMember {
            id: r.get(0)?,
            name: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Most claims [`count_capped`] counts: beyond it the queue says "more than".
pub const COUNT_CAP: i64 = 1_000;

/// How many claims match `filter` across all pages, at most `COUNT_CAP + 1` (more means
/// "over [`COUNT_CAP`]": counting stops there, so a broad filter stays fast at any size). The
/// overview's attention items use the exact [`count`] (their filters are narrow).
pub fn count_capped(conn: &Connection, filter: &QueueFilter) -> Result<i64, DbError> {
    let (clause, mut args) = where_clause(filter, None);
    args.push((COUNT_CAP + 1).into());
    let sql = format!("SELECT count(*) FROM (SELECT 1 FROM claims c {clause} LIMIT ?)");
    Ok(conn.query_row(&sql, params_from_iter(args), |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let c = Cursor {
            sort: Sort::Newest,
            key: "2026-11-25T10:00:00Z".into(),
            id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode(), Sort::Newest), Some(c.clone()));
        assert_eq!(Cursor::decode(&c.encode(), Sort::Amount), None);
        for junk in [
            "",
            "zz",
            "'; DROP TABLE claims; --",
            &hex::encode("newest|<script>|1"),
            &hex::encode("newest|2026|-1"),
            &hex::encode("amount|abc|1"),
            &"a".repeat(400),
        ] {
            assert!(Cursor::decode(junk, Sort::Newest).is_none(), "{junk}");
            assert!(Cursor::decode(junk, Sort::Amount).is_none(), "{junk}");
        }
    }
}
