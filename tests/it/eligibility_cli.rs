//! `flightclaim eligibility [FILE|-]` through the real binary: every public sample case as one
//! array (one response line each, in order), stdin, `--lang`, and bad input (exit 2, stderr).

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const CASES: &str = include_str!("../data/eu261-cases-public.json");

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flightclaim"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .arg("eligibility")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn number_eq(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

fn cdg_jfk(delay: i64) -> Value {
    json!({
        "claim_date": "2025-10-15",
        "legs": [{"flight_number": "AF6", "from_iata": "CDG", "to_iata": "JFK",
                  "scheduled_departure_local": "2025-05-14T10:30",
                  "scheduled_arrival_local": "2025-05-14T12:55"}],
        "disruption": {"type": "delay", "arrival_delay_minutes": delay, "reason": "technical"}
    })
}

#[test]
fn every_public_case_as_one_array_from_a_file() {
    // Distances: see eligibility_api::every_public_case_over_http (1 km cross-check, issue 13).
    cases_as_one_array_from_a_file(CASES, 2.0);
}

#[test]
fn every_journey_case_as_one_array_from_a_file() {
    cases_as_one_array_from_a_file(include_str!("../data/eu261-cases-journeys.json"), 0.0);
}

fn cases_as_one_array_from_a_file(json: &str, distance_tolerance_km: f64) {
    let doc: Value = serde_json::from_str(json).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    let requests: Vec<&Value> = cases.iter().map(|c| &c["request"]).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.json");
    std::fs::write(&path, serde_json::to_vec(&requests).unwrap()).unwrap();

    let out = bin()
        .arg("eligibility")
        .arg(&path)
        .arg("--lang")
        .arg("en")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let responses = lines(&out);
    assert_eq!(
        responses.len(),
        cases.len(),
        "one line per request, in order"
    );
    let mut failures = Vec::new();
    for (case, got) in cases.iter().zip(&responses) {
        let id = case["id"].as_str().unwrap();
        for (k, want) in case["expected"].as_object().unwrap() {
            let have = got.get(k).unwrap_or(&Value::Null);
            let ok = if k == "alternatives" {
                have.as_array().map(Vec::len) == want.as_array().map(Vec::len)
                    && have
                        .as_array()
                        .unwrap()
                        .iter()
                        .zip(want.as_array().unwrap())
                        .all(|(h, w)| {
                            h["regime"] == w["regime"]
                                && h["currency"] == w["currency"]
                                && number_eq(&h["amount"], &w["amount"])
                        })
            } else if k == "distance_km" {
                (have.as_f64().unwrap_or(f64::NAN) - want.as_f64().unwrap_or(f64::NAN)).abs()
                    <= distance_tolerance_km.max(1e-9)
            } else {
                number_eq(have, want)
            };
            if !ok {
                failures.push(format!("{id}: {k} expected {want}, got {have}"));
            }
        }
        assert!(
            got["explanation"]
                .as_str()
                .is_some_and(|e| e.contains("Art")),
            "{id}: English explanation"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn one_request_on_stdin_in_french_by_default() {
    let out = run_stdin(&[], &cdg_jfk(240).to_string());
    assert_eq!(out.status.code(), Some(0));
    let responses = lines(&out);
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0]["amount"], 600);
    assert_eq!(responses[0]["currency"], "EUR");
    assert!(
        responses[0]["explanation"]
            .as_str()
            .unwrap()
            .contains("s'applique")
    );
    // `-` is standard input too.
    let out = run_stdin(&["-", "--lang", "en"], &cdg_jfk(100).to_string());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&out)[0]["reason_code"], "DELAY_BELOW_3H");
}

#[test]
fn bad_input_exits_2_with_the_error_on_stderr() {
    let mut unknown = cdg_jfk(240);
    unknown["legs"][0]["from_iata"] = json!("QQQ");
    let array = json!([cdg_jfk(240), unknown, cdg_jfk(-3)]).to_string();
    let bad: Vec<(String, &[&str])> = vec![
        ("{oops".into(), &["invalid_json"]),
        (
            unknown.to_string(),
            &["unknown_airport", "legs[0].from_iata"],
        ),
        (
            array,
            &[
                "request 1",
                "unknown_airport",
                "request 2",
                "negative_value",
            ],
        ),
        ("[1]".into(), &["request 0", "invalid_type"]),
    ];
    for (input, needles) in bad {
        let out = run_stdin(&["--lang", "en"], &input);
        assert_eq!(out.status.code(), Some(2), "{input}");
        assert!(
            out.stdout.is_empty(),
            "nothing on stdout when any request is refused"
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("flightclaim: "), "{err}");
        for n in needles {
            assert!(err.contains(n), "{input}: {err} lacks {n}");
        }
    }
    // A missing file is bad input too.
    let out = bin()
        .args(["eligibility", "/nonexistent/requests.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    // And so is an unsupported language.
    let out = run_stdin(&["--lang", "de"], &cdg_jfk(240).to_string());
    assert_eq!(out.status.code(), Some(2));
}
