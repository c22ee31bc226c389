//! Duplicate and fraud signals between claims: the same passenger on the same flight and date
//! in any position (a co-passenger of a paid claim filing it again), the same booking
//! reference, the same payout IBAN under different holder names.
//!
//! `db::claim_signals` finds the candidates (claims sharing a flight and date, a booking
//! reference or an IBAN); [`judge`] decides which candidates are signals. A signal is a hint for
//! the agent, never a refusal: families share bookings and accounts.

use serde::Serialize;

/// Why two claims look related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// A passenger of one claim is a passenger of the other, on the same flight and date.
    SamePassenger,
    /// Both claims give the same booking reference.
    SameBooking,
    /// Both claims are paid to the same IBAN, under different holder names.
    SharedIban,
}

/// What `db::claim_signals` knows of one side of a candidate pair.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// (first name, last name) of every passenger, in any position.
    pub passengers: Vec<(String, String)>,
    pub holder: String,
}

/// Lower-case letters and digits, accents and other scripts folded to ASCII (deunicode), word
/// order kept: `Jeanne  MARTIN` = `jeanne martin` = `Jéanne Martin`.
pub fn person_key(text: &str) -> String {
    deunicode::deunicode(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The passengers both claims share (by name key), as the second claim spells them.
pub fn shared_passengers(a: &Side, b: &Side) -> Vec<String> {
    let keys: Vec<String> = a
        .passengers
        .iter()
        .map(|(f, l)| person_key(&format!("{f}{l}")))
        .collect();
    b.passengers
        .iter()
        .filter(|(f, l)| {
            let k = person_key(&format!("{f}{l}"));
            !k.is_empty() && keys.contains(&k)
        })
        .map(|(f, l)| format!("{f} {l}"))
        .collect()
}

/// Whether a candidate of `kind` between `a` and `b` is a signal.
pub fn judge(kind: SignalKind, a: &Side, b: &Side) -> bool {
    match kind {
        SignalKind::SamePassenger => !shared_passengers(a, b).is_empty(),
        SignalKind::SameBooking => true,
        SignalKind::SharedIban => person_key(&a.holder) != person_key(&b.holder),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(names: &[(&str, &str)], holder: &str) -> Side {
        Side {
            passengers: names
                .iter()
                .map(|(f, l)| ((*f).to_string(), (*l).to_string()))
                .collect(),
            holder: holder.into(),
        }
    }

    #[test]
    fn names_fold() {
        assert_eq!(person_key("Jéanne  MARTIN"), "jeannemartin");
        assert_eq!(person_key("O'Brien-Smith"), "obriensmith");
        assert_eq!(person_key("Zoë Ørsted"), "zoeorsted");
    }

    #[test]
    fn judged_signals() {
        let paid = side(&[("Jeanne", "Martin"), ("Paul", "Martin")], "Jeanne Martin");
        let again = side(&[("Paul", "MARTIN")], "Paul Martin");
        let stranger = side(&[("Anne", "Durand")], "JEANNE martin");
        let cases = [
            (SignalKind::SamePassenger, &paid, &again, true),
            (SignalKind::SamePassenger, &paid, &stranger, false),
            (SignalKind::SameBooking, &paid, &stranger, true),
            (SignalKind::SharedIban, &paid, &again, true),
            (SignalKind::SharedIban, &paid, &stranger, false),
        ];
        for (kind, a, b, want) in cases {
            assert_eq!(judge(kind, a, b), want, "{kind:?} {b:?}");
        }
        assert_eq!(shared_passengers(&paid, &again), vec!["Paul MARTIN"]);
    }
}
