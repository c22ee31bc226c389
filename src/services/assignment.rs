//! Assignment use cases: giving a new claim to a staff member automatically
//! (`FLIGHTCLAIM_AUTO_ASSIGN`), and releasing the open claims of a disabled staff account
//! (unassigned, or reassigned by the same setting). Every change is audited.

use rusqlite::Transaction;

use crate::db::{DbError, assignment, audit, claim_admin, users};

/// `FLIGHTCLAIM_AUTO_ASSIGN`: who gets a new claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AutoAssign {
    /// Nobody: the team picks claims from the queue.
    #[default]
    Off,
    /// The agent or admin with the fewest open claims.
    LeastLoaded,
    /// Agents and admins in turn.
    RoundRobin,
}

impl AutoAssign {
    /// The setting's values; `None` for anything else.
    pub fn parse(text: &str) -> Option<AutoAssign> {
        match text.trim() {
            "" | "off" => Some(AutoAssign::Off),
            "least_loaded" => Some(AutoAssign::LeastLoaded),
            "round_robin" => Some(AutoAssign::RoundRobin),
            _ => None,
        }
    }

    fn pick(self, tx: &Transaction<'_>) -> Result<Option<i64>, DbError> {
        match self {
            AutoAssign::Off => Ok(None),
            AutoAssign::LeastLoaded => assignment::find_least_loaded(tx),
            AutoAssign::RoundRobin => assignment::find_next_in_turn(tx),
        }
    }
}

/// Who the audit log names for automatic changes.
pub const SYSTEM_ACTOR: &str = "system (auto-assign)";

fn label(tx: &Transaction<'_>, id: Option<i64>) -> Result<String, DbError> {
    let Some(id) = id else {
        return Ok("none".into());
    };
    let email = users::find_account(tx, id)?.email;
    Ok(format!("user:{id} {email}"))
}

/// Gives a new claim to the staff member `mode` picks (nobody when off or no staff).
pub fn auto_assign(
    tx: &Transaction<'_>,
    mode: AutoAssign,
    claim_id: i64,
    claim_ref: &str,
) -> Result<Option<i64>, DbError> {
    let Some(to) = mode.pick(tx)? else {
        return Ok(None);
    };
    claim_admin::set_assignee(tx, claim_id, Some(to))?;
    audit::record(
        tx,
        None,
        SYSTEM_ACTOR,
        "claim.assign",
        &format!("claim:{claim_ref}"),
        Some("none"),
        Some(&label(tx, Some(to))?),
    )?;
    Ok(Some(to))
}

/// After `user_id` was disabled: its open claims are unassigned, or given to someone else by
/// `mode`. Returns how many claims were released.
pub fn release_claims_of(
    tx: &Transaction<'_>,
    mode: AutoAssign,
    user_id: i64,
    actor: (i64, &str),
) -> Result<usize, DbError> {
    let before = label(tx, Some(user_id))?;
    let released = assignment::release_open(tx, user_id)?;
    for (claim_id, claim_ref) in &released {
        let to = mode.pick(tx)?;
        if to.is_some() {
            claim_admin::set_assignee(tx, *claim_id, to)?;
        }
        audit::record(
            tx,
            Some(actor.0),
            actor.1,
            "claim.assign",
            &format!("claim:{claim_ref}"),
            Some(&before),
            Some(&label(tx, to)?),
        )?;
    }
    Ok(released.len())
}

#[cfg(test)]
mod tests {
    use super::AutoAssign;

    #[test]
    fn settings() {
        assert_eq!(AutoAssign::parse("off"), Some(AutoAssign::Off));
        assert_eq!(
            AutoAssign::parse("least_loaded"),
            Some(AutoAssign::LeastLoaded)
        );
        assert_eq!(
            AutoAssign::parse("round_robin"),
            Some(AutoAssign::RoundRobin)
        );
        assert_eq!(AutoAssign::parse("random"), None);
    }
}
