use chrono::NaiveDate;

use super::*;

/// The IATA implementation guide's one-leg example (mandatory fields only).
const ONE_LEG: &str = "M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 326J001A0025 100";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn the_guide_example_reads_field_by_field() {
    let pass = parse(ONE_LEG).unwrap();
    assert_eq!(pass.name.surname, "DESMARAIS");
    assert_eq!(pass.name.given, "LUC");
    assert!(pass.electronic_ticket);
    assert_eq!(pass.version, None);
    let leg = &pass.legs[0];
    assert_eq!(leg.booking_reference, "ABC123");
    assert_eq!((leg.from.as_str(), leg.to.as_str()), ("YUL", "FRA"));
    assert_eq!(leg.flight(), "AC834");
    assert_eq!(leg.day_of_year, 326);
    assert_eq!(leg.compartment, 'J');
    assert_eq!(leg.seat, "1A");
    assert_eq!(leg.check_in_sequence, "25");
    assert_eq!(leg.ticket_number, None);
}

fn sample() -> BoardingPass {
    let leg = |pnr: &str, from: &str, to: &str, carrier: &str, number: &str, day: u16| Leg {
        booking_reference: pnr.into(),
        from: from.into(),
        to: to.into(),
        operating_carrier: carrier.into(),
        flight_number: number.into(),
        day_of_year: day,
        compartment: 'Y',
        seat: "23C".into(),
        check_in_sequence: "112".into(),
        passenger_status: '1',
        ticket_number: Some("0572401234567".into()),
        marketing_carrier: Some("AF".into()),
    };
    BoardingPass {
        format: 'M',
        name: PassengerName {
            surname: "LEFEVRE".into(),
            given: "ANNE MARIE".into(),
        },
        electronic_ticket: true,
        version: Some(6),
        issue_date: Some(IssueDate {
            year_digit: 6,
            day_of_year: 74,
        }),
        issuer: Some("AF".into()),
        legs: vec![
            leg("X7K2PQ", "CDG", "AMS", "KL", "1234", 75),
            leg("X7K2PQ", "AMS", "JFK", "KL", "641A", 75),
        ],
        has_security_data: true,
    }
}

#[test]
fn what_is_written_reads_back_the_same() {
    let pass = sample();
    let text = encode(&pass);
    assert!(text.starts_with("M2LEFEVRE/ANNE MARIE  EX7K2PQ CDGAMSKL 1234 075Y023C00112"));
    assert_eq!(parse(&text), Ok(pass.clone()));
    for legs in 1..=4 {
        let mut p = pass.clone();
        p.legs = (0..legs).map(|i| pass.legs[i % 2].clone()).collect();
        p.has_security_data = legs % 2 == 0;
        assert_eq!(parse(&encode(&p)), Ok(p), "{legs} legs");
    }
}

#[test]
fn conditional_blocks_may_stop_after_any_field() {
    // The unique block cut after the issue date, the repeated one after the ticket number.
    let mandatory = "M1LEFEVRE/ANNE MRS    EX7K2PQ CDGAMSKL 1234 075Y023C001121";
    assert_eq!(mandatory.len(), 58);
    let variable = ">6070  6074";
    let repeated = "0572401234567";
    let text = format!(
        "{mandatory}{:02X}{variable}{:02X}{repeated}",
        variable.len() + 2 + repeated.len(),
        repeated.len()
    );
    let pass = parse(&text).unwrap();
    assert_eq!(pass.name.given, "ANNE", "the title goes");
    assert_eq!(pass.version, Some(6));
    assert_eq!(
        pass.issue_date,
        Some(IssueDate {
            year_digit: 6,
            day_of_year: 74
        })
    );
    assert_eq!(pass.issuer, None);
    assert_eq!(pass.legs[0].ticket_number.as_deref(), Some("0572401234567"));
    assert_eq!(pass.legs[0].marketing_carrier, None);
}

#[test]
fn what_is_not_a_boarding_pass_says_why() {
    let cases: [(&str, BcbpError); 9] = [
        ("", BcbpError::Truncated("format")),
        ("hello world", BcbpError::NotBcbp),
        ("https://example.com/qr", BcbpError::NotBcbp),
        (&ONE_LEG[..40], BcbpError::Truncated("flight number")),
        (
            "M0DESMARAIS/LUC       E",
            BcbpError::Invalid("number of legs"),
        ),
        (
            "M1DESMARAIS/LUC       EABC123 YU1FRAAC 0834 326J001A0025 100",
            BcbpError::Invalid("departure airport"),
        ),
        (
            "M1DESMARAIS/LUC       EABC123 YULFRAAC 0000 326J001A0025 100",
            BcbpError::Invalid("flight number"),
        ),
        (
            "M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 367J001A0025 100",
            BcbpError::Invalid("flight date"),
        ),
        (
            "M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 326J001A0025 1FF",
            BcbpError::Truncated("variable part"),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(text), Err(expected), "{text:?}");
    }
    assert_eq!(parse(&"M".repeat(MAX_LEN + 1)), Err(BcbpError::TooLong));
    assert_eq!(parse("M1DÉSMARAIS"), Err(BcbpError::NotBcbp));
    // A scanner's trailing newline is not part of the pass.
    assert!(parse(&format!("{ONE_LEG}\r\n")).is_ok());
}

#[test]
fn flight_dates_are_placed_in_a_year() {
    let issued = |year_digit, day_of_year| {
        Some(IssueDate {
            year_digit,
            day_of_year,
        })
    };
    // (day of the flight, issue date, today, expected)
    let cases = [
        // No issue date: the latest such day not after today.
        (326, None, day(2026, 12, 7), Some(day(2026, 11, 22))),
        (350, None, day(2026, 12, 7), Some(day(2025, 12, 16))),
        (341, None, day(2026, 12, 7), Some(day(2026, 12, 7))),
        // Day 366 exists only in leap years.
        (366, None, day(2026, 12, 7), Some(day(2024, 12, 31))),
        // Issued 2025-12-30 (5364) for a flight on day 2: 2 January 2026.
        (2, issued(5, 364), day(2026, 12, 7), Some(day(2026, 1, 2))),
        // Issued in 2019 (digit 9), read in 2026: the flight that year.
        (75, issued(9, 74), day(2026, 12, 7), Some(day(2019, 3, 16))),
        // Checked in the day before and flown the same day of the year it was issued.
        (74, issued(6, 74), day(2026, 12, 7), Some(day(2026, 3, 15))),
        // An issue day 366 in a year ending in 7 that never had one recently.
        (1, issued(7, 366), day(2026, 12, 7), None),
    ];
    for (flight_day, issue, today, expected) in cases {
        assert_eq!(
            resolve_date(flight_day, issue, today),
            expected,
            "{flight_day} {issue:?} {today}"
        );
    }
}

#[test]
fn any_text_is_read_or_refused_without_panicking() {
    let base = encode(&sample());
    // Every prefix, and every single-character change to a few printable characters.
    for end in 0..=base.len() {
        let _ = parse(&base[..end]);
    }
    for i in 0..base.len() {
        for c in ['0', 'F', ' ', '>', '^', '/', 'z'] {
            let mut s = base.clone().into_bytes();
            s[i] = c as u8;
            let _ = parse(std::str::from_utf8(&s).unwrap());
        }
    }
}
