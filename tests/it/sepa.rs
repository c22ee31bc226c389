//! The payout file is what the bank's schema says: a `pain.001.001.09` document written by
//! `domain::sepa` validates against the XSD shipped by the `sepaxml` package (in `.venv-test`,
//! from tests/requirements.txt) with `xmllint --schema` (Debian's libxml2-utils).

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use flightclaim::domain::money::Money;
use flightclaim::domain::sepa::{Batch, Debtor, Transfer, pain001};

/// The XSD, or `None` (with a note) when the test tools are not installed.
fn schema() -> Option<PathBuf> {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-test/lib");
    let found = std::fs::read_dir(&lib).ok().and_then(|dirs| {
        dirs.filter_map(Result::ok)
            .map(|d| {
                d.path()
                    .join("site-packages/sepaxml/schemas/pain.001.001.09.xsd")
            })
            .find(|p| p.exists())
    });
    let xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    if found.is_none() || !xmllint {
        eprintln!(
            "\n*** SKIPPING SEPA SCHEMA TEST: needs xmllint (apt-get install libxml2-utils) and\n\
             *** .venv-test with tests/requirements.txt (scripts/test installs both)\n"
        );
        return None;
    }
    found
}

fn batch(bic: Option<&str>) -> Batch {
    Batch {
        message_id: "FC-BATCH-2026-0001".into(),
        created_at: NaiveDate::from_ymd_opt(2026, 3, 14)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap(),
        execution_date: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
        debtor: Debtor {
            name: "FlightClaim SAS".into(),
            iban: "FR76 3000 6000 0112 3456 7890 189".into(),
            bic: bic.map(str::to_string),
        },
        transfers: vec![
            Transfer {
                end_to_end_id: "FC-7K3M9Q-1".into(),
                amount: Money::eur(45_000),
                creditor_name: "Léa Lefèvre-Ørsted & \"Co\" <script>".into(),
                creditor_iban: "DE89370400440532013000".into(),
                remittance: "FlightClaim FC-7K3M9Q: your compensation (AF 6, 14/05/2025)".into(),
            },
            Transfer {
                end_to_end_id: "FC-ABCDEF-1".into(),
                amount: Money::eur(1),
                creditor_name: "Jeanne O'Brien".repeat(20),
                creditor_iban: "FR7630006000011234567890189".into(),
                remittance: "x".repeat(300),
            },
        ],
    }
}

#[test]
fn payout_files_validate_against_the_pain_001_001_09_schema() {
    let Some(xsd) = schema() else { return };
    let dir = tempfile::tempdir().unwrap();
    for bic in [None, Some("AGRIFRPP")] {
        let xml = pain001(&batch(bic)).unwrap();
        let file = dir.path().join("batch.xml");
        std::fs::write(&file, &xml).unwrap();
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&xsd)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}\n{xml}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(xml.contains("<CtrlSum>450.01</CtrlSum>"));
    }
}
