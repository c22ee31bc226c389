//! Boarding passes read from real barcode images (issue 14): `tests/bcbp_images.py` renders
//! passes written by `bcbp::encode` (one and three legs) as PDF417, Aztec and QR codes, clean
//! (PNG, JPEG), turned sideways, photographed (scaled, tilted 3°, noisy, JPEG quality 60), as
//! a large phone photo, and damaged (half cut off); plus an image without a barcode. Every
//! readable image must give the pass's passenger, booking reference and flights; the damaged
//! and empty ones must say the pass could not be read. Without `.venv-test` (`scripts/test`
//! builds it from tests/requirements.txt) this test fails: it never passes on nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flightclaim::documents::boarding_pass::{ScanError, read_boarding_pass};
use flightclaim::domain::bcbp::{self, BoardingPass, IssueDate, Leg, PassengerName};
use serde::Deserialize;

/// Images that are known not to be read, as `(pass, symbology, variant)`: documented limits,
/// asserted to still fail so that this list only shrinks.
const KNOWN_UNREAD: &[(&str, &str, &str)] = &[];

#[derive(Debug, Deserialize)]
pub struct Image {
    pub file: PathBuf,
    pub pass: Option<String>,
    pub symbology: Option<String>,
    pub variant: String,
}

fn leg(pnr: &str, from: &str, to: &str, carrier: &str, number: &str, day: u16) -> Leg {
    Leg {
        booking_reference: pnr.into(),
        from: from.into(),
        to: to.into(),
        operating_carrier: carrier.into(),
        flight_number: number.into(),
        day_of_year: day,
        compartment: 'Y',
        seat: "14C".into(),
        check_in_sequence: "42".into(),
        passenger_status: '1',
        ticket_number: Some("0572401234567".into()),
        marketing_carrier: Some(carrier.into()),
    }
}

/// The passes of the corpus, by name.
pub fn passes() -> Vec<(&'static str, BoardingPass)> {
    let pass = |surname: &str, given: &str, legs: Vec<Leg>| BoardingPass {
        format: 'M',
        name: PassengerName {
            surname: surname.into(),
            given: given.into(),
        },
        electronic_ticket: true,
        version: Some(6),
        issue_date: Some(IssueDate {
            year_digit: 6,
            day_of_year: 300,
        }),
        issuer: Some(legs[0].operating_carrier.clone()),
        legs,
        has_security_data: false,
    };
    vec![
        (
            "one_leg",
            pass(
                "DESMARAIS",
                "LUC",
                vec![leg("ABC123", "CDG", "FCO", "AF", "1204", 302)],
            ),
        ),
        (
            "three_legs",
            pass(
                "LEFEVRE",
                "ANNE MARIE",
                vec![
                    leg("X7K2PQ", "LYS", "AMS", "KL", "1412", 305),
                    leg("X7K2PQ", "AMS", "JFK", "KL", "641A", 305),
                    leg("Q4RT9Z", "JFK", "BOS", "DL", "5501", 306),
                ],
            ),
        ),
    ]
}

/// Renders the passes into `dir` with the Python generator.
pub fn render(dir: &Path) -> Vec<Image> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv-test/bin/python");
    assert!(
        python.exists(),
        "\n*** .venv-test with tests/requirements.txt (scripts/test installs it)\n"
    );
    let job = serde_json::json!({
        "out": dir,
        "passes": passes()
            .iter()
            .map(|(name, p)| serde_json::json!({"name": name, "text": bcbp::encode(p)}))
            .collect::<Vec<_>>(),
    });
    let mut child = Command::new(python)
        .arg(root.join("tests/bcbp_images.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(job.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the generator ran: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the generator prints JSON")
}

/// What a passenger would check: name, booking reference, and each flight with its route.
fn summary(p: &BoardingPass) -> (String, Vec<String>) {
    (
        format!("{}/{}", p.name.surname, p.name.given),
        p.legs
            .iter()
            .map(|l| {
                format!(
                    "{} {} {}-{} day {}",
                    l.booking_reference,
                    l.flight(),
                    l.from,
                    l.to,
                    l.day_of_year
                )
            })
            .collect(),
    )
}

#[test]
fn boarding_passes_are_read_from_rendered_barcodes() {
    let dir = tempfile::tempdir().unwrap();
    let images = render(dir.path());
    let passes = passes();
    assert_eq!(
        images.len(),
        passes.len() * 3 * 6 + 1,
        "every image was made"
    );
    let mut wrong = Vec::new();
    for img in &images {
        let file = std::fs::read(&img.file).unwrap();
        let got = read_boarding_pass(&file);
        let what = format!(
            "{} {} {}",
            img.pass.as_deref().unwrap_or("-"),
            img.symbology.as_deref().unwrap_or("-"),
            img.variant
        );
        let known = KNOWN_UNREAD.iter().any(|(p, s, v)| {
            Some(*p) == img.pass.as_deref()
                && Some(*s) == img.symbology.as_deref()
                && *v == img.variant
        });
        match (img.variant.as_str(), &img.pass) {
            ("damaged" | "none", _) => {
                if !matches!(got, Err(ScanError::NoBarcode | ScanError::Bcbp(_))) {
                    wrong.push(format!("{what}: read although unreadable: {got:?}"));
                }
            }
            (_, Some(name)) => {
                let expected = &passes.iter().find(|(n, _)| n == name).unwrap().1;
                match (&got, known) {
                    (Ok(p), false) if summary(p) == summary(expected) => {}
                    (Err(_), true) => {}
                    (Ok(_), true) => wrong.push(format!("{what}: now read, leave KNOWN_UNREAD")),
                    _ => wrong.push(format!("{what}: {got:?}")),
                }
            }
            (_, None) => wrong.push(format!("{what}: no pass named")),
        }
    }
    assert!(wrong.is_empty(), "\n{}\n", wrong.join("\n"));
}
