//! `/check` as a passenger without JavaScript drives it: each step with the Rocket local
//! client, field errors, ambiguous airports, both languages, CSRF, the answer page.

use crate::common;

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::Client;

/// `(name, value)` of every hidden input of a page, as a browser would submit them.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r#"<input type="hidden" name="([^"]+)" value="([^"]*)""#).unwrap();
    re.captures_iter(html)
        .map(|c| (unescape(&c[1]), unescape(&c[2])))
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

fn encode(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", common::enc(k), common::enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Submits the form of `page` (its hidden fields, then `fields`); returns status, body and
/// the redirect target.
async fn submit(
    client: &Client,
    page: &str,
    fields: &[(&str, &str)],
) -> (Status, String, Option<String>) {
    let mut all = hidden_fields(page);
    all.extend(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string())),
    );
    let res = client
        .post("/check")
        .header(ContentType::Form)
        .body(encode(&all))
        .dispatch()
        .await;
    let status = res.status();
    let location = res.headers().get_one("Location").map(str::to_string);
    (
        status,
        res.into_string().await.unwrap_or_default(),
        location,
    )
}

async fn get(client: &Client, uri: &str) -> (Status, String) {
    let res = client.get(uri.to_string()).dispatch().await;
    (res.status(), res.into_string().await.unwrap_or_default())
}

const CDG_JFK: [(&str, &str); 7] = [
    ("action", "next"),
    ("legs[0].flight", "af 006"),
    ("legs[0].date", "2025-05-14"),
    ("legs[0].from", "CDG"),
    ("legs[0].to", "JFK"),
    ("legs[0].dep_time", "10:30"),
    ("legs[0].arr_time", "12:55"),
];

/// Steps 1 and 2 for AF6 CDG→JFK; returns step 3.
async fn to_details(client: &Client, lang: &str, what: &str) -> String {
    let (_, start) = get(client, &format!("/check?lang={lang}")).await;
    let (status, what_page, _) = submit(client, &start, &CDG_JFK).await;
    assert_eq!(status, Status::Ok);
    assert!(what_page.contains(r#"name="what""#), "step 2: {what_page}");
    let (status, details, _) =
        submit(client, &what_page, &[("action", "next"), ("what", what)]).await;
    assert_eq!(status, Status::Ok);
    details
}

/// Step 3 answers → the answer page.
async fn to_result(client: &Client, details: &str, fields: &[(&str, &str)]) -> String {
    let mut all = vec![("action", "next")];
    all.extend_from_slice(fields);
    let (status, body, location) = submit(client, details, &all).await;
    assert_eq!(status, Status::SeeOther, "{body}");
    let location = location.unwrap();
    assert!(location.starts_with("/check/result?r="), "{location}");
    let (status, html) = get(client, &location).await;
    assert_eq!(status, Status::Ok);
    html
}

#[rocket::async_test]
async fn step_one_in_french_and_english() {
    let (client, _dir) = common::client().await;
    let (status, fr) = get(&client, "/check").await;
    assert_eq!(status, Status::Ok);
    assert!(fr.contains(r#"<html lang="fr">"#));
    assert!(fr.contains("Numéro de vol") && fr.contains("Aéroport de départ"));
    assert!(fr.contains(r#"name="csrf_token""#));
    assert!(
        fr.contains("data-airport-combobox")
            && fr.contains(r#"data-code-field="legs[0].from_iata""#)
    );
    assert!(fr.contains("/js/combobox") && fr.contains("/js/check"));
    let (_, en) = get(&client, "/check?lang=en").await;
    assert!(en.contains(r#"<html lang="en">"#));
    assert!(
        en.contains("Flight number")
            && en.contains("Departure airport")
            && en.contains("Step 1 of 3")
    );
    // Accept-Language alone, on a fresh client.
    let (client, _dir2) = common::client().await;
    let res = client
        .get("/check")
        .header(Header::new("Accept-Language", "en-GB"))
        .dispatch()
        .await;
    assert!(
        res.into_string()
            .await
            .unwrap()
            .contains("Scheduled departure time")
    );
}

#[rocket::async_test]
async fn posting_without_the_csrf_token_is_refused() {
    let (client, _dir) = common::client().await;
    let _ = get(&client, "/check").await;
    let res = client
        .post("/check")
        .header(ContentType::Form)
        .body("step=flights&legs[0].flight=AF6")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
    let res = client
        .post("/check")
        .header(ContentType::Form)
        .body("csrf_token=forged&step=flights")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn ambiguous_airports_offer_choices_and_keep_what_was_typed() {
    let (client, _dir) = common::client().await;
    let (_, start) = get(&client, "/check?lang=en").await;
    let mut fields = CDG_JFK.to_vec();
    fields[3] = ("legs[0].from", "Paris");
    fields[4] = ("legs[0].to", "New York");
    let (status, page, _) = submit(&client, &start, &fields).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("There is a problem"), "error summary");
    assert!(
        page.contains(r##"<a href="#leg0-from">"##) && page.contains(r##"<a href="#leg0-to">"##)
    );
    assert!(page.contains("Several airports match"));
    assert!(
        page.contains(r#"value="Paris""#) && page.contains(r#"value="New York""#),
        "typed text kept"
    );
    assert!(
        page.contains(r#"aria-describedby="leg0-from-hint leg0-from-error" aria-invalid="true""#)
    );
    assert!(page.contains(r#"name="legs[0].from_choice" value="CDG""#));
    assert!(page.contains(r#"name="legs[0].to_choice" value="JFK""#));
    assert!(page.contains("Which airport did you mean?"));
    assert!(page.contains(r"<title>Error: "));
    // The other fields were understood and normalised.
    assert!(page.contains(r#"value="AF6""#));

    // Picking the radios moves on, with the airports' full labels.
    let (status, what, _) = submit(
        &client,
        &page,
        &[
            ("action", "next"),
            ("legs[0].flight", "AF6"),
            ("legs[0].date", "2025-05-14"),
            ("legs[0].from", "Paris"),
            ("legs[0].from_choice", "CDG"),
            ("legs[0].to", "New York"),
            ("legs[0].to_choice", "JFK"),
            ("legs[0].dep_time", "10:30"),
            ("legs[0].arr_time", "12:55"),
        ],
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert!(what.contains("What happened?"), "{what}");
    assert!(what.contains("Paris (CDG) → New York (JFK)"));
    assert!(what.contains(r#"name="legs[0].from_iata" value="CDG""#));
}

#[rocket::async_test]
async fn field_errors_name_each_problem_in_the_page_language() {
    let (client, _dir) = common::client().await;
    let (_, start) = get(&client, "/check?lang=fr").await;
    let (status, page, _) = submit(
        &client,
        &start,
        &[
            ("action", "next"),
            ("legs[0].flight", "A*1"),
            ("legs[0].date", "31/02/2025"),
            ("legs[0].from", "Xyzzyqville"),
            ("legs[0].to", ""),
            ("legs[0].dep_time", "25:99"),
            ("legs[0].arr_time", ""),
        ],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("Il y a un problème"));
    for (id, text) in [
        ("leg0-flight", "code de la compagnie"),
        ("leg0-date", "date réelle"),
        (
            "leg0-from",
            "Aucun aéroport ne correspond à « Xyzzyqville »",
        ),
        ("leg0-to", "Indiquez l&#39;aéroport d&#39;arrivée"),
        ("leg0-dep-time", "HH:MM"),
        ("leg0-arr-time", "Indiquez l&#39;heure prévue"),
    ] {
        assert!(
            page.contains(&format!(r##"<a href="#{id}">"##)),
            "summary links {id}"
        );
        assert!(
            page.contains(&format!(r#"id="{id}-error""#)),
            "message next to {id}"
        );
        assert!(page.contains(text), "{id}: {text}");
    }
    assert!(page.contains(r#"value="A*1""#) && page.contains(r#"value="Xyzzyqville""#));
    // Same airport twice.
    let mut fields = CDG_JFK.to_vec();
    fields[4] = ("legs[0].to", "cdg");
    let (_, page, _) = submit(&client, &start, &fields).await;
    assert!(page.contains("doit être différent"), "same airport");
}

#[rocket::async_test]
async fn a_four_hour_delay_is_600_eur_in_french_with_a_claim_link() {
    let (client, _dir) = common::client().await;
    let details = to_details(&client, "fr", "delay").await;
    assert!(details.contains("Avec combien de retard"));
    assert!(details.contains(r#"<select id="reason" name="reason""#));
    let html = to_result(
        &client,
        &details,
        &[("delay_h", "4"), ("delay_m", "0"), ("reason", "technical")],
    )
    .await;
    assert!(html.contains("Bonne nouvelle"));
    assert!(html.contains(">600 €<"), "amount in big type");
    assert!(html.contains("règlement européen"));
    assert!(html.contains("Air France (AF)"));
    assert!(html.contains("14 mai 2030"), "deadline in words");
    assert!(
        html.contains("834 km") && !html.contains("5833,6"),
        "whole, grouped kilometres"
    );
    assert!(html.contains("Sturgeon"), "the engine's reasons");
    assert!(html.contains(r#"href="/claims/new?from_check="#));
    assert!(html.contains("Lancer ma réclamation"));
    // The token decodes to the same request.
    let token = html
        .split("from_check=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let req = flightclaim::web::check::token::decode(token).expect("token decodes");
    assert_eq!(req.legs[0].flight_number, "AF6");
    assert_eq!(
        req.legs[0].scheduled_arrival_local.to_string(),
        "2025-05-14 12:55:00"
    );
    assert_eq!(req.disruption.arrival_delay_minutes, Some(240));
    assert_eq!(req.forum_country.as_deref(), Some("FR"));
}

#[rocket::async_test]
async fn the_answer_in_english_and_an_ineligible_case_explained_kindly() {
    let (client, _dir) = common::client().await;
    let details = to_details(&client, "en", "delay").await;
    let html = to_result(
        &client,
        &details,
        &[("delay_h", "4"), ("reason", "technical")],
    )
    .await;
    assert!(
        html.contains("Good news") && html.contains(">600 €<") && html.contains("Start my claim")
    );
    assert!(html.contains("14 May 2030"));

    let details = to_details(&client, "en", "delay").await;
    let html = to_result(
        &client,
        &details,
        &[("delay_h", "5"), ("reason", "weather")],
    )
    .await;
    assert!(html.contains("No compensation for this flight"));
    assert!(html.contains("extraordinary circumstances"), "why");
    assert!(html.contains("What you may still be entitled to"));
    assert!(html.contains("Meals, refreshments"));
    assert!(
        !html.contains("/claims/new"),
        "no claim button when nothing is owed"
    );
}

#[rocket::async_test]
async fn step_three_errors_and_back_buttons_keep_answers() {
    let (client, _dir) = common::client().await;
    let details = to_details(&client, "en", "cancellation").await;
    let (status, page, _) = submit(
        &client,
        &details,
        &[
            ("action", "next"),
            ("reroute", "yes"),
            ("notice_days", "-2"),
        ],
    )
    .await;
    assert_eq!(status, Status::Ok);
    for id in [
        "notice-days",
        "reroute-dep-dir",
        "reroute-dep-h",
        "reroute-arr-h",
    ] {
        assert!(
            page.contains(&format!(r##"<a href="#{id}">"##)),
            "{id}: {page}"
        );
    }
    assert!(page.contains(r#"value="-2""#), "typed value kept");
    // Back to step 2, then step 1: the flight is still there.
    let (_, what, _) = submit(&client, &page, &[("action", "back")]).await;
    assert!(what.contains(r#"value="cancellation" checked"#), "{what}");
    let (_, flights, _) = submit(&client, &what, &[("action", "back")]).await;
    assert!(flights.contains(r#"value="AF6""#) && flights.contains("Charles de Gaulle"));
    // Step 2 requires a choice.
    let (_, what_err, _) = submit(&client, &what, &[("action", "next"), ("what", "")]).await;
    assert!(what_err.contains(r##"<a href="#what">"##));
}

#[rocket::async_test]
async fn cancellation_denied_boarding_and_downgrade_reach_an_answer() {
    let (client, _dir) = common::client().await;
    let details = to_details(&client, "en", "cancellation").await;
    let html = to_result(
        &client,
        &details,
        &[
            ("notice_days", "2"),
            ("reroute", "no"),
            ("reason", "unknown"),
        ],
    )
    .await;
    assert!(html.contains(">600 €<"), "cancellation 2 days before");

    let details = to_details(&client, "en", "cancellation").await;
    let html = to_result(
        &client,
        &details,
        &[
            ("notice_days", "3"),
            ("reroute", "yes"),
            ("reroute_dep_dir", "earlier"),
            ("reroute_dep_h", "0"),
            ("reroute_dep_m", "30"),
            ("reroute_arr_h", "1"),
            ("reroute_arr_m", "0"),
        ],
    )
    .await;
    assert!(
        html.contains("No compensation"),
        "rerouted within the limits"
    );

    let details = to_details(&client, "en", "denied_boarding").await;
    assert!(details.contains("Did you give up your seat voluntarily?"));
    assert!(
        details.contains("value=\"overbooking\""),
        "denied boarding offers overbooking"
    );
    let delay = to_details(&client, "en", "delay").await;
    assert!(
        delay.contains("value=\"technical\"") && !delay.contains("value=\"overbooking\""),
        "a delay is not explained by overbooking"
    );
    let html = to_result(
        &client,
        &details,
        &[
            ("voluntary", "no"),
            ("reroute", "no"),
            ("reason", "overbooking"),
        ],
    )
    .await;
    assert!(html.contains(">600 €<"));

    let details = to_details(&client, "en", "downgrade").await;
    let (_, bad, _) = submit(
        &client,
        &details,
        &[
            ("action", "next"),
            ("booked_class", "economy"),
            ("flown_class", "business"),
            ("price_kind", "flight"),
            ("price", "abc"),
        ],
    )
    .await;
    assert!(bad.contains("must be lower") && bad.contains("Enter a price in figures"));
    let html = to_result(
        &client,
        &details,
        &[
            ("booked_class", "business"),
            ("flown_class", "economy"),
            ("price_kind", "flight"),
            ("price", "1 000"),
            ("currency", "EUR"),
        ],
    )
    .await;
    assert!(
        html.contains(">750 €<"),
        "75 % of the flight's price on a long-haul flight"
    );
}

#[rocket::async_test]
async fn connections_one_booking_or_separate_bookings() {
    let (client, _dir) = common::client().await;
    let (_, start) = get(&client, "/check?lang=en").await;
    let mut leg1 = vec![
        ("legs[0].flight", "LH 1035"),
        ("legs[0].date", "2025-06-02"),
        ("legs[0].from", "CDG"),
        ("legs[0].to", "FRA"),
        ("legs[0].dep_time", "07:00"),
        ("legs[0].arr_time", "08:15"),
    ];
    let mut add = leg1.clone();
    add.push(("action", "add_leg"));
    let (_, two, _) = submit(&client, &start, &add).await;
    assert!(two.contains("Flight 2") && two.contains(r#"name="legs[1].flight""#));
    assert!(two.contains("How were these flights booked?"));
    assert!(
        two.contains(r#"name="legs[1].from" value="FRA""#),
        "the connection starts where the first flight ends"
    );
    leg1.extend([
        ("legs[1].flight", "LH 400"),
        ("legs[1].date", "2025-06-02"),
        ("legs[1].from", "FRA"),
        ("legs[1].to", "JFK"),
        ("legs[1].dep_time", "10:00"),
        ("legs[1].arr_time", "12:45"),
        ("action", "next"),
    ]);
    // The booking question must be answered.
    let (_, missing, _) = submit(&client, &start, &leg1).await;
    assert!(missing.contains(r##"<a href="#booking">"##), "{missing}");
    // One booking: the delay at the final destination counts, distance CDG→JFK.
    let mut single = leg1.clone();
    single.push(("booking", "single"));
    let (_, what, _) = submit(&client, &start, &single).await;
    let (_, details, _) = submit(&client, &what, &[("action", "next"), ("what", "delay")]).await;
    let html = to_result(&client, &details, &[("delay_h", "4"), ("delay_m", "10")]).await;
    assert!(html.contains(">600 €<"), "{html}");
    assert!(html.contains("LH1035") && html.contains("LH400"));
    // Separate bookings: one delay per flight.
    let mut separate = leg1.clone();
    separate.push(("booking", "separate"));
    let (_, what, _) = submit(&client, &start, &separate).await;
    let (_, details, _) = submit(&client, &what, &[("action", "next"), ("what", "delay")]).await;
    assert!(details.contains(r#"name="leg_delays[1].h""#));
    let html = to_result(
        &client,
        &details,
        &[("leg_delays[0].h", "3"), ("leg_delays[0].m", "30")],
    )
    .await;
    assert!(
        html.contains(">250 €<"),
        "the first booking alone: CDG→FRA under 1500 km"
    );
    // Removing the last flight goes back to one.
    let mut remove = leg1.clone();
    remove.pop();
    remove.push(("action", "remove_leg"));
    let (_, one, _) = submit(&client, &start, &remove).await;
    assert!(!one.contains(r#"name="legs[1].flight""#));
}

#[rocket::async_test]
async fn unknown_airline_is_accepted_with_a_warning() {
    let (client, _dir) = common::client().await;
    let (_, start) = get(&client, "/check?lang=en").await;
    let mut fields = CDG_JFK.to_vec();
    fields[1] = ("legs[0].flight", "Q9 123");
    let (status, what, _) = submit(&client, &start, &fields).await;
    assert_eq!(status, Status::Ok);
    assert!(what.contains("What happened?"));
    assert!(what.contains("We do not know the airline"), "{what}");
}

#[rocket::async_test]
async fn the_answer_page_and_change_my_answers_from_a_token() {
    let (client, _dir) = common::client().await;
    let details = to_details(&client, "en", "delay").await;
    let html = to_result(
        &client,
        &details,
        &[("delay_h", "3"), ("delay_m", "20"), ("reason", "technical")],
    )
    .await;
    assert!(html.contains(">300 €<"), "long haul 3-4 h: halved");
    assert!(html.contains("full amount: 600 €"));
    let change = html
        .split(r#"href="/check?r="#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let (status, form) = get(&client, &format!("/check?r={change}")).await;
    assert_eq!(status, Status::Ok);
    assert!(form.contains(r#"value="AF6""#) && form.contains(r#"value="10:30""#));
    assert!(
        form.contains(r#"name="delay_h" value="3""#),
        "later answers carried"
    );
    // A broken token is a 400 page, never a 500.
    for bad in ["", "garbage", "AAAA", "%FF%FE"] {
        let (status, _) = get(&client, &format!("/check/result?r={bad}")).await;
        assert_eq!(status, Status::BadRequest, "{bad}");
    }
    let (status, _) = get(&client, "/check/result").await;
    assert_eq!(status, Status::BadRequest);
}

/// Issue 14: the home page's quick check sends the airports to `/check`, which used to ignore
/// them (the passenger typed them twice). Picked airports arrive filled in with their codes; a
/// typed name is kept as typed for the step to resolve; junk is harmless.
#[rocket::async_test]
async fn the_home_page_quick_check_fills_the_first_step() {
    let (client, _dir) = common::client().await;
    let res = client
        .get("/check?from=Lisbon&from_iata=LIS&to=Paris&to_iata=CDG")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let page = res.into_string().await.unwrap();
    let fields = hidden_fields(&page);
    assert!(
        fields
            .iter()
            .any(|(k, v)| k.ends_with("from_iata") && v == "LIS"),
        "{fields:?}"
    );
    assert!(
        fields
            .iter()
            .any(|(k, v)| k.ends_with("to_iata") && v == "CDG"),
        "{fields:?}"
    );
    assert!(
        page.contains("(LIS)") && page.contains("(CDG)"),
        "labels shown"
    );

    // Typed without the widget (no JavaScript): the text is kept for the step to resolve.
    let page = client
        .get("/check?from=Toulouse&from_iata=&to=&to_iata=")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("Toulouse"), "typed text kept");

    // Junk never breaks the page.
    for q in [
        "from=%00%3Cscript%3E&from_iata=ZZZZ",
        "to_iata=%F0%9F%98%80",
        "from=&to=&from_iata=&to_iata=",
    ] {
        let res = client.get(format!("/check?{q}")).dispatch().await;
        assert_eq!(res.status(), Status::Ok, "{q}");
        assert!(
            !res.into_string().await.unwrap().contains("<script>"),
            "{q}"
        );
    }
}

/// A delay on a flight that has not left yet is refused on the flights step, next to its date;
/// a cancellation announced ahead is still judged.
#[rocket::async_test]
async fn a_delay_in_the_future_is_refused_and_a_cancellation_is_judged() {
    let (client, _dir) = common::client().await;
    let soon = (chrono::Utc::now().date_naive() + chrono::Days::new(10))
        .format("%Y-%m-%d")
        .to_string();
    let mut flight = CDG_JFK;
    flight[2] = ("legs[0].date", soon.as_str());
    for (lang, what, message) in [
        ("fr", "delay", "n’a pas encore décollé"),
        ("en", "denied_boarding", "has not taken off yet"),
    ] {
        let (_, start) = get(&client, &format!("/check?lang={lang}")).await;
        let (_, what_page, _) = submit(&client, &start, &flight).await;
        let (_, details, _) =
            submit(&client, &what_page, &[("action", "next"), ("what", what)]).await;
        let answers: &[(&str, &str)] = if what == "delay" {
            &[("delay_h", "4"), ("delay_m", "0"), ("reason", "technical")]
        } else {
            &[
                ("voluntary", "no"),
                ("reroute", "no"),
                ("reason", "overbooking"),
            ]
        };
        let mut all = vec![("action", "next")];
        all.extend_from_slice(answers);
        let (status, page, location) = submit(&client, &details, &all).await;
        assert_eq!(status, Status::Ok, "not judged: {location:?}");
        assert!(page.contains(message), "{lang}: {page}");
        assert!(
            page.contains("href=\"#leg0-date\""),
            "the summary points at the date"
        );
        assert!(page.contains(&soon), "the date stays as typed");
    }
    let (_, start) = get(&client, "/check?lang=en").await;
    let (_, what_page, _) = submit(&client, &start, &flight).await;
    let (_, details, _) = submit(
        &client,
        &what_page,
        &[("action", "next"), ("what", "cancellation")],
    )
    .await;
    let html = to_result(
        &client,
        &details,
        &[
            ("notice_days", "2"),
            ("reroute", "no"),
            ("reason", "unknown"),
        ],
    )
    .await;
    assert!(
        html.contains(">600 €<"),
        "a cancellation announced ahead is judged"
    );
}
