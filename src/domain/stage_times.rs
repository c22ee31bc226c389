//! How long each stage of a claim usually takes, for the passenger's "what happens next": the
//! operator's own figure (the median time its closed claims spent in the stage) once enough
//! claims went through it, the usual ranges below before that. Pure data and rules: the
//! medians are read by `db::claims::stage_medians`.

use super::claim::ClaimStatus;

/// How many closed claims must have gone through a stage before its own median replaces the
/// default range.
pub const MIN_SAMPLES: usize = 20;

/// A duration range in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub min: u32,
    pub max: u32,
}

/// The usual time a claim spends in `status` (industry figures, before we have our own);
/// `None` for statuses where nothing more is waited for.
pub fn default_range(status: ClaimStatus) -> Option<DayRange> {
    use ClaimStatus as S;
    let (min, max) = match status {
        S::Submitted => (1, 3),
        S::InReview => (2, 7),
        // The airline's answer to our letter; an approved claim waits as long for its money.
        S::SentToAirline | S::Approved => (14, 42),
        // Reading the airline's answer; transferring what the airline paid.
        S::AirlineAnswered | S::AirlinePaid => (3, 10),
        S::ReminderSent => (14, 28),
        S::NebComplaint | S::Lawyer => (60, 180),
        S::Adr => (60, 90),
        S::Court => (90, 365),
        S::Rejected | S::Paid | S::Closed | S::Withdrawn => return None,
    };
    Some(DayRange { min, max })
}

/// The stage that usually follows `status`; `None` once the claim is over (or rejected: what
/// follows depends on the team's reading of the refusal).
pub fn next_stage(status: ClaimStatus) -> Option<ClaimStatus> {
    use ClaimStatus as S;
    match status {
        S::Submitted => Some(S::InReview),
        S::InReview => Some(S::SentToAirline),
        S::SentToAirline | S::ReminderSent | S::NebComplaint | S::Adr | S::Court | S::Lawyer => {
            Some(S::AirlineAnswered)
        }
        S::AirlineAnswered => Some(S::Approved),
        S::Approved => Some(S::AirlinePaid),
        S::AirlinePaid => Some(S::Paid),
        S::Rejected | S::Paid | S::Closed | S::Withdrawn => None,
    }
}

/// Where a stage's expected duration comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Estimate {
    /// The median of the operator's own closed claims (`samples` ≥ [`MIN_SAMPLES`]).
    Own { median_days: u32, samples: usize },
    /// The default range: not enough claims of our own yet.
    Default(DayRange),
}

/// The figure to show for `status`, given the operator's median days in that stage and how many
/// closed claims it comes from (if any); `None` when nothing is waited for there.
pub fn estimate(status: ClaimStatus, own: Option<(f64, usize)>) -> Option<Estimate> {
    let default = default_range(status)?;
    Some(match own {
        Some((median, samples)) if samples >= MIN_SAMPLES && median.is_finite() => {
            // Whole days, rounded up, at least one: "about 0 days" helps nobody.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let days = median.ceil().clamp(1.0, 3650.0) as u32;
            Estimate::Own {
                median_days: days,
                samples,
            }
        }
        _ => Estimate::Default(default),
    })
}

/// The unit a duration reads best in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Weeks,
    Months,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::Weeks => "weeks",
            Unit::Months => "months",
        }
    }
}

/// The unit for durations up to `max_days`, and its length in days: days up to two weeks, weeks
/// up to eight weeks, months beyond.
fn unit_for(max_days: u32) -> (Unit, u32) {
    if max_days <= 14 {
        (Unit::Days, 1)
    } else if max_days <= 56 {
        (Unit::Weeks, 7)
    } else {
        (Unit::Months, 30)
    }
}

/// A range of days as people say it: `(unit, low, high)`, the low end rounded down and the high
/// end up, never below 1.
pub fn in_words(range: DayRange) -> (Unit, u32, u32) {
    let (unit, per) = unit_for(range.max);
    let low = (range.min / per).max(1);
    let high = range.max.div_ceil(per).max(low);
    (unit, low, high)
}

/// One duration as people say it ("about 3 weeks"): `(unit, count)`, rounded to the nearest,
/// never below 1.
pub fn about(days: u32) -> (Unit, u32) {
    let (unit, per) = unit_for(days);
    (unit, ((days + per / 2) / per).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClaimStatus as S;

    const fn days(min: u32, max: u32) -> DayRange {
        DayRange { min, max }
    }

    #[test]
    fn every_open_stage_has_a_default_and_a_next_step() {
        for s in ClaimStatus::ALL {
            let over = matches!(s, S::Rejected | S::Paid | S::Closed | S::Withdrawn);
            assert_eq!(default_range(s).is_none(), over, "{s}");
            assert_eq!(next_stage(s).is_none(), over, "{s}");
            if let Some(r) = default_range(s) {
                assert!(0 < r.min && r.min <= r.max, "{s}");
            }
        }
        assert_eq!(default_range(S::SentToAirline), Some(days(14, 42)));
        assert_eq!(next_stage(S::Court), Some(S::AirlineAnswered));
        assert_eq!(next_stage(S::AirlinePaid), Some(S::Paid));
    }

    #[test]
    fn own_median_only_with_enough_claims() {
        type Row = (ClaimStatus, Option<(f64, usize)>, Option<Estimate>);
        let table: [Row; 7] = [
            (
                S::SentToAirline,
                None,
                Some(Estimate::Default(days(14, 42))),
            ),
            (
                S::SentToAirline,
                Some((30.0, MIN_SAMPLES - 1)),
                Some(Estimate::Default(days(14, 42))),
            ),
            (
                S::SentToAirline,
                Some((30.2, MIN_SAMPLES)),
                Some(Estimate::Own {
                    median_days: 31,
                    samples: MIN_SAMPLES,
                }),
            ),
            (
                S::InReview,
                Some((0.1, 50)),
                Some(Estimate::Own {
                    median_days: 1,
                    samples: 50,
                }),
            ),
            (
                S::InReview,
                Some((f64::NAN, 50)),
                Some(Estimate::Default(days(2, 7))),
            ),
            (S::Paid, Some((3.0, 100)), None),
            (S::Closed, None, None),
        ];
        for (status, own, expected) in table {
            assert_eq!(estimate(status, own), expected, "{status} {own:?}");
        }
    }

    #[test]
    fn ranges_in_words() {
        let table = [
            (days(1, 3), (Unit::Days, 1, 3)),
            (days(3, 10), (Unit::Days, 3, 10)),
            (days(0, 0), (Unit::Days, 1, 1)),
            (days(14, 42), (Unit::Weeks, 2, 6)),
            (days(14, 28), (Unit::Weeks, 2, 4)),
            (days(60, 90), (Unit::Months, 2, 3)),
            (days(60, 180), (Unit::Months, 2, 6)),
            (days(90, 365), (Unit::Months, 3, 13)),
        ];
        for (range, words) in table {
            assert_eq!(in_words(range), words, "{range:?}");
        }
        let table = [
            (0, (Unit::Days, 1)),
            (5, (Unit::Days, 5)),
            (14, (Unit::Days, 14)),
            (17, (Unit::Weeks, 2)),
            (18, (Unit::Weeks, 3)),
            (31, (Unit::Weeks, 4)),
            (57, (Unit::Months, 2)),
            (200, (Unit::Months, 7)),
        ];
        for (d, words) in table {
            assert_eq!(about(d), words, "{d}");
        }
    }
}
