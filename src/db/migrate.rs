//! Embedded, append-only SQL migrations tracked in `PRAGMA user_version`.
//!
//! Add new files at the END of [`MIGRATIONS`]; never edit a shipped one. Each migration runs in
//! its own transaction together with the `user_version` bump, so a crash leaves the schema at a
//! whole step.

use rusqlite::Connection;

use super::{Db, DbError};

/// `(name, sql)` in order; the schema version is the number of applied entries.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("migrations/0001_init.sql")),
    ("0002_outbox", include_str!("migrations/0002_outbox.sql")),
    (
        "0003_accounts",
        include_str!("migrations/0003_accounts.sql"),
    ),
    ("0004_claims", include_str!("migrations/0004_claims.sql")),
    (
        "0005_documents_mandates",
        include_str!("migrations/0005_documents_mandates.sql"),
    ),
    (
        "0006_admin_claims",
        include_str!("migrations/0006_admin_claims.sql"),
    ),
    ("0007_staff", include_str!("migrations/0007_staff.sql")),
    (
        "0008_queue_scans",
        include_str!("migrations/0008_queue_scans.sql"),
    ),
    (
        "0009_outbox_secrets",
        include_str!("migrations/0009_outbox_secrets.sql"),
    ),
    (
        "0010_sign_in_links",
        include_str!("migrations/0010_sign_in_links.sql"),
    ),
    (
        "0011_passenger_messages",
        include_str!("migrations/0011_passenger_messages.sql"),
    ),
    (
        "0012_payout_changes",
        include_str!("migrations/0012_payout_changes.sql"),
    ),
    ("0013_ledger", include_str!("migrations/0013_ledger.sql")),
    (
        "0014_escalation",
        include_str!("migrations/0014_escalation.sql"),
    ),
    (
        "0015_escalation_documents",
        include_str!("migrations/0015_escalation_documents.sql"),
    ),
    (
        "0016_airline_stats",
        include_str!("migrations/0016_airline_stats.sql"),
    ),
    (
        "0017_payout_batches",
        include_str!("migrations/0017_payout_batches.sql"),
    ),
    (
        "0018_invoices",
        include_str!("migrations/0018_invoices.sql"),
    ),
    (
        "0019_search_fold",
        include_str!("migrations/0019_search_fold.sql"),
    ),
    (
        "0020_invitation_role",
        include_str!("migrations/0020_invitation_role.sql"),
    ),
];

/// The schema version this binary expects.
pub fn latest_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// Where the database stands relative to this binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaState {
    /// No migration applied and no table: safe to create.
    Fresh,
    UpToDate,
    /// Migrations are pending: `flightclaim migrate` (or `serve --migrate`) applies them.
    Behind {
        current: i64,
        latest: i64,
    },
    /// Written by a newer binary: refuse to run.
    Ahead {
        current: i64,
        latest: i64,
    },
}

pub fn user_version(conn: &Connection) -> Result<i64, DbError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

pub fn state(db: &Db) -> Result<SchemaState, DbError> {
    db.with_writer(|conn| {
        let current = user_version(conn)?;
        let latest = latest_version();
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )?;
        Ok(match current.cmp(&latest) {
            _ if current == 0 && tables == 0 => SchemaState::Fresh,
            std::cmp::Ordering::Equal => SchemaState::UpToDate,
            std::cmp::Ordering::Less => SchemaState::Behind { current, latest },
            std::cmp::Ordering::Greater => SchemaState::Ahead { current, latest },
        })
    })
}

/// Applies every pending migration; returns the names applied.
pub fn run(db: &Db) -> Result<Vec<&'static str>, DbError> {
    db.with_writer(|conn| {
        let current = user_version(conn)?;
        if current > latest_version() {
            return Err(DbError::Schema(format!(
                "database schema version {current} is newer than this binary ({}); upgrade flightclaim",
                latest_version()
            )));
        }
        let mut applied = Vec::new();
        for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
            let version = i64::try_from(index).unwrap_or(i64::MAX) + 1;
            if version <= current {
                continue;
            }
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)
                .map_err(|e| DbError::Schema(format!("migration {name} failed: {e}")))?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
            tracing::info!(migration = name, "applied migration");
            applied.push(*name);
        }
        Ok(applied)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_then_up_to_date_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        assert_eq!(state(&db).unwrap(), SchemaState::Fresh);
        assert_eq!(run(&db).unwrap().len(), MIGRATIONS.len());
        assert_eq!(state(&db).unwrap(), SchemaState::UpToDate);
        assert!(run(&db).unwrap().is_empty());
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        run(&db).unwrap();
        db.with_writer(|c| Ok(c.pragma_update(None, "user_version", 999)?))
            .unwrap();
        assert!(matches!(state(&db).unwrap(), SchemaState::Ahead { .. }));
        assert!(run(&db).is_err());
    }

    /// 0010 on a database with claims paid by the old "Mark as paid": they keep their status,
    /// now backed by ledger rows; the new status and role are accepted; the schema is sound.
    #[test]
    fn the_ledger_migration_keeps_paid_claims_paid() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        db.with_writer(|c| {
            for (i, (_, sql)) in MIGRATIONS.iter().take(9).enumerate() {
                c.execute_batch(sql)?;
                c.pragma_update(None, "user_version", i64::try_from(i).unwrap() + 1)?;
            }
            c.execute_batch(
                "INSERT INTO users (email, role, created_at, updated_at)
                     VALUES ('p@x.test', 'passenger', 'now', 'now');
                 INSERT INTO claims (ref, user_id, status, request_json, result_json,
                     amount_cents, currency, regime, reason_code, flight_number, flight_date,
                     route, booking_ref, fee_percent, payout_iban, payout_holder, lead_name_key,
                     created_at, updated_at, approved_cents, paid_cents)
                 VALUES ('FC-AAAAAA', 1, 'paid', '{}', '{}', 60000, 'EUR', 'EU261', 'X', 'AF1',
                     '2025-01-01', 'A', 'B', 25, 'FR76', 'P', 'k1', '2025-01-01T00:00:00Z',
                     '2025-02-03T10:00:00Z', 60000, 60000),
                    ('FC-BBBBBB', 1, 'approved', '{}', '{}', 60000, 'EUR', 'EU261', 'X', 'AF2',
                     '2025-01-01', 'A', 'B', 25, 'FR76', 'P', 'k2', '2025-01-01T00:00:00Z',
                     '2025-01-01T00:00:00Z', 60000, NULL);",
            )?;
            Ok(())
        })
        .unwrap();
        assert_eq!(
            run(&db).unwrap(),
            [
                "0010_sign_in_links",
                "0011_passenger_messages",
                "0012_payout_changes",
                "0013_ledger",
                "0014_escalation",
                "0015_escalation_documents",
                "0016_airline_stats",
                "0017_payout_batches",
                "0018_invoices",
                "0019_search_fold",
                "0020_invitation_role",
            ]
        );
        let (rows, statuses, check): (Vec<String>, Vec<String>, String) = db
            .with_writer(|c| {
                let rows = c
                    .prepare("SELECT kind || ':' || amount_minor || ':' || value_date FROM ledger ORDER BY id")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                let statuses = c
                    .prepare("SELECT status FROM claims ORDER BY id")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                c.execute("UPDATE claims SET status = 'airline_paid' WHERE id = 2", [])?;
                c.execute("UPDATE claims SET status = 'neb_complaint' WHERE id = 2", [])?;
                c.execute("UPDATE users SET role = 'finance' WHERE id = 1", [])?;
                let check = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
                Ok((rows, statuses, check))
            })
            .unwrap();
        assert_eq!(
            rows,
            [
                "airline_payment_received:60000:2025-02-03",
                "fee:15000:2025-02-03",
                "payout_to_passenger:45000:2025-02-03"
            ]
        );
        assert_eq!(statuses, ["paid", "approved"]);
        assert_eq!(check, "ok");
        let refused = db.with_writer(|c| {
            Ok(c.execute("UPDATE claims SET status = 'teleported' WHERE id = 2", [])?)
        });
        assert!(refused.is_err(), "the status is still checked");
        let since: Vec<String> = db
            .with_writer(|c| {
                Ok(c.prepare("SELECT status_since FROM claims ORDER BY id")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?)
            })
            .unwrap();
        assert_eq!(
            since,
            ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"],
            "0014: a claim without status events entered its status when it was created"
        );
    }

    #[test]
    fn wal_and_foreign_keys_are_on() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        let (mode, fk, sync): (String, i64, i64) = db
            .with_writer(|c| {
                Ok((
                    c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                    c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
                    c.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
                ))
            })
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
        assert_eq!(sync, 2, "synchronous=FULL");
    }
}
