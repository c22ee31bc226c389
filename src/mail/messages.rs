//! Every email we send, one typed context struct per kind.
//!
//! A struct implements [`Email`]: its `KIND` names the templates
//! (`templates/email/<kind>.subject.txt`, `<kind>.txt`, `<kind>.html`) and the `kind` column of
//! the outbox; [`Email::action_path`] is the main link, made absolute with
//! `FLIGHTCLAIM_BASE_URL`; [`Email::localized`] adds values that depend on the recipient's
//! language (amounts, labels). To send one, inside the transaction of the change that causes it:
//!
//! ```ignore
//! let to = Recipient::new(&user.email, &user.name, Locale::from_tag(&user.locale).unwrap_or_default());
//! mail::queue(tx, &mailer, &to, &messages::ClaimSubmitted { claim_ref, flight_number, .. })?;
//! ```
//!
//! Adding a kind: a struct here, three templates, its keys in `locales/mail.*.yml`, a sample
//! and its expectations in `tests/it/mail_smtp/mod.rs`.

use serde::Serialize;
use serde_json::{Map, Value, json};

pub use crate::domain::money::Money;
use crate::i18n::{Locale, translate};

/// A message kind with its templates.
pub trait Email: Serialize {
    /// Template base name and outbox `kind`.
    const KIND: &'static str;
    /// `Auto-Submitted: auto-generated` (RFC 3834): true for everything the system writes;
    /// false only for a message a person wrote.
    const AUTO_SUBMITTED: bool = true;

    /// Path of the main link, starting with `/` (segments already percent-encoded).
    fn action_path(&self) -> String;

    /// Values in the message that open something by themselves (one-time tokens): they are
    /// kept out of the stored bodies (`mail::sealed`). Every kind whose link carries a token
    /// must name it here; `tests/it/mail_outbox.rs` checks every kind's stored form.
    fn secrets(&self) -> Vec<String> {
        Vec::new()
    }

    /// Extra template values computed in the recipient's language.
    fn localized(&self, _locale: Locale) -> Map<String, Value> {
        Map::new()
    }
}

/// Percent-encodes one path segment (tokens and references are URL-safe already; this keeps a
/// stray character from breaking the link).
pub fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn claim_path(claim_ref: &str) -> String {
    format!("/claims/{}", path_segment(claim_ref))
}

fn label(locale: Locale, key: &str) -> Value {
    Value::String(translate(locale.as_str(), key, &[]))
}

fn one(key: &str, value: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(key.into(), value);
    map
}

/// "7 days" rather than "168 hours" when the hours make whole days.
fn duration(locale: Locale, hours: u32) -> Value {
    let (key, n) = if hours >= 48 && hours.is_multiple_of(24) {
        ("mail.duration.days", hours / 24)
    } else {
        ("mail.duration.hours", hours)
    };
    Value::String(translate(locale.as_str(), key, &[("n", &n.to_string())]))
}

/// Welcome + "confirm your address" after registration.
#[derive(Debug, Clone, Serialize)]
pub struct EmailVerification {
    pub token: String,
    pub valid_hours: u32,
}

impl Email for EmailVerification {
    const KIND: &'static str = "email_verification";
    fn action_path(&self) -> String {
        format!("/verify-email/{}", path_segment(&self.token))
    }
    fn secrets(&self) -> Vec<String> {
        vec![path_segment(&self.token)]
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        one("valid_for", duration(locale, self.valid_hours))
    }
}

/// "Choose a new password" link.
#[derive(Debug, Clone, Serialize)]
pub struct PasswordReset {
    pub token: String,
    pub valid_minutes: u32,
}

impl Email for PasswordReset {
    const KIND: &'static str = "password_reset";
    fn action_path(&self) -> String {
        format!("/password/reset/{}", path_segment(&self.token))
    }
    fn secrets(&self) -> Vec<String> {
        vec![path_segment(&self.token)]
    }
}

/// "Your password was changed" (account page or reset link): links to a new reset in case it
/// was not the owner.
#[derive(Debug, Clone, Serialize)]
pub struct PasswordChanged {}

impl Email for PasswordChanged {
    const KIND: &'static str = "password_changed";
    fn action_path(&self) -> String {
        "/password/forgot".into()
    }
}

/// To the *old* address when the account's address changed: who controls the new one now
/// receives the account's mail, so the old mailbox hears of it.
#[derive(Debug, Clone, Serialize)]
pub struct EmailChanged {
    pub new_email: String,
}

impl Email for EmailChanged {
    const KIND: &'static str = "email_changed";
    fn action_path(&self) -> String {
        "/faq".into()
    }
}

/// Someone tried to register an address that already has an account: the hint goes to the
/// mailbox rather than to the page, so the page cannot tell who has an account.
#[derive(Debug, Clone, Serialize)]
pub struct AccountExists {}

impl Email for AccountExists {
    const KIND: &'static str = "account_exists";
    fn action_path(&self) -> String {
        "/password/forgot".into()
    }
}

/// The confirmation of an account made by a claim filed while signed out: says plainly that
/// someone filed a claim with this address, and how to report it if it was not the owner.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimAccount {
    pub claim_ref: String,
    pub token: String,
    pub valid_hours: u32,
}

impl Email for ClaimAccount {
    const KIND: &'static str = "claim_account";
    fn action_path(&self) -> String {
        format!("/verify-email/{}", path_segment(&self.token))
    }
    fn secrets(&self) -> Vec<String> {
        vec![path_segment(&self.token)]
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        one("valid_for", duration(locale, self.valid_hours))
    }
}

/// A single-use link that signs a passenger in without a password and opens `next` (a local
/// path: the page the passenger was trying to reach, often a claim from another email).
#[derive(Debug, Clone, Serialize)]
pub struct SignInLink {
    pub token: String,
    pub next: String,
    pub valid_minutes: u32,
}

impl Email for SignInLink {
    const KIND: &'static str = "sign_in_link";
    fn action_path(&self) -> String {
        format!(
            "/login/link/{}?next={}",
            path_segment(&self.token),
            path_segment(&self.next)
        )
    }
    fn secrets(&self) -> Vec<String> {
        vec![path_segment(&self.token)]
    }
}

/// Confirms the deletion of an account that has no password (the emailed link stands in for
/// the password the account page asks of the others).
#[derive(Debug, Clone, Serialize)]
pub struct AccountDeletion {
    pub token: String,
    pub valid_minutes: u32,
}

impl Email for AccountDeletion {
    const KIND: &'static str = "account_deletion";
    fn action_path(&self) -> String {
        format!("/account/delete/{}", path_segment(&self.token))
    }
    fn secrets(&self) -> Vec<String> {
        vec![path_segment(&self.token)]
    }
}

/// "Confirm your new bank details": the change of a claim's payout account waits for this
/// link, sent to the account's address.
#[derive(Debug, Clone, Serialize)]
pub struct PayoutChangeRequested {
    pub claim_ref: String,
    pub token: String,
    /// Masked (`FR76 •••• •••• 0189`).
    pub new_iban: String,
    pub valid_minutes: u32,
}

impl Email for PayoutChangeRequested {
    const KIND: &'static str = "payout_change_requested";
    fn action_path(&self) -> String {
        format!("/claims/payout/confirm/{}", path_segment(&self.token))
    }
    fn secrets(&self) -> Vec<String> {
        vec![path_segment(&self.token)]
    }
}

/// "Your bank details were changed", after the confirmation.
#[derive(Debug, Clone, Serialize)]
pub struct PayoutChanged {
    pub claim_ref: String,
    /// Masked.
    pub new_iban: String,
}

impl Email for PayoutChanged {
    const KIND: &'static str = "payout_changed";
    fn action_path(&self) -> String {
        claim_path(&self.claim_ref)
    }
}

/// Receipt of a new claim: summary, reference, amount, what happens next.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimSubmitted {
    pub claim_ref: String,
    /// `AF 1234`
    pub flight_number: String,
    /// As the passenger should read it, e.g. `2026-03-14`.
    pub flight_date: String,
    /// `Paris CDG → New York JFK`
    pub route: String,
    pub amount: Money,
}

impl Email for ClaimSubmitted {
    const KIND: &'static str = "claim_submitted";
    fn action_path(&self) -> String {
        claim_path(&self.claim_ref)
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        one("amount_text", self.amount.format(locale).into())
    }
}

/// A document we may ask a passenger for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    BoardingPass,
    BookingConfirmation,
    IdentityDocument,
    DelayConfirmation,
    ExpenseReceipts,
    BankDetails,
    PowerOfAttorney,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 7] = [
        DocumentKind::BoardingPass,
        DocumentKind::BookingConfirmation,
        DocumentKind::IdentityDocument,
        DocumentKind::DelayConfirmation,
        DocumentKind::ExpenseReceipts,
        DocumentKind::BankDetails,
        DocumentKind::PowerOfAttorney,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DocumentKind::BoardingPass => "mail.document.boarding_pass",
            DocumentKind::BookingConfirmation => "mail.document.booking_confirmation",
            DocumentKind::IdentityDocument => "mail.document.identity_document",
            DocumentKind::DelayConfirmation => "mail.document.delay_confirmation",
            DocumentKind::ExpenseReceipts => "mail.document.expense_receipts",
            DocumentKind::BankDetails => "mail.document.bank_details",
            DocumentKind::PowerOfAttorney => "mail.document.power_of_attorney",
        }
    }
}

/// We need documents to go on with a claim.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentsRequested {
    pub claim_ref: String,
    pub documents: Vec<DocumentKind>,
    /// Optional words from the agent, shown as written.
    pub note: Option<String>,
}

impl Email for DocumentsRequested {
    const KIND: &'static str = "documents_requested";
    fn action_path(&self) -> String {
        claim_path(&self.claim_ref)
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        let labels = self
            .documents
            .iter()
            .map(|d| label(locale, d.key()))
            .collect();
        one("document_labels", Value::Array(labels))
    }
}

/// A reminder of documents we asked for and still wait for (the daily job, at 3, 7 and 14
/// days).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentsReminder {
    pub claim_ref: String,
    pub documents: Vec<DocumentKind>,
    /// Days since we asked.
    pub days: u32,
    /// The last reminder (after it, the team waits for the passenger).
    pub last: bool,
}

impl Email for DocumentsReminder {
    const KIND: &'static str = "documents_reminder";
    fn action_path(&self) -> String {
        claim_path(&self.claim_ref)
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        let labels = self
            .documents
            .iter()
            .map(|d| label(locale, d.key()))
            .collect();
        one("document_labels", Value::Array(labels))
    }
}

/// Intermediate stages a passenger is told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStage {
    InReview,
    SentToAirline,
    AirlineAnswered,
    /// The airline paid us; the passenger's transfer follows.
    AirlinePaid,
    /// A second notice went to the airline.
    ReminderSent,
    /// A complaint to the national enforcement body.
    NebComplaint,
    /// A mediator examines the claim.
    Adr,
    /// Court proceedings.
    Court,
    /// A lawyer or a collection agency pursues the airline.
    Lawyer,
    /// A rejected or closed claim is examined again.
    Reopened,
}

impl ClaimStage {
    pub const ALL: [ClaimStage; 10] = [
        ClaimStage::InReview,
        ClaimStage::SentToAirline,
        ClaimStage::AirlineAnswered,
        ClaimStage::AirlinePaid,
        ClaimStage::ReminderSent,
        ClaimStage::NebComplaint,
        ClaimStage::Adr,
        ClaimStage::Court,
        ClaimStage::Lawyer,
        ClaimStage::Reopened,
    ];

    fn name(self) -> &'static str {
        match self {
            ClaimStage::InReview => "in_review",
            ClaimStage::SentToAirline => "sent_to_airline",
            ClaimStage::AirlineAnswered => "airline_answered",
            ClaimStage::AirlinePaid => "airline_paid",
            ClaimStage::ReminderSent => "reminder_sent",
            ClaimStage::NebComplaint => "neb_complaint",
            ClaimStage::Adr => "adr",
            ClaimStage::Court => "court",
            ClaimStage::Lawyer => "lawyer",
            ClaimStage::Reopened => "reopened",
        }
    }
}

/// A claim moved to another stage.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChanged {
    pub claim_ref: String,
    pub stage: ClaimStage,
    pub note: Option<String>,
}

impl Email for StatusChanged {
    const KIND: &'static str = "status_changed";
    fn action_path(&self) -> String {
        claim_path(&self.claim_ref)
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        let stage = self.stage.name();
        let mut map = one(
            "stage_label",
            label(locale, &format!("mail.stage.{stage}.label")),
        );
        map.insert(
            "stage_explanation".into(),
            label(locale, &format!("mail.stage.{stage}.explanation")),
        );
        map
    }
}

/// The airline agreed (or was ordered) to pay.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimApproved {
    pub claim_ref: String,
    pub amount: Money,
    /// Working days until the money usually reaches the passenger.
    pub payout_days: u32,
    /// The agent's note to the passenger, shown as written.
    pub note: Option<String>,
}

impl Email for ClaimApproved {
    const KIND: &'static str = "claim_approved";
    fn action_path(&self) -> String {
        claim_path(&self.claim_ref)
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        one("amount_text", self.amount.format(locale).into())
    }
}

/// Why a claim cannot go on, in words a passenger understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    ExtraordinaryCircumstances,
    DelayTooShort,
    OutsideScope,
    TimeLimitPassed,
    AlreadyCompensated,
    MissingDocuments,
    Other,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 7] = [
        RejectionReason::ExtraordinaryCircumstances,
        RejectionReason::DelayTooShort,
        RejectionReason::OutsideScope,
        RejectionReason::TimeLimitPassed,
        RejectionReason::AlreadyCompensated,
        RejectionReason::MissingDocuments,
        RejectionReason::Other,
    ];

    fn key(self) -> &'static str {
        match self {
            RejectionReason::ExtraordinaryCircumstances => {
                "mail.reason.extraordinary_circumstances"
            }
            RejectionReason::DelayTooShort => "mail.reason.delay_too_short",
            RejectionReason::OutsideScope => "mail.reason.outside_scope",
            RejectionReason::TimeLimitPassed => "mail.reason.time_limit_passed",
            RejectionReason::AlreadyCompensated => "mail.reason.already_compensated",
            RejectionReason::MissingDocuments => "mail.reason.missing_documents",
            RejectionReason::Other => "mail.reason.other",
        }
    }

    /// The `snake_case` name (forms, the audit log).
    pub fn name(self) -> &'static str {
        self.key().trim_start_matches("mail.reason.")
    }
}

/// We cannot take a claim further.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRejected {
    pub claim_ref: String,
    pub reason: RejectionReason,
    /// Optional details from the agent, shown as written.
    pub note: Option<String>,
}

impl Email for ClaimRejected {
    const KIND: &'static str = "claim_rejected";
    fn action_path(&self) -> String {
        claim_path(&self.claim_ref)
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        one("reason_text", label(locale, self.reason.key()))
    }
}

/// We paid the passenger.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentSent {
    pub claim_ref: String,
    pub compensation: Money,
    pub fee: Money,
    pub net: Money,
    /// e.g. `FR76 •••• 1234`; never the whole account number.
    pub account_hint: Option<String>,
    /// The agent's note to the passenger, shown as written.
    pub note: Option<String>,
}

impl Email for PaymentSent {
    const KIND: &'static str = "payment_sent";
    fn action_path(&self) -> String {
        claim_path(&self.claim_ref)
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        let mut map = one("compensation_text", self.compensation.format(locale).into());
        map.insert("fee_text".into(), self.fee.format(locale).into());
        map.insert("net_text".into(), self.net.format(locale).into());
        map
    }
}

/// The airline offers to settle below the amount due: the passenger accepts or refuses on
/// their claim page (the mandate forbids settling below the amount due without consent).
#[derive(Debug, Clone, Serialize)]
pub struct SettlementOffered {
    pub claim_ref: String,
    /// What the airline would pay in all.
    pub offered: Money,
    /// The amount due.
    pub due: Money,
    /// The agent's note, shown as written.
    pub note: Option<String>,
}

impl Email for SettlementOffered {
    const KIND: &'static str = "settlement_offered";
    fn action_path(&self) -> String {
        format!("{}#settlement", claim_path(&self.claim_ref))
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        let mut map = one("offered_text", self.offered.format(locale).into());
        map.insert("due_text".into(), self.due.format(locale).into());
        map
    }
}

/// A message an agent wrote to the passenger.
#[derive(Debug, Clone, Serialize)]
pub struct TeamMessage {
    pub claim_ref: Option<String>,
    /// First name of the agent who wrote it.
    pub author: String,
    /// Plain text as typed; paragraphs separated by blank lines.
    pub body: String,
}

impl Email for TeamMessage {
    const KIND: &'static str = "team_message";
    const AUTO_SUBMITTED: bool = false;
    fn action_path(&self) -> String {
        // "Reply" opens the message form on the claim's page.
        self.claim_ref
            .as_deref()
            .map_or_else(|| "/account".to_string(), |r| claim_path(r) + "#messages")
    }
    fn localized(&self, _locale: Locale) -> Map<String, Value> {
        let paragraphs: Vec<Value> = self
            .body
            .replace("\r\n", "\n")
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| Value::String(p.to_string()))
            .collect();
        one("paragraphs", Value::Array(paragraphs))
    }
}

/// Staff roles an invitation can grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Agent,
    Finance,
    Admin,
}

/// An admin invited someone to the back office.
#[derive(Debug, Clone, Serialize)]
pub struct StaffInvitation {
    pub inviter: String,
    pub role: StaffRole,
    pub token: String,
    pub valid_hours: u32,
}

impl Email for StaffInvitation {
    const KIND: &'static str = "staff_invitation";
    fn action_path(&self) -> String {
        format!("/admin/invitation/{}", path_segment(&self.token))
    }
    fn secrets(&self) -> Vec<String> {
        vec![path_segment(&self.token)]
    }
    fn localized(&self, locale: Locale) -> Map<String, Value> {
        let key = match self.role {
            StaffRole::Agent => "mail.role.agent",
            StaffRole::Finance => "mail.role.finance",
            StaffRole::Admin => "mail.role.admin",
        };
        let mut map = one("role_label", label(locale, key));
        map.insert("valid_for".into(), duration(locale, self.valid_hours));
        map
    }
}

/// To admins: a backup or the replication failed.
#[derive(Debug, Clone, Serialize)]
pub struct AdminBackupFailed {
    /// What went wrong, as logged.
    pub error: String,
    /// Where the backup was going (no credentials).
    pub destination: String,
    pub last_success_at: Option<String>,
}

impl Email for AdminBackupFailed {
    const KIND: &'static str = "admin_backup_failed";
    fn action_path(&self) -> String {
        "/admin/system".into()
    }
}

/// To the team (the claim's assignee, or every agent): the passenger wrote from the claim page.
#[derive(Debug, Clone, Serialize)]
pub struct PassengerMessage {
    pub claim_ref: String,
    pub passenger_name: String,
    /// Plain text as typed.
    pub body: String,
}

impl Email for PassengerMessage {
    const KIND: &'static str = "passenger_message";
    fn action_path(&self) -> String {
        format!("/admin/claims/{}#messages", path_segment(&self.claim_ref))
    }
}

/// To the team: a message sent through the contact page.
#[derive(Debug, Clone, Serialize)]
pub struct ContactMessage {
    pub sender_name: String,
    pub sender_email: String,
    /// A claim reference the sender gave, as typed (may be empty).
    pub claim_ref: String,
    pub body: String,
}

impl Email for ContactMessage {
    const KIND: &'static str = "contact_message";
    fn action_path(&self) -> String {
        if self.claim_ref.is_empty() {
            "/admin".into()
        } else {
            format!("/admin/claims?q={}", path_segment(&self.claim_ref))
        }
    }
}

/// To admins: the replica cannot be restored (a missing file, a failed integrity check); a
/// fresh snapshot is on its way.
#[derive(Debug, Clone, Serialize)]
pub struct AdminReplicaBroken {
    /// What the verification found, as logged.
    pub problem: String,
    /// The replica (no credentials).
    pub destination: String,
}

impl Email for AdminReplicaBroken {
    const KIND: &'static str = "admin_replica_broken";
    fn action_path(&self) -> String {
        "/admin/system".into()
    }
}

/// To admins: mail is not leaving.
#[derive(Debug, Clone, Serialize)]
pub struct AdminOutboxStuck {
    pub queued: u64,
    pub oldest_pending_minutes: u64,
    pub last_error: Option<String>,
}

impl Email for AdminOutboxStuck {
    const KIND: &'static str = "admin_outbox_stuck";
    fn action_path(&self) -> String {
        "/admin/emails".into()
    }
}

/// The "send a test email" of `/admin/system` and `flightclaim send-test-email`.
#[derive(Debug, Clone, Serialize)]
pub struct SmtpTest {
    /// `host:port` the message goes through.
    pub server: String,
}

impl Email for SmtpTest {
    const KIND: &'static str = "smtp_test";
    fn action_path(&self) -> String {
        "/admin/system".into()
    }
}

/// Every kind, for tests and the admin page's filter.
pub const KINDS: &[&str] = &[
    EmailVerification::KIND,
    PasswordReset::KIND,
    ClaimSubmitted::KIND,
    DocumentsRequested::KIND,
    DocumentsReminder::KIND,
    StatusChanged::KIND,
    ClaimApproved::KIND,
    ClaimRejected::KIND,
    PaymentSent::KIND,
    SettlementOffered::KIND,
    TeamMessage::KIND,
    StaffInvitation::KIND,
    AdminBackupFailed::KIND,
    AdminReplicaBroken::KIND,
    AdminOutboxStuck::KIND,
    SmtpTest::KIND,
    PasswordChanged::KIND,
    EmailChanged::KIND,
    AccountExists::KIND,
    ClaimAccount::KIND,
    SignInLink::KIND,
    AccountDeletion::KIND,
    PassengerMessage::KIND,
    PayoutChangeRequested::KIND,
    PayoutChanged::KIND,
    ContactMessage::KIND,
];

/// The JSON of a context, for the template.
pub(crate) fn to_value<E: Email>(email: &E) -> Value {
    serde_json::to_value(email).unwrap_or_else(|_| json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded() {
        assert_eq!(path_segment("FC-7K3M9Q"), "FC-7K3M9Q");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
        let msg = TeamMessage {
            claim_ref: None,
            author: "Léa".into(),
            body: "a\n\nb".into(),
        };
        assert_eq!(msg.action_path(), "/account");
    }
}
