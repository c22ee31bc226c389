//! The facts behind the per-airline statistics (`/admin/airlines`): per airline, its claims,
//! each claim's status history (the first time it reached each status, from `claim_events`),
//! rejection reasons (from the audit log of status changes) and what it still owes (the
//! ledger's receivables). The figures themselves are computed by the pure
//! `domain::airline_stats::figures`.
//!
//! Indexes (`0016_airline_stats.sql`): `claims_airline` finds an airline's claims,
//! `claim_events_history` (claim, kind, status, time) reads the histories without touching the
//! events table, and the partial `audit_log_rejections` holds only the rejections.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, params};

use super::DbError;
use crate::domain::airline_stats::{AirlineFacts, ClaimHistory};
use crate::domain::money::Money;

/// Which airlines to read: all of them, or one (an upper-case IATA designator).
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    One(&'a str),
}

impl Scope<'_> {
    /// The `[low, high]` range of the `airline` column (a range keeps the index usable).
    fn range(self) -> (String, String) {
        match self {
            Scope::All => (String::new(), "~".into()),
            Scope::One(code) => (code.to_string(), code.to_string()),
        }
    }
}

/// The facts of every airline in `scope` that has at least one claim, most claims first.
pub fn list_facts(conn: &Connection, scope: Scope<'_>) -> Result<Vec<AirlineFacts>, DbError> {
    let (low, high) = scope.range();
    let mut by_airline: BTreeMap<String, AirlineFacts> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT airline, count(*) FROM claims INDEXED BY claims_airline
         WHERE airline >= ?1 AND airline <= ?2 GROUP BY airline",
    )?;
    let rows = stmt.query_map(params![low, high], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (airline, claims) = row?;
        by_airline.insert(
            airline.clone(),
            AirlineFacts {
                airline,
                claims,
                ..AirlineFacts::default()
            },
        );
    }
    let mut histories: HashMap<i64, (String, ClaimHistory)> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT c.airline, e.claim_id, e.to_status, min(julianday(e.at))
         FROM claims c INDEXED BY claims_airline
         JOIN claim_events e INDEXED BY claim_events_history ON e.claim_id = c.id
         WHERE c.airline >= ?1 AND c.airline <= ?2 AND e.kind = 'status'
           AND e.to_status IS NOT NULL
         GROUP BY e.claim_id, e.to_status",
    )?;
    let rows = stmt.query_map(params![low, high], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, f64>(3)?,
        ))
    })?;
    for row in rows {
        let (airline, claim, status, at) = row?;
        histories
            .entry(claim)
            .or_insert_with(|| (airline, ClaimHistory::default()))
            .1
            .reached
            .push((status, at));
    }
    for (airline, history) in histories.into_values() {
        if let Some(f) = by_airline.get_mut(&airline) {
            f.histories.push(history);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT c.airline, substr(a.after, 11), count(*)
         FROM audit_log a JOIN claims c ON c.ref = substr(a.target, 7)
         WHERE a.action = 'claim.status' AND a.after LIKE 'rejected: %'
           AND c.airline >= ?1 AND c.airline <= ?2
         GROUP BY 1, 2",
    )?;
    let rows = stmt.query_map(params![low, high], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (airline, reason, count) = row?;
        if let Some(f) = by_airline.get_mut(&airline) {
            *f.reasons.entry(reason).or_default() += count;
        }
    }
    for r in super::ledger::receivables(conn)? {
        let Some(f) = by_airline.get_mut(&r.airline) else {
            continue;
        };
        match f
            .outstanding
            .iter_mut()
            .find(|m| m.currency == r.outstanding.currency)
        {
            Some(m) => {
                *m = m
                    .checked_add(r.outstanding)
                    .map_err(|e| DbError::Conflict(e.to_string()))?;
            }
            None => f.outstanding.push(r.outstanding),
        }
    }
    let mut out: Vec<AirlineFacts> = by_airline.into_values().collect();
    for f in &mut out {
        f.outstanding.sort_by_key(|m: &Money| m.currency);
    }
    out.sort_by(|a, b| {
        b.claims
            .cmp(&a.claims)
            .then_with(|| a.airline.cmp(&b.airline))
    });
    Ok(out)
}
