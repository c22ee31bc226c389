//! The `ledger` table (0010): every movement of money on a claim. Rows are inserted, never
//! updated or deleted (triggers refuse both); the pure rules over them are in
//! `domain::ledger`.

use rusqlite::{Connection, Transaction, params};
use serde::Serialize;

use super::{DbError, now_text};
use crate::domain::ledger::{Entry, EntryKind};
use crate::domain::money::{Currency, Money};

/// A row to insert.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub claim_id: i64,
    pub entry: Entry,
    /// `YYYY-MM-DD`
    pub value_date: String,
    pub payer: String,
    pub reference: String,
    pub settles: bool,
    pub note: String,
    pub recorded_by_id: Option<i64>,
    pub recorded_by: String,
}

/// One stored row, as the claim page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRow {
    pub id: i64,
    pub passenger: Option<i64>,
    pub kind: EntryKind,
    pub amount: Money,
    pub value_date: String,
    pub payer: String,
    pub reference: String,
    pub settles: bool,
    pub note: String,
    pub recorded_by: String,
    pub created_at: String,
}

impl LedgerRow {
    pub fn entry(&self) -> Entry {
        Entry {
            passenger: self.passenger,
            kind: self.kind,
            amount: self.amount,
        }
    }
}

fn bad_column(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        format!("unknown {what}").into(),
    )
}

fn currency_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Currency> {
    Currency::parse(&r.get::<_, String>(i)?).ok_or_else(|| bad_column(i, "currency"))
}

pub fn insert(tx: &Transaction<'_>, e: &NewEntry) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO ledger (claim_id, passenger, kind, amount_minor, currency, value_date, payer,
                             reference, settles, note, recorded_by_id, recorded_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            e.claim_id,
            e.entry.passenger,
            e.entry.kind.as_str(),
            e.entry.amount.minor,
            e.entry.amount.currency.code(),
            e.value_date,
            e.payer,
            e.reference,
            e.settles,
            e.note,
            e.recorded_by_id,
            e.recorded_by,
            now_text(),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// A claim's rows, oldest first.
pub fn list_for_claim(conn: &Connection, claim_id: i64) -> Result<Vec<LedgerRow>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, passenger, kind, amount_minor, currency, value_date, payer, reference,
                settles, note, recorded_by, created_at
         FROM ledger WHERE claim_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![claim_id], |r| {
        let kind: String = r.get(2)?;
        Ok(LedgerRow {
            id: r.get(0)?,
            passenger: r.get(1)?,
            kind: EntryKind::parse(&kind).ok_or_else(|| bad_column(2, "kind"))?,
            amount: Money::new(r.get(3)?, currency_at(r, 4)?),
            value_date: r.get(5)?,
            payer: r.get(6)?,
            reference: r.get(7)?,
            settles: r.get(8)?,
            note: r.get(9)?,
            recorded_by: r.get(10)?,
            created_at: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every row's movement (all claims): what the held-money figure is checked against.
pub fn all_entries(conn: &Connection) -> Result<Vec<Entry>, DbError> {
    let mut stmt =
        conn.prepare("SELECT passenger, kind, amount_minor, currency FROM ledger ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(1)?;
        Ok(Entry {
            passenger: r.get(0)?,
            kind: EntryKind::parse(&kind).ok_or_else(|| bad_column(1, "kind"))?,
            amount: Money::new(r.get(2)?, currency_at(r, 3)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Money held for passengers (received − refunded − paid out − fees), per currency, summed by
/// `SQLite` over the whole ledger.
pub fn held_by_currency(conn: &Connection) -> Result<Vec<Money>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT currency, sum(CASE kind
                    WHEN 'airline_payment_received' THEN amount_minor
                    WHEN 'refund_chargeback' THEN -amount_minor
                    WHEN 'payout_to_passenger' THEN -amount_minor
                    WHEN 'fee' THEN -amount_minor
                    ELSE 0 END)
         FROM ledger GROUP BY currency ORDER BY currency",
    )?;
    let rows = stmt.query_map([], |r| Ok(Money::new(r.get(1)?, currency_at(r, 0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Fees recorded in one month (`YYYY-MM`) and currency.
#[derive(Debug, Clone, Serialize)]
pub struct MonthFees {
    pub month: String,
    pub fees: Money,
}

/// Fees per month and currency with a value date on or after `since` (`YYYY-MM-DD`), newest
/// month first.
pub fn fees_by_month(conn: &Connection, since: &str) -> Result<Vec<MonthFees>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT substr(value_date, 1, 7) AS month, currency, sum(amount_minor) FROM ledger
         WHERE kind = 'fee' AND value_date >= ?1
         GROUP BY month, currency ORDER BY month DESC, currency",
    )?;
    let rows = stmt.query_map(params![since], |r| {
        Ok(MonthFees {
            month: r.get(0)?,
            fees: Money::new(r.get(2)?, currency_at(r, 1)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A claim the airline still owes money on: approved amount less what was received, paid to
/// the passenger directly or written off, in the claim's currency.
#[derive(Debug, Clone, Serialize)]
pub struct Receivable {
    pub claim_ref: String,
    pub airline: String,
    pub outstanding: Money,
    /// Days since the claim was approved.
    pub age_days: i64,
}

/// Every claim in a money stage with something outstanding, oldest approval first.
pub fn receivables(conn: &Connection) -> Result<Vec<Receivable>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT c.ref, coalesce(c.airline, ''), c.currency,
                c.approved_cents - coalesce((SELECT sum(CASE l.kind
                        WHEN 'refund_chargeback' THEN -l.amount_minor
                        ELSE l.amount_minor END)
                    FROM ledger l WHERE l.claim_id = c.id AND l.kind IN
                    ('airline_payment_received', 'refund_chargeback',
                     'paid_directly_to_passenger', 'write_off')), 0) AS outstanding,
                CAST(julianday('now') - julianday(coalesce((SELECT max(e.at) FROM claim_events e
                    WHERE e.claim_id = c.id AND e.kind = 'status'
                      AND e.to_status = 'approved'), c.updated_at)) AS INTEGER)
         FROM claims c
         WHERE c.status IN ('approved', 'airline_paid', 'paid') AND c.approved_cents > 0
           AND outstanding > 0
         ORDER BY 5 DESC, c.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Receivable {
            claim_ref: r.get(0)?,
            airline: r.get(1)?,
            outstanding: Money::new(r.get(3)?, currency_at(r, 2)?),
            age_days: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::db::{Db, migrate};
    use crate::domain::ledger::held_by_currency as held_of_entries;

    fn fresh() -> (tempfile::TempDir, Db, Vec<i64>) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        migrate::run(&db).unwrap();
        let claims = db
            .write_blocking(|tx| {
                tx.execute(
                    "INSERT INTO users (email, created_at, updated_at) VALUES ('p@x.test', 'now', 'now')",
                    [],
                )?;
                let mut ids = Vec::new();
                for (i, currency) in ["EUR", "GBP", "EUR"].iter().enumerate() {
                    tx.execute(
                        "INSERT INTO claims (ref, user_id, status, request_json, result_json,
                            amount_cents, currency, regime, reason_code, flight_number,
                            flight_date, route, booking_ref, fee_percent, payout_iban,
                            payout_holder, lead_name_key, created_at, updated_at, approved_cents)
                         VALUES (?1, 1, 'approved', '{}', '{}', 60000, ?2, 'EU261', 'X', 'AF1',
                            '2025-01-01', 'A → B', 'ABC', 25, 'FR76', 'P', ?1, 'now', 'now', 60000)",
                        params![format!("FC-TEST{i}"), currency],
                    )?;
                    ids.push(tx.last_insert_rowid());
                }
                Ok(ids)
            })
            .unwrap();
        (dir, db, claims)
    }

    fn row(claim_id: i64, kind: EntryKind, amount: Money) -> NewEntry {
        NewEntry {
            claim_id,
            entry: Entry {
                passenger: None,
                kind,
                amount,
            },
            value_date: "2026-03-14".into(),
            payer: String::new(),
            reference: String::new(),
            settles: false,
            note: String::new(),
            recorded_by_id: None,
            recorded_by: "test".into(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// The finance overview's held money (summed by SQLite) is the ledger's sum as the
        /// domain computes it, in each currency.
        #[test]
        fn held_money_is_the_ledger_sum(
            moves in prop::collection::vec((0usize..3, 0usize..6, 1i64..1_000_000), 0..30)
        ) {
            let (_dir, db, claims) = fresh();
            let currencies = [Currency::Eur, Currency::Gbp, Currency::Eur];
            let rows: Vec<NewEntry> = moves
                .iter()
                .map(|(c, k, minor)| {
                    row(claims[*c], EntryKind::ALL[*k], Money::new(*minor, currencies[*c]))
                })
                .collect();
            db.write_blocking(move |tx| {
                for r in &rows {
                    insert(tx, r)?;
                }
                Ok(())
            })
            .unwrap();
            let (sql, entries) = db
                .read_blocking(|c| Ok((held_by_currency(c)?, all_entries(c)?)))
                .unwrap();
            let domain = held_of_entries(&entries).unwrap();
            prop_assert_eq!(sql.len(), domain.len());
            for m in sql {
                prop_assert_eq!(Some(&m), domain.get(&m.currency));
            }
        }
    }

    #[test]
    fn receivables_and_fees() {
        let (_dir, db, claims) = fresh();
        let (a, b) = (claims[0], claims[1]);
        db.write_blocking(move |tx| {
            insert(
                tx,
                &row(a, EntryKind::AirlinePaymentReceived, Money::eur(20_000)),
            )?;
            insert(tx, &row(a, EntryKind::Fee, Money::eur(5_000)))?;
            insert(tx, &row(b, EntryKind::WriteOff, Money::gbp(60_000)))?;
            Ok(())
        })
        .unwrap();
        let r = db.read_blocking(receivables).unwrap();
        let owed: Vec<(String, Money)> = r
            .iter()
            .map(|r| (r.claim_ref.clone(), r.outstanding))
            .collect();
        assert_eq!(
            owed,
            [
                ("FC-TEST0".to_string(), Money::eur(40_000)),
                ("FC-TEST2".to_string(), Money::eur(60_000))
            ],
            "a written-off claim is owed nothing"
        );
        let fees = db
            .read_blocking(|c| fees_by_month(c, "2026-01-01"))
            .unwrap();
        assert_eq!(fees.len(), 1);
        assert_eq!(
            (fees[0].month.as_str(), fees[0].fees),
            ("2026-03", Money::eur(5_000))
        );
        assert!(
            db.read_blocking(|c| fees_by_month(c, "2026-04-01"))
                .unwrap()
                .is_empty()
        );
    }
}
