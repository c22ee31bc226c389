//! Aggregates for the staff overview and analytics pages. Read-only SQL over indexes added in
//! `0007_staff.sql`: `claims_money` (status, currency, amount), `claims_analytics` (creation
//! time first, covering every chart column) and `claim_events_status` (kind, target status,
//! claim, time).
//!
//! "Approved" and "paid" mean *reached that status at some point* (a status event exists),
//! not "is in it now": a paid claim is later closed, and it still counts as approved and paid.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::DbError;

/// Count and sum of amounts for one currency.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Money {
    pub currency: String,
    pub claimed_cents: i64,
    pub approved_cents: i64,
    pub paid_cents: i64,
}

/// Outcome counts: how many claims were approved, rejected, paid (ever).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Outcomes {
    pub approved: i64,
    pub rejected: i64,
    pub paid: i64,
}

impl Outcomes {
    /// Approved among decided claims, in percent; `None` before any decision.
    pub fn approval_percent(&self) -> Option<i64> {
        let decided = self.approved + self.rejected;
        (decided > 0).then(|| (self.approved * 100 + decided / 2) / decided)
    }
}

/// Claims per current status, in the order of `ClaimStatus::ALL`.
pub fn count_by_status(conn: &Connection) -> Result<Vec<(String, i64)>, DbError> {
    let mut stmt = conn.prepare("SELECT status, count(*) FROM claims GROUP BY status")?;
    let found: BTreeMap<String, i64> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(crate::domain::claim::ClaimStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                found.get(s.as_str()).copied().unwrap_or(0),
            )
        })
        .collect())
}

/// Claims created at or after `since` (UTC text).
pub fn count_created_since(conn: &Connection, since: &str) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM claims WHERE created_at >= ?1",
        params![since],
        |r| r.get(0),
    )?)
}

/// Money claimed, approved and paid by currency, and outcome counts, for claims created in
/// `[from, to)` (pass `""` and `"~"` for all time).
pub fn money_and_outcomes(
    conn: &Connection,
    from: &str,
    to: &str,
) -> Result<(Vec<Money>, Outcomes), DbError> {
    let mut by_currency: BTreeMap<String, Money> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT currency, sum(amount_cents) FROM claims
         WHERE created_at >= ?1 AND created_at < ?2 GROUP BY currency",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (currency, sum) = row?;
        by_currency
            .entry(currency.clone())
            .or_default()
            .claimed_cents = sum;
    }
    let mut outcomes = Outcomes::default();
    let mut stmt = conn.prepare_cached(
        "SELECT e.to_status, c.currency, count(DISTINCT c.id), sum(c.amount_cents)
         FROM claim_events e JOIN claims c INDEXED BY claims_cover ON c.id = e.claim_id
         WHERE e.kind = 'status' AND e.to_status IN ('approved', 'rejected', 'paid')
           AND c.created_at >= ?1 AND c.created_at < ?2
         GROUP BY e.to_status, c.currency",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    for row in rows {
        let (status, currency, count, sum) = row?;
        let money = by_currency.entry(currency.clone()).or_default();
        match status.as_str() {
            "approved" => {
                money.approved_cents += sum;
                outcomes.approved += count;
            }
            "paid" => {
                money.paid_cents += sum;
                outcomes.paid += count;
            }
            _ => outcomes.rejected += count,
        }
    }
    Ok((
        by_currency
            .into_iter()
            .map(|(currency, m)| Money { currency, ..m })
            .collect(),
        outcomes,
    ))
}

/// Median of a list (sorted in place); `None` when empty (the pure function lives in the domain).
pub use crate::domain::airline_stats::median;

/// Median hours from submission to the first status change, for claims submitted since
/// `since`; and median days from submission to payment, for claims paid since `since`.
pub fn median_times(conn: &Connection, since: &str) -> Result<(Option<f64>, Option<f64>), DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT (julianday((SELECT min(e.at) FROM claim_events e WHERE e.claim_id = c.id
                 AND e.kind = 'status' AND e.from_status IS NOT NULL))
                 - julianday(c.created_at)) * 24
         FROM claims c WHERE c.created_at >= ?1",
    )?;
    let mut answer: Vec<f64> = stmt
        .query_map(params![since], |r| r.get::<_, Option<f64>>(0))?
        .filter_map(|v| v.ok().flatten())
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT julianday(e.at) - julianday(c.created_at)
         FROM claim_events e JOIN claims c INDEXED BY claims_cover ON c.id = e.claim_id
         WHERE e.kind = 'status' AND e.to_status = 'paid' AND e.at >= ?1",
    )?;
    let mut paid: Vec<f64> = stmt
        .query_map(params![since], |r| r.get::<_, Option<f64>>(0))?
        .filter_map(|v| v.ok().flatten())
        .collect();
    Ok((median(&mut answer), median(&mut paid)))
}

/// A claim waiting for a first look.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    pub claim_ref: String,
    pub created_at: String,
    pub flight_number: String,
    pub route: String,
}

/// Claims still `submitted` and created before `before`: the oldest `limit`, and how many.
pub fn waiting_since(
    conn: &Connection,
    before: &str,
    limit: u32,
) -> Result<(i64, Vec<Waiting>), DbError> {
    let count = conn.query_row(
        "SELECT count(*) FROM claims WHERE status = 'submitted' AND created_at < ?1",
        params![before],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT ref, created_at, flight_number, route FROM claims
         WHERE status = 'submitted' AND created_at < ?1 ORDER BY created_at LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![before, limit], |r| {
            Ok(Waiting {
                claim_ref: r.get(0)?,
                created_at: r.get(1)?,
                flight_number: r.get(2)?,
                route: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok((count, rows))
}

/// Outbox messages not sent within the hour (queued or sending since before `before`), and
/// messages given up on.
pub fn stuck_mails(conn: &Connection, before: &str) -> Result<(i64, i64), DbError> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending') AND created_at < ?1),
                (SELECT count(*) FROM outbox WHERE status = 'failed')",
        params![before],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// One row of a "count per label" chart.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub label: String,
    pub count: i64,
}

/// Claims created in `[from, to)` per week (Monday, `YYYY-MM-DD`) and status.
pub fn weekly_by_status(
    conn: &Connection,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, i64)>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT date(created_at, '-6 days', 'weekday 1') AS week, status, count(*)
         FROM claims WHERE created_at >= ?1 AND created_at < ?2
         GROUP BY week, status ORDER BY week",
    )?;
    let rows = stmt
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The `limit` most frequent values of a claims column in `[from, to)`.
pub fn top(
    conn: &Connection,
    column: TopColumn,
    from: &str,
    to: &str,
    limit: u32,
) -> Result<Vec<Count>, DbError> {
    let expr = match column {
        TopColumn::Airline => "operating_carrier",
        TopColumn::Route => "route",
        TopColumn::Disruption => {
            "CASE WHEN reason_code LIKE '%DENIED_BOARDING%' THEN 'denied_boarding'
                  WHEN reason_code LIKE '%CANCELLATION%' THEN 'cancellation'
                  WHEN reason_code LIKE '%DOWNGRADE%' THEN 'downgrade'
                  WHEN reason_code LIKE '%DELAY%' THEN 'delay' ELSE 'other' END"
        }
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {expr} AS label, count(*) FROM claims WHERE created_at >= ?1 AND created_at < ?2
         GROUP BY label ORDER BY count(*) DESC, label LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![from, to, limit], |r| {
            Ok(Count {
                label: r.get(0)?,
                count: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Which column [`top`] groups by (a closed set: never text from a request).
#[derive(Debug, Clone, Copy)]
pub enum TopColumn {
    Airline,
    Route,
    Disruption,
}

/// Approved and rejected claims per airline, for claims created in `[from, to)`.
pub fn outcomes_by_airline(
    conn: &Connection,
    from: &str,
    to: &str,
) -> Result<Vec<(String, Outcomes)>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.operating_carrier,
                sum(e.to_status = 'approved'), sum(e.to_status = 'rejected')
         FROM claim_events e JOIN claims c INDEXED BY claims_cover ON c.id = e.claim_id
         WHERE e.kind = 'status' AND e.to_status IN ('approved', 'rejected')
           AND c.created_at >= ?1 AND c.created_at < ?2
         GROUP BY c.operating_carrier",
    )?;
    let rows = stmt
        .query_map(params![from, to], |r| {
            Ok((
                r.get(0)?,
                Outcomes {
                    approved: r.get(1)?,
                    rejected: r.get(2)?,
                    paid: 0,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// How many claims are over (closed, paid, rejected or withdrawn): the key under which
/// [`stage_medians`] is kept (a claim that ends changes it).
pub fn closed_claims(conn: &Connection) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM claims WHERE status IN ('closed', 'paid', 'rejected', 'withdrawn')",
        [],
        |r| r.get(0),
    )?)
}

/// For each status, the median days the operator's closed claims (closed, paid, rejected or
/// withdrawn) spent in it — from the event that entered it to the next status event — and how
/// many stays that median comes from. The passenger page's "what happens next" uses a median
/// only from `domain::stage_times::MIN_SAMPLES` stays on.
pub fn stage_medians(conn: &Connection) -> Result<BTreeMap<String, (f64, usize)>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.to_status, julianday((SELECT min(n.at) FROM claim_events n
                 WHERE n.claim_id = e.claim_id AND n.kind = 'status' AND n.id <> e.id
                 AND (n.at > e.at OR (n.at = e.at AND n.id > e.id)))) - julianday(e.at)
         FROM claims c JOIN claim_events e ON e.claim_id = c.id
         WHERE c.status IN ('closed', 'paid', 'rejected', 'withdrawn')
         AND e.kind = 'status' AND e.to_status IS NOT NULL",
    )?;
    let mut stays: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<f64>>(1)?))
    })?;
    for row in rows {
        if let (status, Some(days)) = row? {
            stays.entry(status).or_default().push(days);
        }
    }
    Ok(stays
        .into_iter()
        .filter_map(|(status, mut days)| {
            let n = days.len();
            median(&mut days).map(|m| (status, (m, n)))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn approval_percent() {
        let o = |approved, rejected| Outcomes {
            approved,
            rejected,
            paid: 0,
        };
        assert_eq!(o(0, 0).approval_percent(), None);
        assert_eq!(o(1, 1).approval_percent(), Some(50));
        assert_eq!(o(2, 1).approval_percent(), Some(67));
        assert_eq!(o(5, 0).approval_percent(), Some(100));
    }
}
