//! Regressions for the account and sign-in findings of the security audit (issue #12), each
//! told as what a user or an attacker would notice: pages, redirects, status codes, the emails
//! in the outbox, the staff audit page and the security log.

use crate::common;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use flightclaim::domain::eligibility::parse_request;
use flightclaim::web::check::token;
use rocket::http::{ContentType, Cookie, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

const PASSWORD: &str = "violet tandem orbit 93 caramel";
const STAFF_PASSWORD: &str = "staff passphrase for tests 1";
const IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";

// --- helpers -------------------------------------------------------------------------------

async fn other_client(dir: &std::path::Path, extra: &str) -> Client {
    Client::tracked(flightclaim::app::build(common::test_config(dir, extra)).unwrap())
        .await
        .unwrap()
}

/// Registers and, when an account was created, opens it with the emailed link as its owner
/// does. Returns the answer to the registration form.
async fn register<'c>(client: &'c Client, name: &str, email: &str) -> LocalResponse<'c> {
    let res = common::submit(
        client,
        "/register",
        "/register",
        &[
            ("name", name),
            ("email", email),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    )
    .await;
    common::confirm_registration(client, email).await;
    res
}

async fn login<'c>(client: &'c Client, email: &str, password: &str) -> LocalResponse<'c> {
    common::submit(
        client,
        "/login",
        "/login",
        &[("email", email), ("password", password)],
    )
    .await
}

/// A form posted from a given client address (`remote`), with a fresh CSRF token.
async fn post_from<'c>(
    client: &'c Client,
    page: &str,
    action: &str,
    remote: &str,
    fields: &[(&str, &str)],
) -> LocalResponse<'c> {
    let html = client
        .get(page.to_string())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let mut body = format!("csrf_token={}", common::enc(&common::csrf_from(&html)));
    for (k, v) in fields {
        let _ = write!(body, "&{k}={}", common::enc(v));
    }
    client
        .post(action.to_string())
        .remote(remote.parse().unwrap())
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await
}

async fn page(client: &Client, uri: &str) -> (Status, String, Option<String>) {
    let res = client.get(uri.to_string()).dispatch().await;
    let location = res.headers().get_one("Location").map(str::to_string);
    (
        res.status(),
        res.into_string().await.unwrap_or_default(),
        location,
    )
}

fn db(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("flightclaim.sqlite3")).unwrap()
}

/// Every email of a kind sent to an address, oldest first: `(subject, text body)`.
fn mails(dir: &std::path::Path, to: &str, kind: &str) -> Vec<(String, String)> {
    common::received_mails(dir, to, kind)
        .into_iter()
        .map(|r| (r.subject, r.body_text))
        .collect()
}

fn kinds_to(dir: &std::path::Path, to: &str) -> Vec<String> {
    db(dir)
        .prepare("SELECT kind FROM outbox WHERE to_addr = ?1 ORDER BY id")
        .unwrap()
        .query_map([to], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The path of the first link to `prefix` in a text body.
fn link(body: &str, prefix: &str) -> String {
    let start = body.find(prefix).expect("link in the email");
    let end = body[start..]
        .find(|c: char| c.is_whitespace())
        .map_or(body.len(), |e| start + e);
    body[start..end]
        .trim_end_matches(['.', ')', '>'])
        .to_string()
}

/// A staff account, as `create-admin` makes it.
fn seed_staff(dir: &std::path::Path, email: &str, role: &str) {
    let db = flightclaim::db::Db::open(&dir.join("flightclaim.sqlite3")).unwrap();
    let hash = flightclaim::accounts::password::hash(STAFF_PASSWORD).unwrap();
    let (email, role) = (email.to_string(), role.to_string());
    db.write_blocking(move |tx| {
        flightclaim::db::users::upsert_admin(tx, &email, &hash)?;
        tx.execute(
            "UPDATE users SET role = ?1 WHERE email = ?2",
            [&role, &email],
        )?;
        Ok(())
    })
    .unwrap();
}

fn check_token() -> String {
    let json = br#"{"legs":[{"flight_number":"AF6","from_iata":"CDG","to_iata":"JFK",
        "scheduled_departure_local":"2025-05-14T10:30","scheduled_arrival_local":"2025-05-14T12:55"}],
        "disruption":{"type":"delay","arrival_delay_minutes":240,"reason":"technical"}}"#;
    token::encode(&parse_request(json).unwrap())
}

async fn wizard_post(client: &Client, uri: &str, fields: &[(&str, &str)]) -> String {
    let res = common::submit(client, "/check", uri, fields).await;
    res.headers().get_one("Location").unwrap_or("").to_string()
}

/// The claim wizard from /check's answer to the review step, with an IBAN and a phone.
async fn wizard_to_review(client: &Client, email: &str, last_name: &str) {
    let (_, _, loc) = page(client, &format!("/claims/new?from_check={}", check_token())).await;
    assert_eq!(loc.as_deref(), Some("/claims/new/flights"));
    let flights = [
        ("action", "next"),
        ("legs[0].flight", "af 006"),
        ("legs[0].date", "2025-05-14"),
        ("legs[0].from", "CDG"),
        ("legs[0].to", "JFK"),
        ("legs[0].dep_time", "10:30"),
        ("legs[0].arr_time", "12:55"),
    ];
    assert_eq!(
        wizard_post(client, "/claims/new/flights", &flights).await,
        "/claims/new/disruption"
    );
    let what = [("step", "what"), ("action", "next"), ("what", "delay")];
    wizard_post(client, "/claims/new/disruption", &what).await;
    let details = [
        ("step", "details"),
        ("action", "next"),
        ("delay_h", "4"),
        ("delay_m", "0"),
        ("reason", "technical"),
    ];
    assert_eq!(
        wizard_post(client, "/claims/new/disruption", &details).await,
        "/claims/new/result"
    );
    assert_eq!(
        wizard_post(client, "/claims/new/result", &[]).await,
        "/claims/new/passengers"
    );
    let passengers = [
        ("action", "next"),
        ("booking_ref", "k7qx2m"),
        ("passengers[0].first_name", "Marie"),
        ("passengers[0].last_name", last_name),
        ("email", email),
        ("phone", "+33 6 12 34 56 78"),
    ];
    assert_eq!(
        wizard_post(client, "/claims/new/passengers", &passengers).await,
        "/claims/new/documents"
    );
    wizard_post(client, "/claims/new/documents/seen", &[]).await;
    let full_name = format!("Marie {last_name}");
    let mandate = [
        ("signers[0].position", "0"),
        ("signers[0].name", full_name.as_str()),
        ("signers[0].consent", "true"),
    ];
    assert_eq!(
        wizard_post(client, "/claims/new/mandate", &mandate).await,
        "/claims/new/payout"
    );
    let payout = [("iban", IBAN), ("holder", full_name.as_str())];
    assert_eq!(
        wizard_post(client, "/claims/new/payout", &payout).await,
        "/claims/new/review"
    );
}

/// Everything the application logs, for the whole test binary (tests run in parallel: each
/// test looks for its own addresses).
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || LogWriter(Arc::clone(&sink)))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        buffer
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn log_lines_with(needle: &str) -> Vec<String> {
    let logs = captured_logs();
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    text.lines()
        .filter(|l| l.contains(needle))
        .map(str::to_string)
        .collect()
}

/// The intrinsic cost of a request: the fastest of several interleaved samples. Every test
/// shares one process (and two cores) with the rest of the suite, so slow samples say more
/// about the neighbours than about the code; a path that skips the password hash would still
/// be several times faster at its best.
fn fastest(samples: &[Duration]) -> Duration {
    samples.iter().copied().min().unwrap_or_default()
}

// --- 1. drafts ---------------------------------------------------------------------------

#[rocket::async_test]
async fn a_draft_leaves_with_its_passenger_and_never_changes_owner() {
    let (browser, dir) = common::client().await;
    register(&browser, "Alice Martin", "alice@example.com").await;
    wizard_to_review(&browser, "alice@example.com", "Martin").await;
    let (_, review, _) = page(&browser, "/claims/new/review").await;
    assert!(review.contains("FR76 3000"), "Alice sees her own draft");
    let alices_cookie = browser
        .cookies()
        .get_private("fc_draft")
        .unwrap()
        .value()
        .to_string();

    // Alice signs out; Bob signs in on the same browser and starts a claim.
    common::submit(&browser, "/account", "/logout", &[]).await;
    register(&browser, "Bob Durand", "bob@example.com").await;
    let (_, _, loc) = page(&browser, "/claims/new").await;
    assert_eq!(
        loc.as_deref(),
        Some("/claims/new/flights"),
        "Bob starts afresh, not on Alice's review page"
    );
    for step in ["review", "payout", "passengers"] {
        let (_, body, _) = page(&browser, &format!("/claims/new/{step}")).await;
        assert!(!body.contains("FR76 3000"), "Alice's IBAN on {step}");
        assert!(
            !body.contains("alice@example.com"),
            "Alice's email on {step}"
        );
    }

    // Even with Alice's old draft cookie put back, Bob (or an anonymous visitor) gets nothing,
    // and saving a step with it does not take the draft over.
    let bob = other_client(dir.path(), "").await;
    login(&bob, "bob@example.com", PASSWORD).await;
    let anonymous = other_client(dir.path(), "").await;
    for (who, client) in [("bob", &bob), ("anonymous", &anonymous)] {
        let res = client
            .get("/claims/new/review")
            .private_cookie(Cookie::new("fc_draft", alices_cookie.clone()))
            .dispatch()
            .await;
        let status = res.status();
        let body = res.into_string().await.unwrap_or_default();
        assert!(
            !body.contains("FR76 3000") && !body.contains("+33 6 12"),
            "{who} must not see Alice's draft ({status})"
        );
        let token = common::csrf_from(&page(client, "/check").await.1);
        client
            .post("/claims/new/payout")
            .private_cookie(Cookie::new("fc_draft", alices_cookie.clone()))
            .header(ContentType::Form)
            .body(format!(
                "csrf_token={}&iban=DE89370400440532013000&holder=Mallory",
                common::enc(&token)
            ))
            .dispatch()
            .await;
    }

    // Alice, back on her own device, still has her draft, unchanged.
    let laptop = other_client(dir.path(), "").await;
    assert_eq!(
        login(&laptop, "alice@example.com", PASSWORD).await.status(),
        Status::SeeOther
    );
    let (_, _, loc) = page(&laptop, "/claims/new").await;
    assert_eq!(loc.as_deref(), Some("/claims/new/review"));
    let (_, review, _) = page(&laptop, "/claims/new/review").await;
    assert!(review.contains("FR76 3000") && !review.contains("Mallory"));
}

// --- 2. throttling that cannot lock the owner out ----------------------------------------

#[rocket::async_test]
async fn a_storm_of_wrong_passwords_slows_but_never_locks_out_the_owner() {
    let (owner, dir) = common::client_with("rate_limit_account = \"3/hour\"").await;
    register(&owner, "Ada", "ada@example.com").await;
    common::submit(&owner, "/account", "/logout", &[]).await;
    seed_staff(dir.path(), "boss@example.com", "admin");
    // The counters live in the server: every request goes through one instance, from the
    // addresses given.
    for (page_uri, email) in [
        ("/login", "ada@example.com"),
        ("/admin/login", "boss@example.com"),
    ] {
        for i in 0..6 {
            let res = post_from(
                &owner,
                page_uri,
                page_uri,
                &format!("203.0.113.{}:4000", 10 + i),
                &[("email", email), ("password", "wrong guess here")],
            )
            .await;
            assert_eq!(
                res.status(),
                Status::Ok,
                "attempt {i} on {page_uri} is answered"
            );
        }
        // The owner, from a device that has not been failing: slowed, not refused.
        let password = if page_uri == "/login" {
            PASSWORD
        } else {
            STAFF_PASSWORD
        };
        let started = Instant::now();
        let res = post_from(
            &owner,
            page_uri,
            page_uri,
            "198.51.100.7:5000",
            &[("email", email), ("password", password)],
        )
        .await;
        assert_eq!(
            res.status(),
            Status::SeeOther,
            "the owner signs in at {page_uri}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    // A client that keeps failing on an account has to wait, even with the right password.
    for _ in 0..3 {
        post_from(
            &owner,
            "/login",
            "/login",
            "192.0.2.66:1",
            &[("email", "ada@example.com"), ("password", "nope nope nope")],
        )
        .await;
    }
    let res = post_from(
        &owner,
        "/login",
        "/login",
        "192.0.2.66:1",
        &[("email", "ada@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), Status::TooManyRequests);
    assert!(res.into_string().await.unwrap().contains("Patientez"));
}

#[rocket::async_test]
async fn ipv6_clients_are_limited_per_64() {
    let (client, _dir) = common::client_with("rate_limit_auth = \"2/min\"").await;
    let mut statuses = Vec::new();
    for host in ["1", "2", "abcd:1"] {
        let res = post_from(
            &client,
            "/login",
            "/login",
            &format!("[2001:db8:aa:bb::{host}]:4000"),
            &[("email", "a@example.com"), ("password", "x")],
        )
        .await;
        statuses.push(res.status());
    }
    assert_eq!(
        statuses,
        [Status::Ok, Status::Ok, Status::TooManyRequests],
        "three addresses of one /64 share one quota"
    );
    let res = post_from(
        &client,
        "/login",
        "/login",
        "[2001:db8:aa:bc::1]:4000",
        &[("email", "a@example.com"), ("password", "x")],
    )
    .await;
    assert_eq!(res.status(), Status::Ok, "the next /64 has its own");
}

// --- 3. no user enumeration --------------------------------------------------------------

/// What a visitor can observe of an answer: status, redirect, and the cookies set (names and
/// encrypted sizes), plus the body with digits and hex removed (CSRF tokens, request ids).
async fn observable(res: LocalResponse<'_>) -> (Status, Option<String>, Vec<String>, String) {
    let status = res.status();
    let location = res.headers().get_one("Location").map(str::to_string);
    let mut cookies: Vec<String> = res
        .headers()
        .get("Set-Cookie")
        .map(|c| {
            let (name, rest) = c.split_once('=').unwrap_or((c, ""));
            let value = rest.split(';').next().unwrap_or("");
            // Percent-decoded size (the encrypted values are base64, whose `+ / =` may be
            // escaped in the header).
            let size = value.len() - 2 * value.matches('%').count();
            format!("{name}:{size}")
        })
        .collect();
    cookies.sort();
    let body = res
        .into_string()
        .await
        .unwrap_or_default()
        .replace(|c: char| c.is_ascii_hexdigit(), "");
    (status, location, cookies, body)
}

#[rocket::async_test]
async fn register_and_forgot_answer_alike_for_known_and_unknown_addresses() {
    let (first, dir) = common::client_with("rate_limit_auth = \"1000/min\"").await;
    register(&first, "Known", "known@example.com").await;
    let extra = "rate_limit_auth = \"1000/min\"";

    // /register: the same answer, whether the address has an account or not.
    let visitor = other_client(dir.path(), extra).await;
    let known = observable(register(&visitor, "Eve", "known@example.com").await).await;
    let visitor = other_client(dir.path(), extra).await;
    let unknown = observable(register(&visitor, "Eve", "fresh@example.com").await).await;
    assert_eq!(known, unknown);
    assert!(
        !kinds_to(dir.path(), "known@example.com").is_empty()
            && mails(dir.path(), "known@example.com", "account_exists").len() == 1,
        "the owner of the address is told by email instead"
    );
    let (subject, body) = &mails(dir.path(), "known@example.com", "account_exists")[0];
    assert!(subject.contains("déjà un compte"), "{subject}");
    assert!(body.contains("/password/forgot"), "{body}");
    // The existing account is untouched: its password still works.
    let owner = other_client(dir.path(), extra).await;
    assert_eq!(
        login(&owner, "known@example.com", PASSWORD).await.status(),
        Status::SeeOther
    );

    // /register takes the same time either way (the password is hashed in both cases).
    let mut known_times = Vec::new();
    let mut unknown_times = Vec::new();
    for i in 0..7 {
        let visitor = other_client(dir.path(), extra).await;
        known_times
            .push(timed_post(&visitor, "/register", &registration("known@example.com")).await);
        let visitor = other_client(dir.path(), extra).await;
        let fresh = format!("new{i}@example.com");
        unknown_times.push(timed_post(&visitor, "/register", &registration(&fresh)).await);
    }
    let ratio = fastest(&known_times).as_secs_f64() / fastest(&unknown_times).as_secs_f64();
    assert!(
        (0.67..1.5).contains(&ratio),
        "register known/unknown = {ratio}"
    );

    // /password/forgot: same page, same time.
    let visitor = other_client(dir.path(), extra).await;
    let forgot = "/password/forgot";
    let a = common::submit(&visitor, forgot, forgot, &[("email", "known@example.com")]).await;
    let a = observable(a).await;
    let b = common::submit(&visitor, forgot, forgot, &[("email", "nobody@example.com")]).await;
    let b = observable(b).await;
    assert_eq!(a, b);
    let mut known_times = Vec::new();
    let mut unknown_times = Vec::new();
    for _ in 0..9 {
        for (email, times) in [
            ("known@example.com", &mut known_times),
            ("nobody@example.com", &mut unknown_times),
        ] {
            times.push(timed_post(&visitor, "/password/forgot", &[("email", email)]).await);
        }
    }
    let ratio = fastest(&known_times).as_secs_f64() / fastest(&unknown_times).as_secs_f64();
    assert!(
        (0.67..1.5).contains(&ratio),
        "forgot known/unknown = {ratio}"
    );
}

fn registration(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", "Eve".to_string()),
        ("email", email.to_string()),
        ("password", PASSWORD.to_string()),
        ("password_confirm", PASSWORD.to_string()),
    ]
}

/// How long the server takes to answer a form post (the CSRF token is fetched first, untimed).
async fn timed_post<K: AsRef<str>, V: AsRef<str>>(
    client: &Client,
    page_uri: &str,
    fields: &[(K, V)],
) -> Duration {
    let html = page(client, page_uri).await.1;
    let mut body = format!("csrf_token={}", common::enc(&common::csrf_from(&html)));
    for (k, v) in fields {
        let _ = write!(body, "&{}={}", k.as_ref(), common::enc(v.as_ref()));
    }
    let request = client
        .post(page_uri.to_string())
        .header(ContentType::Form)
        .body(body);
    let started = Instant::now();
    let res = request.dispatch().await;
    let took = started.elapsed();
    assert!(res.status().code < 500, "{page_uri}: {}", res.status());
    took
}

// --- 4. what a password or email change revokes and announces ---------------------------

#[rocket::async_test]
async fn a_password_change_kills_older_reset_links_and_is_announced() {
    let (client, dir) = common::client().await;
    register(&client, "Ada", "ada@example.com").await;
    // Someone (an attacker with access to the mailbox for a while) asks for a reset link.
    common::submit(
        &client,
        "/password/forgot",
        "/password/forgot",
        &[("email", "ada@example.com")],
    )
    .await;
    let (_, body) = mails(dir.path(), "ada@example.com", "password_reset")
        .pop()
        .unwrap();
    let old_link = link(&body, "/password/reset/");
    // Ada changes her password on the account page.
    let res = common::submit(
        &client,
        "/account",
        "/account/password",
        &[
            ("current_password", PASSWORD),
            ("password", "another long passphrase 42"),
            ("password_confirm", "another long passphrase 42"),
        ],
    )
    .await;
    assert_eq!(res.status(), Status::SeeOther);
    let (status, body, _) = page(&client, &old_link).await;
    assert_eq!(status, Status::Ok);
    assert!(
        body.contains("plus valable"),
        "the link issued before the change no longer works"
    );
    let stranger = other_client(dir.path(), "").await;
    let res = common::submit(
        &stranger,
        "/login",
        &old_link,
        &[
            ("password", "attacker chosen passphrase 9"),
            ("password_confirm", "attacker chosen passphrase 9"),
        ],
    )
    .await;
    assert_ne!(res.headers().get_one("Location"), Some("/login"));
    assert_eq!(
        login(&stranger, "ada@example.com", "attacker chosen passphrase 9")
            .await
            .status(),
        Status::Ok,
        "the attacker's password was not set"
    );
    let changed = mails(dir.path(), "ada@example.com", "password_changed");
    assert_eq!(changed.len(), 1, "Ada is told her password changed");
    assert!(changed[0].1.contains("/password/forgot"));

    // A reset through a link is announced too, and ends the other sessions.
    let phone = other_client(dir.path(), "").await;
    login(&phone, "ada@example.com", "another long passphrase 42").await;
    common::submit(
        &stranger,
        "/password/forgot",
        "/password/forgot",
        &[("email", "ada@example.com")],
    )
    .await;
    let (_, body) = mails(dir.path(), "ada@example.com", "password_reset")
        .pop()
        .unwrap();
    let reset = link(&body, "/password/reset/");
    let res = common::submit(
        &stranger,
        &reset,
        &reset,
        &[
            ("password", "a brand new passphrase 77"),
            ("password_confirm", "a brand new passphrase 77"),
        ],
    )
    .await;
    assert_eq!(res.headers().get_one("Location"), Some("/login"));
    assert_eq!(
        mails(dir.path(), "ada@example.com", "password_changed").len(),
        2
    );
    assert_eq!(page(&phone, "/account").await.0, Status::SeeOther);
}

#[rocket::async_test]
async fn an_email_change_is_announced_to_the_old_address_and_kills_its_reset_links() {
    let (client, dir) = common::client_with("rate_limit_auth = \"100/min\"").await;
    register(&client, "Ada", "ada@example.com").await;
    common::submit(
        &client,
        "/password/forgot",
        "/password/forgot",
        &[("email", "ada@example.com")],
    )
    .await;
    let (_, body) = mails(dir.path(), "ada@example.com", "password_reset")
        .pop()
        .unwrap();
    let old_reset = link(&body, "/password/reset/");
    common::submit(
        &client,
        "/account",
        "/account/email",
        &[("new_email", "ada@newmail.example"), ("password", PASSWORD)],
    )
    .await;
    let (_, body) = mails(dir.path(), "ada@newmail.example", "email_verification")
        .pop()
        .unwrap();
    page(&client, &link(&body, "/verify-email/")).await;
    let told = mails(dir.path(), "ada@example.com", "email_changed");
    assert_eq!(told.len(), 1, "the OLD address is told");
    assert!(told[0].1.contains("ada@newmail.example"), "{}", told[0].1);
    assert!(mails(dir.path(), "ada@newmail.example", "email_changed").is_empty());
    let (_, body, _) = page(&client, &old_reset).await;
    assert!(
        body.contains("plus valable"),
        "reset links sent to the old address die"
    );
}

// --- 5. absolute session lifetime --------------------------------------------------------

#[rocket::async_test]
async fn a_session_ends_ninety_days_after_sign_in_however_active() {
    let (client, dir) = common::client().await;
    register(&client, "Ada", "ada@example.com").await;
    assert_eq!(page(&client, "/account").await.0, Status::Ok);
    // Used every day for 91 days: last seen a minute ago, idle expiry weeks away.
    let started = (chrono::Utc::now() - chrono::Duration::days(91))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    db(dir.path())
        .execute("UPDATE sessions SET created_at = ?1", [&started])
        .unwrap();
    let (status, _, location) = page(&client, "/account").await;
    assert_eq!(status, Status::SeeOther, "signed out after 90 days");
    assert!(location.unwrap_or_default().starts_with("/login"));
    // 89 days old: still fine.
    login(&client, "ada@example.com", PASSWORD).await;
    let recent = (chrono::Utc::now() - chrono::Duration::days(89))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    db(dir.path())
        .execute("UPDATE sessions SET created_at = ?1", [&recent])
        .unwrap();
    assert_eq!(page(&client, "/account").await.0, Status::Ok);
}

// --- 6. odd `next` values ------------------------------------------------------------------

#[rocket::async_test]
async fn odd_next_values_fall_back_to_the_default_page_not_a_500() {
    let (client, dir) = common::client_with("rate_limit_auth = \"100/min\"").await;
    register(&client, "Ada", "ada@example.com").await;
    seed_staff(dir.path(), "boss@example.com", "admin");
    for next in ["/faq\tx", "/faq x", "/faq\0", "/café", "/admin\u{7f}"] {
        let res = common::submit(
            &client,
            "/login",
            "/login",
            &[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await;
        assert_eq!(res.status(), Status::SeeOther, "{next:?}");
        assert_eq!(
            res.headers().get_one("Location"),
            Some("/account"),
            "{next:?}"
        );
        let (status, _, _) = page(&client, &format!("/login?next={}", common::enc(next))).await;
        assert_eq!(status, Status::Ok);

        let staff = other_client(dir.path(), "rate_limit_auth = \"100/min\"").await;
        let admin_next = format!("/admin{next}");
        let res = common::submit(
            &staff,
            "/admin/login",
            "/admin/login",
            &[
                ("email", "boss@example.com"),
                ("password", STAFF_PASSWORD),
                ("next", &admin_next),
            ],
        )
        .await;
        assert_eq!(res.status(), Status::SeeOther, "{admin_next:?}");
        assert_eq!(
            res.headers().get_one("Location"),
            Some("/admin"),
            "{admin_next:?}"
        );
    }
}

// --- 7. security logging -----------------------------------------------------------------

#[rocket::async_test]
async fn sign_ins_resets_and_throttles_are_logged_for_the_operator() {
    captured_logs();
    let (client, dir) = common::client_with("rate_limit_auth = \"100/min\"").await;
    register(&client, "Grace", "grace.hopper@example.com").await;
    common::submit(&client, "/account", "/logout", &[]).await;
    for _ in 0..4 {
        post_from(
            &client,
            "/login",
            "/login",
            "203.0.113.77:1234",
            &[
                ("email", "grace.hopper@example.com"),
                ("password", "wrong wrong wrong"),
            ],
        )
        .await;
    }
    post_from(
        &client,
        "/login",
        "/login",
        "198.51.100.8:1",
        &[
            ("email", "grace.hopper@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    post_from(
        &client,
        "/password/forgot",
        "/password/forgot",
        "198.51.100.8:1",
        &[("email", "grace.hopper@example.com")],
    )
    .await;
    let lines = log_lines_with("g***@example.com");
    let has = |event: &str, ip: &str| lines.iter().any(|l| l.contains(event) && l.contains(ip));
    assert!(has("sign_in.failed", "203.0.113.77"), "{lines:#?}");
    assert!(has("sign_in.throttled", "203.0.113.77"), "{lines:#?}");
    assert!(has("sign_in.succeeded", "198.51.100.8"), "{lines:#?}");
    assert!(
        has("password.reset_requested", "198.51.100.8"),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l.chars().take(4).all(|c| c.is_ascii_digit())),
        "each line starts with its time: {lines:#?}"
    );
    assert!(
        log_lines_with("grace.hopper@example.com")
            .iter()
            .all(|l| !l.contains("event=")),
        "never the whole address in the security log"
    );

    // Staff sign-ins go to the audit log, which admins read on the dashboard.
    seed_staff(dir.path(), "boss@example.com", "admin");
    let staff = other_client(dir.path(), "rate_limit_auth = \"100/min\"").await;
    for _ in 0..4 {
        post_from(
            &staff,
            "/admin/login",
            "/admin/login",
            "192.0.2.99:80",
            &[
                ("email", "boss@example.com"),
                ("password", "not the password"),
            ],
        )
        .await;
    }
    post_from(
        &staff,
        "/admin/login",
        "/admin/login",
        "192.0.2.100:80",
        &[("email", "boss@example.com"), ("password", STAFF_PASSWORD)],
    )
    .await;
    let (status, audit, _) = page(&staff, "/admin/audit").await;
    assert_eq!(status, Status::Ok);
    assert!(
        audit.contains("staff.login_failed") && audit.contains("ip:192.0.2.99"),
        "{audit}"
    );
    assert!(audit.contains("staff.login_throttled"), "{audit}");
    assert!(
        audit.contains("ip:192.0.2.100"),
        "the successful sign-in's address: {audit}"
    );
}

// --- 8. accounts made by an anonymous claim are inert -------------------------------------

#[rocket::async_test]
async fn a_claim_filed_for_someone_elses_address_gives_no_way_into_that_account() {
    let (mallory, dir) = common::client().await;
    wizard_to_review(&mallory, "victim@example.com", "Victime").await;
    let res = common::submit(&mallory, "/check", "/claims/new/review", &[]).await;
    assert_eq!(res.status(), Status::SeeOther);
    let claim_url = res.headers().get_one("Location").unwrap().to_string();
    assert!(claim_url.starts_with("/claims/FC-"), "{claim_url}");
    // The filer sees the claim they just filed (what they typed) ...
    let (status, _, _) = page(&mallory, &claim_url).await;
    assert_eq!(status, Status::Ok);
    // ... but is not signed in to the account made for that address.
    let (status, _, location) = page(&mallory, "/account").await;
    assert_eq!(status, Status::SeeOther, "no session for the new account");
    assert!(location.unwrap_or_default().starts_with("/login"));
    assert_ne!(page(&mallory, "/account/export").await.0, Status::Ok);

    // The mailbox's owner is told plainly, and how to report it.
    let (subject, body) = mails(dir.path(), "victim@example.com", "claim_account")
        .pop()
        .expect("the confirmation mail");
    assert!(subject.contains("déposée avec votre adresse"), "{subject}");
    assert!(body.contains("signalez-le-nous depuis la page de contact"));
    assert!(body.contains(claim_url.trim_start_matches("/claims/")));

    // Another browser sees nothing; the owner's link opens the account (and the claim).
    let owner = other_client(dir.path(), "").await;
    assert_eq!(
        page(&owner, &claim_url).await.0,
        Status::SeeOther,
        "sent to sign in"
    );
    page(&owner, &link(&body, "/verify-email/")).await;
    let (status, account, _) = page(&owner, "/account").await;
    assert_eq!(status, Status::Ok);
    assert!(account.contains(&claim_url));
}
