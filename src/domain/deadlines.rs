//! Deadlines and chasers: for a claim, every date at which something should happen
//! ([`deadlines`], [`next_deadline`]) and what the daily job does about them on a given day
//! ([`decide`]). Pure: the facts and the clock come in, the decisions go out; the daily job
//! (`services::daily_jobs`) loads the facts, carries out the decisions and records them, so a
//! second run does nothing twice ([`Facts::recorded`]).
//!
//! | deadline | when | what the daily job does then |
//! |---|---|---|
//! | airline's reply | letter sent (entered `sent_to_airline`) + [`Rules::airline_reply_days`] | second notice to the airline (status `reminder_sent`) |
//! | second notice | entered `reminder_sent` + the same number of days | suggests escalation (NEB complaint or mediator) to the team |
//! | document request | requested + 3, 7 and 14 days | reminds the passenger; after the 14-day reminder the request waits for the passenger |
//! | settlement offer | offered + [`SETTLEMENT_ANSWER_DAYS`] | nothing (staff follow up) |
//! | limitation | the engine's last day to sue | warns the team from [`LIMITATION_WARNING_DAYS`] before |
//!
//! Sending to the airline or the passenger happens only in [`ChaserMode::Send`]; in
//! [`ChaserMode::Propose`] (the default) the job writes what is due on the claim for staff.
//! Internal steps (escalation suggestion, limitation warning, "waiting for passenger") happen
//! in both modes. A claim whose chasers are paused gets nothing.

use chrono::{Days, NaiveDate};

use super::claim::ClaimStatus;

/// Days after a document request at which the passenger is reminded.
pub const DOCUMENT_REMINDER_DAYS: [u64; 3] = [3, 7, 14];
/// Days the passenger has to answer a settlement offer.
pub const SETTLEMENT_ANSWER_DAYS: u64 = 14;
/// The team is warned this many days before the limitation date.
pub const LIMITATION_WARNING_DAYS: u64 = 90;
/// Default of `FLIGHTCLAIM_AIRLINE_REPLY_DAYS`.
pub const DEFAULT_AIRLINE_REPLY_DAYS: u32 = 14;

/// Settings the deadlines depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Days the airline has to answer a letter (the first, then the second notice).
    pub airline_reply_days: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            airline_reply_days: DEFAULT_AIRLINE_REPLY_DAYS,
        }
    }
}

/// `FLIGHTCLAIM_CHASERS`: whether the daily job sends chasers or only proposes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChaserMode {
    #[default]
    Propose,
    Send,
}

impl ChaserMode {
    pub fn parse(text: &str) -> Option<ChaserMode> {
        match text.trim() {
            "propose" => Some(Self::Propose),
            "send" => Some(Self::Send),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Propose => "propose",
            Self::Send => "send",
        }
    }
}

/// A document request still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRequest {
    pub id: i64,
    pub requested_on: NaiveDate,
    /// Already marked "waiting for passenger".
    pub waiting: bool,
}

/// What the daily job already recorded for a claim: `(action, key, done)`; `done` is false for
/// a proposal.
pub type Recorded = (Action, String, bool);

/// What is known about a claim that matters for its deadlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub status: ClaimStatus,
    /// The day it entered its current status.
    pub status_since: NaiveDate,
    pub chasers_paused: bool,
    pub open_requests: Vec<OpenRequest>,
    /// The day a settlement offer still waiting for the passenger's answer was made.
    pub pending_offer_on: Option<NaiveDate>,
    /// The last day to sue, when the engine knew it.
    pub limitation: Option<NaiveDate>,
    pub recorded: Vec<Recorded>,
}

/// What happens at a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeadlineKind {
    /// The airline did not answer the letter: second notice.
    AirlineReply,
    /// The airline did not answer the second notice: escalate.
    SecondNotice,
    /// Reminder `nth` (1, 2, 3) to the passenger about request `request`.
    DocumentReminder { request: i64, nth: u8 },
    /// The passenger's answer to a settlement offer is due.
    SettlementAnswer,
    /// The limitation period ends.
    Limitation,
}

impl DeadlineKind {
    /// The translation key of "what happens then" (`admin.deadline.<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Self::AirlineReply => "airline_reply",
            Self::SecondNotice => "second_notice",
            Self::DocumentReminder { .. } => "document_reminder",
            Self::SettlementAnswer => "settlement_answer",
            Self::Limitation => "limitation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub on: NaiveDate,
    pub kind: DeadlineKind,
}

fn plus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

/// Whether the claim is still being pursued (its limitation date, its document requests and
/// its settlement offer matter).
pub fn is_pursued(status: ClaimStatus) -> bool {
    !matches!(
        status,
        ClaimStatus::AirlinePaid
            | ClaimStatus::Paid
            | ClaimStatus::Closed
            | ClaimStatus::Withdrawn
            | ClaimStatus::Rejected
    )
}

/// Every pending deadline of the claim, earliest first (past ones included: they are overdue).
pub fn deadlines(facts: &Facts, rules: &Rules) -> Vec<Deadline> {
    let reply = u64::from(rules.airline_reply_days);
    let mut out = Vec::new();
    match facts.status {
        ClaimStatus::SentToAirline => out.push(Deadline {
            on: plus(facts.status_since, reply),
            kind: DeadlineKind::AirlineReply,
        }),
        ClaimStatus::ReminderSent => out.push(Deadline {
            on: plus(facts.status_since, reply),
            kind: DeadlineKind::SecondNotice,
        }),
        _ => {}
    }
    if is_pursued(facts.status) {
        for r in facts.open_requests.iter().filter(|r| !r.waiting) {
            let sent = reminders_sent(facts, r.id);
            if let Some((nth, days)) = (1u8..).zip(DOCUMENT_REMINDER_DAYS).nth(usize::from(sent)) {
                out.push(Deadline {
                    on: plus(r.requested_on, days),
                    kind: DeadlineKind::DocumentReminder { request: r.id, nth },
                });
            }
        }
        if let Some(day) = facts.pending_offer_on {
            out.push(Deadline {
                on: plus(day, SETTLEMENT_ANSWER_DAYS),
                kind: DeadlineKind::SettlementAnswer,
            });
        }
        if let Some(day) = facts.limitation {
            out.push(Deadline {
                on: day,
                kind: DeadlineKind::Limitation,
            });
        }
    }
    out.sort_by_key(|d| (d.on, d.kind));
    out
}

/// The claim's next deadline (possibly already passed).
pub fn next_deadline(facts: &Facts, rules: &Rules) -> Option<Deadline> {
    deadlines(facts, rules).into_iter().next()
}

/// For a query over many claims (the queue's `deadline=passed`): a deadline has passed on
/// `today` when the day it counts from is before the cutoff of its kind — the same rule as
/// [`deadlines`] with `on < today`, turned around so that a database index can answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassedBefore {
    /// Entered `sent_to_airline` or `reminder_sent` before this day.
    pub status_since: NaiveDate,
    /// A request whose reminders `0, 1, 2` (already sent) were made before these days.
    pub requested: [NaiveDate; 3],
    /// A settlement offer made before this day.
    pub offered: NaiveDate,
    /// The limitation date is before this day (today).
    pub limitation: NaiveDate,
}

fn minus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days)).unwrap_or(day)
}

pub fn passed_before(today: NaiveDate, rules: &Rules) -> PassedBefore {
    PassedBefore {
        status_since: minus(today, u64::from(rules.airline_reply_days)),
        requested: DOCUMENT_REMINDER_DAYS.map(|d| minus(today, d)),
        offered: minus(today, SETTLEMENT_ANSWER_DAYS),
        limitation: today,
    }
}

/// Whether one of the claim's deadlines has passed on `today` (the page's "passed" mark).
pub fn any_passed(facts: &Facts, today: NaiveDate, rules: &Rules) -> bool {
    next_deadline(facts, rules).is_some_and(|d| d.on < today)
}

/// Whether the limitation warning period has started on `today`.
pub fn limitation_warning(facts: &Facts, today: NaiveDate) -> bool {
    is_pursued(facts.status)
        && facts.limitation.is_some_and(|day| {
            today
                >= day
                    .checked_sub_days(Days::new(LIMITATION_WARNING_DAYS))
                    .unwrap_or(day)
        })
}

/// What the daily job can do to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Second notice to the airline; the claim goes to `reminder_sent`.
    SecondNotice,
    /// Reminder to the passenger about an open document request.
    DocumentReminder { request: i64, nth: u8 },
    /// The request has had its last reminder: it now waits for the passenger.
    WaitingForPassenger { request: i64 },
    /// The second notice expired: the team should escalate.
    SuggestEscalation,
    /// The limitation date is near.
    LimitationWarning,
}

impl Action {
    /// Stored name of the action (`chaser_actions.action`).
    pub fn name(self) -> &'static str {
        match self {
            Self::SecondNotice => "second_notice",
            Self::DocumentReminder { .. } => "document_reminder",
            Self::WaitingForPassenger { .. } => "waiting_for_passenger",
            Self::SuggestEscalation => "suggest_escalation",
            Self::LimitationWarning => "limitation_warning",
        }
    }

    /// The action a stored `(name, key)` names (see [`Decision::key`]).
    pub fn from_stored(name: &str, key: &str) -> Option<Action> {
        let request = || key.split(':').next()?.parse::<i64>().ok();
        Some(match name {
            "second_notice" => Self::SecondNotice,
            "document_reminder" => Self::DocumentReminder {
                request: request()?,
                nth: key.split(':').nth(1)?.parse().ok()?,
            },
            "waiting_for_passenger" => Self::WaitingForPassenger {
                request: request()?,
            },
            "suggest_escalation" => Self::SuggestEscalation,
            "limitation_warning" => Self::LimitationWarning,
            _ => return None,
        })
    }

    /// Whether it sends something outside (to the airline or the passenger): such actions are
    /// only proposed unless the mode is [`ChaserMode::Send`].
    pub fn sends(self) -> bool {
        matches!(self, Self::SecondNotice | Self::DocumentReminder { .. })
    }
}

/// One thing the daily job does to a claim today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub action: Action,
    /// The occasion, so that it happens once (e.g. the day the claim entered its status).
    pub key: String,
    /// `true`: do it (send); `false`: propose it to the team.
    pub execute: bool,
}

fn reminders_sent(facts: &Facts, request: i64) -> u8 {
    facts
        .recorded
        .iter()
        .filter_map(|(a, _, done)| match a {
            Action::DocumentReminder { request: r, nth } if *r == request && *done => Some(*nth),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// What the daily job does to the claim on `today`. Each decision happens once: an action
/// already done is never repeated, one already proposed is not proposed again (but is done
/// when the mode becomes [`ChaserMode::Send`]). When the job missed days, a request gets the
/// latest reminder due only, not each one it missed.
pub fn decide(facts: &Facts, today: NaiveDate, rules: &Rules, mode: ChaserMode) -> Vec<Decision> {
    if facts.chasers_paused {
        return Vec::new();
    }
    let since = facts.status_since.to_string();
    let mut wanted: Vec<(Action, String)> = Vec::new();
    for d in deadlines(facts, rules)
        .into_iter()
        .filter(|d| d.on <= today)
    {
        match d.kind {
            DeadlineKind::AirlineReply => wanted.push((Action::SecondNotice, since.clone())),
            DeadlineKind::SecondNotice => wanted.push((Action::SuggestEscalation, since.clone())),
            DeadlineKind::DocumentReminder { request, .. } => {
                let Some(r) = facts.open_requests.iter().find(|r| r.id == request) else {
                    continue;
                };
                // The latest reminder due today.
                let nth = (1u8..)
                    .zip(DOCUMENT_REMINDER_DAYS)
                    .filter(|(_, days)| plus(r.requested_on, *days) <= today)
                    .map(|(n, _)| n)
                    .last()
                    .unwrap_or(1);
                wanted.push((
                    Action::DocumentReminder { request, nth },
                    format!("{request}:{nth}"),
                ));
            }
            DeadlineKind::SettlementAnswer | DeadlineKind::Limitation => {}
        }
    }
    // The last reminder is due (sent now, or proposed): the request waits for the passenger.
    let last_day = DOCUMENT_REMINDER_DAYS[DOCUMENT_REMINDER_DAYS.len() - 1];
    for r in facts.open_requests.iter().filter(|r| !r.waiting) {
        if plus(r.requested_on, last_day) <= today {
            wanted.push((
                Action::WaitingForPassenger { request: r.id },
                r.id.to_string(),
            ));
        }
    }
    if limitation_warning(facts, today)
        && let Some(day) = facts.limitation
    {
        wanted.push((Action::LimitationWarning, day.to_string()));
    }
    wanted
        .into_iter()
        .filter_map(|(action, key)| {
            let execute = !action.sends() || mode == ChaserMode::Send;
            let seen = |done: bool| {
                facts
                    .recorded
                    .iter()
                    .any(|(a, k, d)| a.name() == action.name() && *k == key && *d == done)
            };
            let already = seen(true) || (!execute && seen(false));
            (!already).then_some(Decision {
                action,
                key,
                execute,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClaimStatus as S;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts(status: S, since: &str) -> Facts {
        Facts {
            status,
            status_since: day(since),
            chasers_paused: false,
            open_requests: Vec::new(),
            pending_offer_on: None,
            limitation: None,
            recorded: Vec::new(),
        }
    }

    fn request(id: i64, on: &str) -> OpenRequest {
        OpenRequest {
            id,
            requested_on: day(on),
            waiting: false,
        }
    }

    type DeadlineRow<'a> = (&'a str, Facts, Option<(&'a str, DeadlineKind)>);
    type JobRow<'a> = (&'a str, &'a Facts, &'a str, ChaserMode, Vec<(Action, bool)>);

    const RULES: Rules = Rules {
        airline_reply_days: 14,
    };

    #[test]
    fn next_deadline_and_what_happens_then() {
        let mut with_everything = facts(S::SentToAirline, "2026-03-01");
        with_everything.open_requests = vec![request(7, "2026-03-10")];
        with_everything.pending_offer_on = Some(day("2026-03-02"));
        with_everything.limitation = Some(day("2026-03-05"));
        let mut closed = with_everything.clone();
        closed.status = S::Closed;
        let mut reminded = facts(S::InReview, "2026-03-01");
        reminded.open_requests = vec![request(7, "2026-03-01")];
        reminded.recorded = vec![(
            Action::DocumentReminder { request: 7, nth: 2 },
            "7:2".into(),
            true,
        )];
        let mut waiting = reminded.clone();
        waiting.open_requests[0].waiting = true;
        let table: Vec<DeadlineRow> = vec![
            (
                "letter sent",
                facts(S::SentToAirline, "2026-03-01"),
                Some(("2026-03-15", DeadlineKind::AirlineReply)),
            ),
            (
                "second notice sent",
                facts(S::ReminderSent, "2026-03-20"),
                Some(("2026-04-03", DeadlineKind::SecondNotice)),
            ),
            (
                "in review, nothing known",
                facts(S::InReview, "2026-03-01"),
                None,
            ),
            (
                "the earliest wins: limitation",
                with_everything,
                Some(("2026-03-05", DeadlineKind::Limitation)),
            ),
            ("closed: nothing", closed, None),
            (
                "third reminder after the second",
                reminded,
                Some((
                    "2026-03-15",
                    DeadlineKind::DocumentReminder { request: 7, nth: 3 },
                )),
            ),
            ("waiting for the passenger: nothing due", waiting, None),
        ];
        for (name, f, want) in table {
            let got = next_deadline(&f, &RULES).map(|d| (d.on, d.kind));
            assert_eq!(got, want.map(|(d, k)| (day(d), k)), "{name}");
        }
        let longer = Rules {
            airline_reply_days: 30,
        };
        assert_eq!(
            next_deadline(&facts(S::SentToAirline, "2026-03-01"), &longer).map(|d| d.on),
            Some(day("2026-03-31"))
        );
    }

    fn actions(f: &Facts, today: &str, mode: ChaserMode) -> Vec<(Action, bool)> {
        decide(f, day(today), &RULES, mode)
            .into_iter()
            .map(|d| (d.action, d.execute))
            .collect()
    }

    fn run_table(table: Vec<JobRow>) {
        for (name, f, today, mode, want) in table {
            assert_eq!(actions(f, today, mode), want, "{name}");
        }
    }

    #[test]
    fn the_daily_job_chases_the_airline() {
        use Action as A;
        use ChaserMode::{Propose, Send};
        let sent = facts(S::SentToAirline, "2026-03-01");
        let mut paused = sent.clone();
        paused.chasers_paused = true;
        let mut proposed = sent.clone();
        proposed.recorded = vec![(A::SecondNotice, "2026-03-01".into(), false)];
        let mut done = sent.clone();
        done.recorded = vec![(A::SecondNotice, "2026-03-01".into(), true)];
        let reminded = facts(S::ReminderSent, "2026-03-15");
        let second = |execute| vec![(A::SecondNotice, execute)];
        run_table(vec![
            ("day 13: nothing yet", &sent, "2026-03-14", Send, vec![]),
            ("day 14: sent", &sent, "2026-03-15", Send, second(true)),
            (
                "day 14: proposed",
                &sent,
                "2026-03-15",
                Propose,
                second(false),
            ),
            ("proposed already", &proposed, "2026-03-16", Propose, vec![]),
            (
                "proposed, now sent",
                &proposed,
                "2026-03-16",
                Send,
                second(true),
            ),
            ("done already", &done, "2026-03-16", Send, vec![]),
            ("paused", &paused, "2026-04-30", Send, vec![]),
            ("notice 13 days old", &reminded, "2026-03-28", Send, vec![]),
            (
                "second notice expired",
                &reminded,
                "2026-03-29",
                Propose,
                vec![(A::SuggestEscalation, true)],
            ),
        ]);
    }

    #[test]
    fn the_daily_job_chases_passengers_and_watches_the_limitation() {
        use Action as A;
        use ChaserMode::{Propose, Send};
        let reminder = |nth: u8| {
            (
                A::DocumentReminder { request: 4, nth },
                format!("4:{nth}"),
                true,
            )
        };
        let mut docs = facts(S::InReview, "2026-03-01");
        docs.open_requests = vec![request(4, "2026-03-01")];
        let mut docs_after_two = docs.clone();
        docs_after_two.recorded = vec![reminder(1), reminder(2)];
        let mut docs_all_sent = docs_after_two.clone();
        docs_all_sent.recorded.push(reminder(3));
        let mut near_limit = facts(S::Court, "2026-01-01");
        near_limit.limitation = Some(day("2026-06-01"));
        let mut limit_warned = near_limit.clone();
        limit_warned.recorded = vec![(A::LimitationWarning, "2026-06-01".into(), true)];
        let mut paid_near_limit = near_limit.clone();
        paid_near_limit.status = S::Paid;
        let r4 = |nth| A::DocumentReminder { request: 4, nth };
        let waiting = (A::WaitingForPassenger { request: 4 }, true);
        run_table(vec![
            ("docs day 2", &docs, "2026-03-03", Send, vec![]),
            ("docs day 3", &docs, "2026-03-04", Send, vec![(r4(1), true)]),
            (
                "docs day 9, missed runs",
                &docs,
                "2026-03-10",
                Send,
                vec![(r4(2), true)],
            ),
            (
                "docs day 3, propose",
                &docs,
                "2026-03-04",
                Propose,
                vec![(r4(1), false)],
            ),
            (
                "docs day 14: last reminder, then waiting",
                &docs_after_two,
                "2026-03-15",
                Send,
                vec![(r4(3), true), waiting],
            ),
            (
                "docs day 15, propose",
                &docs,
                "2026-03-16",
                Propose,
                vec![(r4(3), false), waiting],
            ),
            (
                "docs all reminded",
                &docs_all_sent,
                "2026-03-20",
                Propose,
                vec![waiting],
            ),
            (
                "91 days before limitation",
                &near_limit,
                "2026-03-02",
                Send,
                vec![],
            ),
            (
                "90 days before limitation",
                &near_limit,
                "2026-03-03",
                Propose,
                vec![(A::LimitationWarning, true)],
            ),
            ("warned already", &limit_warned, "2026-04-03", Send, vec![]),
            (
                "paid: no warning",
                &paid_near_limit,
                "2026-05-01",
                Send,
                vec![],
            ),
        ]);
    }

    #[test]
    fn passed_cutoffs_agree_with_the_deadlines() {
        let today = day("2026-03-20");
        let cut = passed_before(today, &RULES);
        for since in ["2026-03-05", "2026-03-06", "2026-03-07"] {
            let f = facts(S::SentToAirline, since);
            assert_eq!(
                any_passed(&f, today, &RULES),
                day(since) < cut.status_since,
                "{since}"
            );
        }
        for (requested, sent) in [
            ("2026-03-16", 0u8),
            ("2026-03-17", 0),
            ("2026-03-12", 1),
            ("2026-03-13", 1),
            ("2026-03-05", 2),
            ("2026-03-06", 2),
        ] {
            let mut f = facts(S::InReview, "2026-03-01");
            f.open_requests = vec![request(1, requested)];
            f.recorded = (1..=sent)
                .map(|n| {
                    (
                        Action::DocumentReminder { request: 1, nth: n },
                        format!("1:{n}"),
                        true,
                    )
                })
                .collect();
            assert_eq!(
                any_passed(&f, today, &RULES),
                day(requested) < cut.requested[usize::from(sent)],
                "{requested} after {sent}"
            );
        }
    }

    #[test]
    fn stored_actions_read_back() {
        for (name, key, want) in [
            ("second_notice", "2026-03-01", Some(Action::SecondNotice)),
            (
                "document_reminder",
                "4:2",
                Some(Action::DocumentReminder { request: 4, nth: 2 }),
            ),
            (
                "waiting_for_passenger",
                "4",
                Some(Action::WaitingForPassenger { request: 4 }),
            ),
            ("document_reminder", "4", None),
            ("teleport", "x", None),
        ] {
            assert_eq!(Action::from_stored(name, key), want, "{name} {key}");
            if let Some(a) = want {
                assert_eq!(a.name(), name);
            }
        }
    }

    #[test]
    fn modes_parse() {
        assert_eq!(ChaserMode::parse("send"), Some(ChaserMode::Send));
        assert_eq!(ChaserMode::parse("propose"), Some(ChaserMode::Propose));
        assert_eq!(ChaserMode::parse("yes"), None);
        assert_eq!(ChaserMode::default(), ChaserMode::Propose);
    }
}
