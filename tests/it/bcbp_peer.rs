//! Our boarding-pass reader against an independent implementation (npm `bcbp`, run by
//! `tests/e2e/bcbp-peer.mjs`; installed by `scripts/test` with the browser tools): passes the
//! peer writes read the same with ours, and passes we write read the same with the peer.
//! Without Node or the package this test fails: it never passes on nothing.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{Datelike, NaiveDate};
use flightclaim::domain::bcbp::{self, BoardingPass, IssueDate, Leg, PassengerName};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct PeerPass {
    text: Option<String>,
    name: Option<String>,
    issued: Option<String>,
    issuer: Option<String>,
    legs: Vec<PeerLeg>,
}

#[derive(Debug, Deserialize)]
struct PeerLeg {
    pnr: Option<String>,
    from: Option<String>,
    to: Option<String>,
    carrier: Option<String>,
    number: Option<String>,
    date: Option<String>,
    flown: Option<String>,
    seat: Option<String>,
    ticket: Option<String>,
    marketing: Option<String>,
}

fn peer(mode: &str, input: &str) -> Vec<PeerPass> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e");
    let mut child = Command::new("node")
        .arg("bcbp-peer.mjs")
        .arg(mode)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node is installed (scripts/test installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the peer ran (npm ci in tests/e2e installs `bcbp`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the peer prints JSON")
}

fn date(text: Option<&str>) -> NaiveDate {
    NaiveDate::parse_from_str(text.expect("a date"), "%Y-%m-%d").unwrap()
}

/// `0834` and `834` are the same flight number.
fn number(text: &str) -> String {
    let trimmed = text.trim().trim_start_matches('0');
    trimmed.to_string()
}

#[test]
fn passes_the_peer_writes_read_the_same() {
    let passes = peer("encode", "");
    assert!(passes.len() >= 40, "the peer wrote its passes");
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let (mut legs, mut with_issue_date) = (0, 0);
    for p in passes {
        let text = p.text.as_deref().unwrap();
        let ours = bcbp::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let name = p.name.as_deref().unwrap();
        assert!(
            name.starts_with(&ours.name.surname),
            "{name} vs {:?}",
            ours.name
        );
        assert!(name.contains(&ours.name.given), "{name} vs {:?}", ours.name);
        assert_eq!(ours.issuer.as_deref(), p.issuer.as_deref().map(str::trim));
        let issue = ours.issue_date;
        if let Some(issued) = p.issued.as_deref() {
            with_issue_date += 1;
            let issued = date(Some(issued));
            assert_eq!(
                issue.map(|i| (i.year_digit, i.day_of_year)),
                Some((
                    u8::try_from(issued.year() % 10).unwrap(),
                    u16::try_from(issued.ordinal()).unwrap()
                ))
            );
        }
        assert_eq!(ours.legs.len(), p.legs.len(), "{text}");
        for (mine, theirs) in ours.legs.iter().zip(&p.legs) {
            legs += 1;
            assert_eq!(Some(mine.booking_reference.as_str()), theirs.pnr.as_deref());
            assert_eq!(Some(mine.from.as_str()), theirs.from.as_deref());
            assert_eq!(Some(mine.to.as_str()), theirs.to.as_deref());
            assert_eq!(
                Some(mine.operating_carrier.as_str()),
                theirs.carrier.as_deref()
            );
            assert_eq!(
                mine.flight_number,
                number(theirs.number.as_deref().unwrap())
            );
            assert_eq!(
                u32::from(mine.day_of_year),
                date(theirs.date.as_deref()).ordinal()
            );
            // With an issue date, the year is known: the date the pass was written for.
            if issue.is_some() {
                assert_eq!(
                    bcbp::resolve_date(mine.day_of_year, issue, today),
                    Some(date(theirs.flown.as_deref())),
                    "{text}"
                );
            }
            assert_eq!(
                mine.seat,
                theirs.seat.as_deref().unwrap().trim_start_matches('0')
            );
            assert_eq!(mine.ticket_number.as_deref(), theirs.ticket.as_deref());
            assert_eq!(
                mine.marketing_carrier.as_deref(),
                theirs
                    .marketing
                    .as_deref()
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
            );
        }
    }
    assert!(
        legs > 60 && with_issue_date > 20,
        "{legs} legs, {with_issue_date} dated"
    );
}

#[test]
fn passes_we_write_read_the_same_with_the_peer() {
    let leg = |from: &str, to: &str, number: &str, day: u16| Leg {
        booking_reference: "K4TR9Z".into(),
        from: from.into(),
        to: to.into(),
        operating_carrier: "AF".into(),
        flight_number: number.into(),
        day_of_year: day,
        compartment: 'Y',
        seat: "12F".into(),
        check_in_sequence: "41".into(),
        passenger_status: '1',
        ticket_number: Some("0571234567890".into()),
        marketing_carrier: Some("KL".into()),
    };
    let ours: Vec<BoardingPass> = (1..=3)
        .map(|count| BoardingPass {
            format: 'M',
            name: PassengerName {
                surname: "BERNARD".into(),
                given: "JULIE".into(),
            },
            electronic_ticket: true,
            version: Some(6),
            issue_date: Some(IssueDate {
                year_digit: 6,
                day_of_year: 40,
            }),
            issuer: Some("AF".into()),
            legs: [
                leg("NCE", "CDG", "7701", 41),
                leg("CDG", "PTP", "792A", 41),
                leg("PTP", "CDG", "793", 50),
            ][..count]
                .to_vec(),
            has_security_data: false,
        })
        .collect();
    let texts: String = ours.iter().map(|p| bcbp::encode(p) + "\n").collect();
    let theirs = peer("decode", &texts);
    assert_eq!(theirs.len(), ours.len());
    for (mine, read) in ours.iter().zip(theirs) {
        assert_eq!(read.name.as_deref(), Some("BERNARD/JULIE"));
        assert_eq!(read.issuer.as_deref().map(str::trim), Some("AF"));
        assert_eq!(read.legs.len(), mine.legs.len());
        for (leg, r) in mine.legs.iter().zip(read.legs) {
            assert_eq!(r.from.as_deref(), Some(leg.from.as_str()));
            assert_eq!(r.to.as_deref(), Some(leg.to.as_str()));
            assert_eq!(number(r.number.as_deref().unwrap()), leg.flight_number);
            assert_eq!(
                date(r.date.as_deref()).ordinal(),
                u32::from(leg.day_of_year)
            );
            assert_eq!(r.ticket.as_deref(), leg.ticket_number.as_deref());
            assert_eq!(r.marketing.as_deref().map(str::trim), Some("KL"));
        }
    }
}
