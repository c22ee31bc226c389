//! Who works on which claim: the open claims per staff member (the overview's workload), the
//! member automatic assignment picks (least loaded, or the next in turn), and releasing a
//! disabled member's open claims. "Open" is every status but paid, closed and withdrawn, so
//! new stages (escalation) count as open without change here.

use rusqlite::{Connection, Transaction, params};
use serde::Serialize;

use super::DbError;

/// Statuses that end the work on a claim.
pub const DONE_STATUSES: [&str; 3] = ["paid", "closed", "withdrawn"];
const DONE: &str = "('paid', 'closed', 'withdrawn')";

/// One staff member's open claims.
#[derive(Debug, Clone, Serialize)]
pub struct Workload {
    pub id: i64,
    pub name: String,
    pub open: i64,
}

/// Agents and admins who can be given claims (not disabled), with their open claims, most
/// loaded first; and how many open claims have someone (read through the assigned part of
/// the index only: the overview subtracts it from the open claims it counts anyway).
pub fn workload(conn: &Connection) -> Result<(Vec<Workload>, i64), DbError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT u.id, coalesce(nullif(u.name, ''), u.email),
                (SELECT count(*) FROM claims c INDEXED BY claims_assignee_status
                  WHERE c.assignee_id = u.id AND c.status NOT IN {DONE})
         FROM users u WHERE u.role IN ('agent', 'admin') AND u.disabled_at IS NULL
         ORDER BY 3 DESC, 2, u.id"
    ))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Workload {
                id: r.get(0)?,
                name: r.get(1)?,
                open: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let assigned = conn.query_row(
        &format!(
            "SELECT count(*) FROM claims INDEXED BY claims_assignee_status
             WHERE assignee_id IS NOT NULL AND status NOT IN {DONE}"
        ),
        [],
        |r| r.get(0),
    )?;
    Ok((rows, assigned))
}

/// The agent or admin with the fewest open claims (the lowest id on a tie).
pub fn find_least_loaded(conn: &Connection) -> Result<Option<i64>, DbError> {
    let (rows, _) = workload(conn)?;
    Ok(rows.iter().min_by_key(|w| (w.open, w.id)).map(|w| w.id))
}

/// The next agent or admin in turn (by id, wrapping) after whoever was given the most recently
/// created assigned claim.
pub fn find_next_in_turn(conn: &Connection) -> Result<Option<i64>, DbError> {
    let last: Option<i64> = conn
        .query_row(
            "SELECT assignee_id FROM claims INDEXED BY claims_created
             WHERE assignee_id IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .ok();
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM users WHERE role IN ('agent', 'admin') AND disabled_at IS NULL
         ORDER BY id",
    )?;
    let ids: Vec<i64> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(last
        .and_then(|l| ids.iter().find(|id| **id > l).copied())
        .or_else(|| ids.first().copied()))
}

/// Unassigns the open claims of `user_id`; returns their (id, reference).
pub fn release_open(tx: &Transaction<'_>, user_id: i64) -> Result<Vec<(i64, String)>, DbError> {
    let mut stmt = tx.prepare(&format!(
        "UPDATE claims SET assignee_id = NULL
         WHERE assignee_id = ?1 AND status NOT IN {DONE} RETURNING id, ref"
    ))?;
    let rows = stmt
        .query_map(params![user_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
