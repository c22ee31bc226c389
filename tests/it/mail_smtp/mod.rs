//! Shared pieces of the mail tests: one sample of every message kind with hostile user data,
//! the subjects and phrases each must show, and a real SMTP server (aiosmtpd with a Maildir)
//! started from `.venv-test`.
#![allow(dead_code)]
// Sample tables read best as one long list.
#![allow(clippy::too_many_lines)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use flightclaim::i18n::Locale;
use flightclaim::mail::messages::{
    AccountDeletion, AccountExists, AdminBackupFailed, AdminOutboxStuck, AdminReplicaBroken,
    ClaimAccount, ClaimApproved, ClaimRejected, ClaimStage, ClaimSubmitted, ContactMessage,
    DocumentKind, DocumentsReminder, DocumentsRequested, EmailChanged, EmailVerification, Money,
    PassengerMessage, PasswordChanged, PasswordReset, PaymentSent, PayoutChangeRequested,
    PayoutChanged, RejectionReason, SettlementOffered, SignInLink, SmtpTest, StaffInvitation,
    StaffRole, StatusChanged, TeamMessage,
};
use flightclaim::mail::{Mailer, OutgoingMail, Recipient};

pub const BASE_URL: &str = "https://claims.example.test";
/// Typed by a user: must come out escaped in HTML and as typed in text.
pub const HOSTILE: &str = "<script>alert(1)</script> Zoë & \"Co\"";
pub const CLAIM: &str = "FC-7K3M9Q";

/// One message of every kind for `to`, user-typed fields set to [`HOSTILE`].
pub fn every_kind(mailer: &Mailer, to: &Recipient) -> Vec<OutgoingMail> {
    let c = CLAIM.to_string();
    vec![
        mailer
            .compose(
                to,
                &EmailVerification {
                    token: "tok-abc123".into(),
                    valid_hours: 48,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &PasswordReset {
                    token: "tok-reset9".into(),
                    valid_minutes: 30,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &ClaimSubmitted {
                    claim_ref: c.clone(),
                    flight_number: "AF 1234".into(),
                    flight_date: "2026-03-14".into(),
                    route: "Paris CDG → New York JFK".into(),
                    amount: Money::eur(60_000),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &DocumentsRequested {
                    claim_ref: c.clone(),
                    documents: vec![DocumentKind::BoardingPass, DocumentKind::BankDetails],
                    note: Some(HOSTILE.into()),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &StatusChanged {
                    claim_ref: c.clone(),
                    stage: ClaimStage::SentToAirline,
                    note: None,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &DocumentsReminder {
                    claim_ref: c.clone(),
                    documents: vec![DocumentKind::BoardingPass, DocumentKind::BankDetails],
                    days: 14,
                    last: true,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &ClaimApproved {
                    claim_ref: c.clone(),
                    amount: Money::eur(40_000),
                    payout_days: 10,
                    note: Some(HOSTILE.into()),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &ClaimRejected {
                    claim_ref: c.clone(),
                    reason: RejectionReason::DelayTooShort,
                    note: Some(HOSTILE.into()),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &PaymentSent {
                    claim_ref: c.clone(),
                    compensation: Money::eur(60_000),
                    fee: Money::eur(15_000),
                    net: Money::eur(45_000),
                    account_hint: Some("FR76 •••• 1234".into()),
                    note: None,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &SettlementOffered {
                    claim_ref: c.clone(),
                    offered: Money::eur(40_000),
                    due: Money::eur(60_000),
                    note: Some(HOSTILE.into()),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &TeamMessage {
                    claim_ref: Some(c.clone()),
                    author: "Camille".into(),
                    body: format!("First paragraph.\n\n{HOSTILE}"),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &StaffInvitation {
                    inviter: "Camille".into(),
                    role: StaffRole::Admin,
                    token: "tok-invite7".into(),
                    valid_hours: 72,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &AdminBackupFailed {
                    error: format!("disk full {HOSTILE}"),
                    destination: "s3://backups/flightclaim".into(),
                    last_success_at: None,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &AdminReplicaBroken {
                    problem: format!("TXIDs 000000000000002a missing {HOSTILE}"),
                    destination: "s3://backups/flightclaim".into(),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &AdminOutboxStuck {
                    queued: 7,
                    oldest_pending_minutes: 42,
                    last_error: Some("connection refused".into()),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &SmtpTest {
                    server: "smtp.example.test:587".into(),
                },
            )
            .unwrap(),
        mailer.compose(to, &PasswordChanged {}).unwrap(),
        mailer
            .compose(
                to,
                &EmailChanged {
                    new_email: "new.address@example.test".into(),
                },
            )
            .unwrap(),
        mailer.compose(to, &AccountExists {}).unwrap(),
        mailer
            .compose(
                to,
                &ClaimAccount {
                    claim_ref: c.clone(),
                    token: "tok-claim42".into(),
                    valid_hours: 168,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &SignInLink {
                    token: "tok-signin5".into(),
                    next: format!("/claims/{c}"),
                    valid_minutes: 20,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &AccountDeletion {
                    token: "tok-delete3".into(),
                    valid_minutes: 60,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &PassengerMessage {
                    claim_ref: c.clone(),
                    passenger_name: HOSTILE.into(),
                    body: format!("Where is my money? {HOSTILE}"),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &PayoutChangeRequested {
                    claim_ref: c.clone(),
                    token: "tok-payout8".into(),
                    new_iban: "DE89 •••• •••• 3000".into(),
                    valid_minutes: 60,
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &PayoutChanged {
                    claim_ref: c.clone(),
                    new_iban: "DE89 •••• •••• 3000".into(),
                },
            )
            .unwrap(),
        mailer
            .compose(
                to,
                &ContactMessage {
                    sender_name: HOSTILE.into(),
                    sender_email: "zoe@example.test".into(),
                    claim_ref: c.clone(),
                    body: format!("Not my claim. {HOSTILE}"),
                },
            )
            .unwrap(),
    ]
}

/// What a kind must show in `lang`: the exact subject, a phrase found in both the text and
/// the HTML part (no character that HTML escapes), and the path of the main link.
pub fn expected(kind: &str, lang: &str) -> (&'static str, &'static str, &'static str) {
    let fr = lang == "fr";
    let pick = |a: &'static str, b: &'static str| if fr { a } else { b };
    match kind {
        "email_verification" => (
            pick(
                "Bienvenue chez FlightClaim : confirmez votre adresse e-mail",
                "Welcome to FlightClaim: please confirm your email address",
            ),
            pick(
                "Ce lien est valable 2 jours.",
                "This link is valid for 2 days.",
            ),
            "/verify-email/tok-abc123",
        ),
        "password_reset" => (
            pick(
                "Réinitialisation de votre mot de passe FlightClaim",
                "Reset your FlightClaim password",
            ),
            pick("valable 30 minutes", "valid for 30 minutes"),
            "/password/reset/tok-reset9",
        ),
        "claim_submitted" => (
            pick("Réclamation FC-7K3M9Q reçue", "Claim FC-7K3M9Q received"),
            pick("600\u{a0}€", "€600"),
            "/claims/FC-7K3M9Q",
        ),
        "documents_requested" => (
            pick(
                "Réclamation FC-7K3M9Q : des documents nous manquent",
                "Claim FC-7K3M9Q: we need some documents",
            ),
            pick(
                "Coordonnées bancaires (RIB avec IBAN)",
                "Bank details (IBAN)",
            ),
            "/claims/FC-7K3M9Q",
        ),
        "documents_reminder" => (
            pick(
                "Réclamation FC-7K3M9Q : rappel, des documents nous manquent toujours",
                "Claim FC-7K3M9Q: reminder, we still need some documents",
            ),
            pick("Il y a 14 jours", "14 days ago"),
            "/claims/FC-7K3M9Q",
        ),
        "status_changed" => (
            pick(
                "Réclamation FC-7K3M9Q : envoyée à la compagnie",
                "Claim FC-7K3M9Q: sent to the airline",
            ),
            pick(
                "Nous avons envoyé la demande",
                "We have sent the compensation request",
            ),
            "/claims/FC-7K3M9Q",
        ),
        "claim_approved" => (
            pick(
                "Bonne nouvelle : votre réclamation FC-7K3M9Q est acceptée",
                "Good news: your claim FC-7K3M9Q has been accepted",
            ),
            pick("400\u{a0}€", "€400"),
            "/claims/FC-7K3M9Q",
        ),
        "claim_rejected" => (
            pick(
                "Votre réclamation FC-7K3M9Q ne peut pas aboutir",
                "Your claim FC-7K3M9Q cannot go ahead",
            ),
            pick(
                "moins de trois heures de retard",
                "less than three hours late",
            ),
            "/claims/FC-7K3M9Q",
        ),
        "payment_sent" => (
            pick(
                "Réclamation FC-7K3M9Q : votre virement est parti",
                "Claim FC-7K3M9Q: your payment is on its way",
            ),
            pick("450\u{a0}€", "€450"),
            "/claims/FC-7K3M9Q",
        ),
        "settlement_offered" => (
            pick(
                "Réclamation FC-7K3M9Q : la compagnie propose une transaction, votre réponse est nécessaire",
                "Claim FC-7K3M9Q: the airline offers a settlement, your answer is needed",
            ),
            pick("400\u{a0}€", "€400"),
            "/claims/FC-7K3M9Q#settlement",
        ),
        "team_message" => (
            pick(
                "Réclamation FC-7K3M9Q : un message de notre équipe",
                "Claim FC-7K3M9Q: a message from our team",
            ),
            "First paragraph.",
            "/claims/FC-7K3M9Q",
        ),
        "staff_invitation" => (
            pick(
                "Camille vous invite dans l'espace d'administration de FlightClaim",
                "Camille invited you to the FlightClaim back office",
            ),
            pick("rôle : administrateur", "as an administrator"),
            "/admin/invitation/tok-invite7",
        ),
        "admin_backup_failed" => (
            pick(
                "[FlightClaim] Échec de la sauvegarde",
                "[FlightClaim] Backup failed",
            ),
            "s3://backups/flightclaim",
            "/admin/system",
        ),
        "admin_replica_broken" => (
            pick(
                "[FlightClaim] La sauvegarde ne peut plus être restaurée",
                "[FlightClaim] The backup can no longer be restored",
            ),
            "000000000000002a",
            "/admin/system",
        ),
        "admin_outbox_stuck" => (
            pick(
                "[FlightClaim] 7 e-mails en attente d'envoi",
                "[FlightClaim] 7 emails waiting to be sent",
            ),
            pick(
                "le plus ancien depuis 42 minutes",
                "the oldest for 42 minutes",
            ),
            "/admin/emails",
        ),
        "smtp_test" => (
            pick("E-mail de test FlightClaim", "FlightClaim test email"),
            "smtp.example.test:587",
            "/admin/system",
        ),
        "password_changed" => (
            pick(
                "Le mot de passe de votre compte FlightClaim a été changé",
                "Your FlightClaim password was changed",
            ),
            pick(
                "vos autres appareils ont été déconnectés",
                "your other devices have been signed out",
            ),
            "/password/forgot",
        ),
        "email_changed" => (
            pick(
                "L'adresse e-mail de votre compte FlightClaim a été changée",
                "The email address of your FlightClaim account was changed",
            ),
            "new.address@example.test",
            "/faq",
        ),
        "account_exists" => (
            pick(
                "Vous avez déjà un compte FlightClaim",
                "You already have a FlightClaim account",
            ),
            pick("aucun nouveau compte", "no new account was created"),
            "/password/forgot",
        ),
        "claim_account" => (
            pick(
                "Une réclamation a été déposée avec votre adresse e-mail",
                "A claim was filed with your email address",
            ),
            pick(
                "signalez-le-nous depuis la page de contact",
                "tell us through the contact page",
            ),
            "/verify-email/tok-claim42",
        ),
        "sign_in_link" => (
            pick(
                "Votre lien de connexion FlightClaim",
                "Your FlightClaim sign-in link",
            ),
            pick(
                "valable 20 minutes et ne sert qu'une fois",
                "valid for 20 minutes and works once, on any device",
            ),
            "/login/link/tok-signin5?next=%2Fclaims%2FFC-7K3M9Q",
        ),
        "account_deletion" => (
            pick(
                "Confirmez la suppression de votre compte FlightClaim",
                "Confirm the deletion of your FlightClaim account",
            ),
            pick("La suppression est définitive", "cannot be undone"),
            "/account/delete/tok-delete3",
        ),
        "passenger_message" => (
            pick(
                "Réclamation FC-7K3M9Q : le passager a écrit à l'équipe",
                "Claim FC-7K3M9Q: the passenger wrote to the team",
            ),
            "Where is my money?",
            "/admin/claims/FC-7K3M9Q#messages",
        ),
        "payout_change_requested" => (
            pick(
                "Réclamation FC-7K3M9Q : confirmez vos nouvelles coordonnées bancaires",
                "Claim FC-7K3M9Q: confirm your new bank details",
            ),
            "DE89 •••• •••• 3000",
            "/claims/payout/confirm/tok-payout8",
        ),
        "contact_message" => (
            pick(
                "Formulaire de contact : un message de <script>alert(1)</script> Zoë & \"Co\"",
                "Contact form: a message from <script>alert(1)</script> Zoë & \"Co\"",
            ),
            "Not my claim.",
            "/admin/claims?q=FC-7K3M9Q",
        ),
        "payout_changed" => (
            pick(
                "Réclamation FC-7K3M9Q : vos coordonnées bancaires ont été modifiées",
                "Claim FC-7K3M9Q: your bank details were changed",
            ),
            "DE89 •••• •••• 3000",
            "/claims/FC-7K3M9Q",
        ),
        other => panic!("no expectation for kind {other}"),
    }
}

pub fn recipient(email: &str, lang: &str) -> Recipient {
    Recipient::new(email, HOSTILE, Locale::from_tag(lang).unwrap())
}

/// A free TCP port on 127.0.0.1 (released before use; good enough for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The venv's Python, or `None` with a loud message (scripts/test always creates the venv).
pub fn venv_python() -> Option<PathBuf> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-test/bin/python");
    if python.is_file() {
        Some(python)
    } else {
        eprintln!(
            "\n*** SKIPPING SMTP TEST: {} is missing. Create it with\n***   python3 -m venv .venv-test && .venv-test/bin/pip install -r tests/requirements.txt\n*** (scripts/test does this automatically)\n",
            python.display()
        );
        None
    }
}

fn helpers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/mail_smtp")
}

/// A real aiosmtpd on 127.0.0.1 saving every message in a Maildir; recipients starting with
/// `reject` get `550 5.1.1` (`tests/it/mail_smtp/reject_handler.py`).
pub struct SmtpSink {
    child: Option<Child>,
    python: PathBuf,
    pub port: u16,
    pub maildir: PathBuf,
}

impl SmtpSink {
    /// Starts the server; the Maildir is created as `<dir>/maildir` (Python's `Maildir` only
    /// creates its `tmp/new/cur` folders when the directory does not exist yet).
    pub fn start(python: &Path, port: u16, dir: &Path) -> SmtpSink {
        let mut sink = SmtpSink {
            child: None,
            python: python.to_path_buf(),
            port,
            maildir: dir.join("maildir"),
        };
        sink.restart();
        sink
    }

    /// (Re)starts the server on the same port and Maildir.
    pub fn restart(&mut self) {
        self.stop();
        let child = Command::new(&self.python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "reject_handler.RejectingMailbox"])
            .arg(&self.maildir)
            .env("PYTHONPATH", helpers_dir())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Messages delivered so far (files in `new/`).
    pub fn count(&self) -> usize {
        std::fs::read_dir(self.maildir.join("new")).map_or(0, Iterator::count)
    }

    /// Waits until at least `n` messages arrived; returns the count.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        loop {
            let count = self.count();
            if count >= n || Instant::now() > deadline {
                return count;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every message, decoded by Python's `email` package.
    pub fn read(&self) -> Vec<Received> {
        let out = Command::new(&self.python)
            .arg(helpers_dir().join("read_maildir.py"))
            .arg(&self.maildir)
            .output()
            .expect("run read_maildir.py");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("maildir JSON")
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A message as the SMTP server received it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub message_id: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub date: String,
    pub content_type: String,
    pub content_language: String,
    pub auto_submitted: String,
    pub parts: Vec<String>,
    pub text: String,
    pub html: String,
}

/// Every `href="…"` / `src="…"` value of an HTML document.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attr) {
            let after = &rest[start + attr.len()..];
            let end = after.find('"').unwrap_or(after.len());
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}
