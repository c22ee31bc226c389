//! The four disruption rules, applied under one [`RuleSet`] to one booking. Pure functions of
//! numbers: no reference data, no allocation.

use super::bands::Band;
use super::extraordinary::Reason;
use super::request::Reroute;
use super::response::ReasonCode;
use super::ruleset::RuleSet;

/// What one rule set says about one booking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleOutcome {
    pub code: ReasonCode,
    /// Amount owed in the rule set's currency (or the ticket's, for downgrades); 0 if none.
    pub amount: f64,
    /// Unreduced Art 7 amount when the 50 % reduction applied.
    pub full_amount: Option<u32>,
    /// Art 10(2) percentage, downgrades only.
    pub refund_percent: Option<u32>,
}

impl RuleOutcome {
    fn no(code: ReasonCode) -> Self {
        Self {
            code,
            amount: 0.0,
            full_amount: None,
            refund_percent: None,
        }
    }

    fn pay(code: ReasonCode, amount: u32) -> Self {
        Self {
            code,
            amount: f64::from(amount),
            full_amount: None,
            refund_percent: None,
        }
    }

    fn reduced(code: ReasonCode, rs: &RuleSet, full: u32) -> Self {
        Self {
            code,
            amount: f64::from(full) * f64::from(rs.reduction_percent) / 100.0,
            full_amount: Some(full),
            refund_percent: None,
        }
    }

    pub fn eligible(&self) -> bool {
        self.code.is_eligible()
    }
}

/// Delay (*Sturgeon* C-402/07, *Nelson* C-581/10): arrival at the final destination 3 h or
/// more late (door opening, *Germanwings* C-452/13) gives the Art 7 amount, unless
/// extraordinary circumstances (Art 5(3)); band C under 4 h may be halved (Art 7(2)(c),
/// *Sturgeon* para 63). The Art 7(2)(a)/(b) cuts do not apply to pure delays.
pub fn delay(rs: &RuleSet, band: Band, delay_minutes: i64, reason: Option<Reason>) -> RuleOutcome {
    let b = &rs.bands[band.index()];
    if delay_minutes < b.min_delay_minutes {
        return RuleOutcome::no(ReasonCode::DelayBelow3h);
    }
    if Reason::is_extraordinary(reason) {
        return RuleOutcome::no(ReasonCode::ExtraordinaryCircumstances);
    }
    match b.delay_reduced_below_minutes {
        Some(limit) if delay_minutes < limit => {
            RuleOutcome::reduced(ReasonCode::EligibleDelayReduced50, rs, b.amount)
        }
        _ => RuleOutcome::pay(ReasonCode::EligibleDelay, b.amount),
    }
}

/// Art 7(2): the rerouted arrival "does not exceed" the band's limit (≤) → 50 %. Not where
/// the passenger arrives without any delay (*Azurair* C-146/20 et al.).
fn reroute_reduces(rs: &RuleSet, band: Band, reroute: Option<&Reroute>) -> bool {
    match reroute {
        Some(Reroute {
            offered: true,
            arrival_delay_minutes: Some(arr),
            ..
        }) => *arr > 0 && *arr <= rs.bands[band.index()].reroute_reduction_max_minutes,
        _ => false,
    }
}

/// Cancellation (Art 5(1)(c), 5(3), 7): no compensation if informed at least 14 days before
/// (exactly 14 counts); or 7–14 days before with a reroute leaving no more than 2 h earlier
/// and arriving *less than* 4 h later; or under 7 days with a reroute leaving no more than
/// 1 h earlier and arriving *less than* 2 h later; or extraordinary circumstances. Otherwise
/// Art 7, halved when the reroute arrives within 2/3/4 h (≤, "does not exceed").
pub fn cancellation(
    rs: &RuleSet,
    band: Band,
    notice_days: i64,
    reroute: Option<&Reroute>,
    reason: Option<Reason>,
) -> RuleOutcome {
    if notice_days >= rs.notice_full_days {
        return RuleOutcome::no(ReasonCode::CancellationNotice14dPlus);
    }
    if let Some(Reroute {
        offered: true,
        departure_offset_minutes: Some(dep),
        arrival_delay_minutes: Some(arr),
    }) = reroute
    {
        let window = if notice_days >= rs.notice_mid_days {
            rs.mid_notice_window
        } else {
            rs.short_notice_window
        };
        if *dep >= -window.max_earlier_minutes && *arr < window.arrive_less_than_minutes {
            return RuleOutcome::no(ReasonCode::CancellationRerouteWithinLimits);
        }
    }
    if Reason::is_extraordinary(reason) {
        return RuleOutcome::no(ReasonCode::ExtraordinaryCircumstances);
    }
    let full = rs.bands[band.index()].amount;
    if reroute_reduces(rs, band, reroute) {
        RuleOutcome::reduced(ReasonCode::EligibleCancellationReduced50, rs, full)
    } else {
        RuleOutcome::pay(ReasonCode::EligibleCancellation, full)
    }
}

/// Denied boarding (Art 4, Art 2(j)): volunteers get agreed benefits, not Art 7 (Art 4(1));
/// reasonable grounds (health, safety, security, inadequate documents) mean no denied
/// boarding; otherwise immediate Art 7 compensation, extraordinary circumstances being no
/// defence (*Finnair v Lassooy* C-22/11), halved when rerouted within 2/3/4 h (Art 7(2)).
pub fn denied_boarding(
    rs: &RuleSet,
    band: Band,
    voluntary: bool,
    reroute: Option<&Reroute>,
    reason: Option<Reason>,
) -> RuleOutcome {
    if voluntary {
        return RuleOutcome::no(ReasonCode::DbVoluntary);
    }
    if reason.is_some_and(Reason::is_reasonable_ground_for_denial) {
        return RuleOutcome::no(ReasonCode::DbReasonableGrounds);
    }
    let full = rs.bands[band.index()].amount;
    if reroute_reduces(rs, band, reroute) {
        RuleOutcome::reduced(ReasonCode::EligibleDeniedBoardingReduced50, rs, full)
    } else {
        RuleOutcome::pay(ReasonCode::EligibleDeniedBoarding, full)
    }
}

/// Downgrade (Art 10(2)): 30/50/75 % of the price of the flight concerned, excluding taxes
/// and charges (*Mennens v Emirates* C-255/15), rounded to the cent. No extraordinary
/// circumstances defence.
pub fn downgrade(rs: &RuleSet, band: Band, flight_price: f64) -> RuleOutcome {
    let percent = rs.downgrade_percent[band.index()];
    RuleOutcome {
        code: ReasonCode::EligibleDowngradeRefund,
        amount: (flight_price * f64::from(percent)).round() / 100.0,
        full_amount: None,
        refund_percent: Some(percent),
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use crate::domain::eligibility::ruleset::{Regime, ruleset_for};

    fn eu() -> &'static RuleSet {
        ruleset_for(Regime::Eu261, 1_750_000_000).expect("eu")
    }

    fn rr(dep: i64, arr: i64) -> Reroute {
        Reroute {
            offered: true,
            departure_offset_minutes: Some(dep),
            arrival_delay_minutes: Some(arr),
        }
    }

    #[test]
    fn delay_thresholds() {
        let rs = eu();
        assert_eq!(delay(rs, Band::A, 179, None).code, ReasonCode::DelayBelow3h);
        assert_eq!(delay(rs, Band::A, 180, None).amount, 250.0);
        assert_eq!(delay(rs, Band::B, 180, None).amount, 400.0);
        let c = delay(rs, Band::C, 239, None);
        assert_eq!(
            (c.code, c.amount, c.full_amount),
            (ReasonCode::EligibleDelayReduced50, 300.0, Some(600))
        );
        assert_eq!(delay(rs, Band::C, 240, None).amount, 600.0);
        assert_eq!(
            delay(rs, Band::C, 240, Some(Reason::Weather)).code,
            ReasonCode::ExtraordinaryCircumstances
        );
        // Below 3 h wins over extraordinary circumstances.
        assert_eq!(
            delay(rs, Band::C, 100, Some(Reason::Weather)).code,
            ReasonCode::DelayBelow3h
        );
    }

    #[test]
    fn cancellation_notice_and_windows() {
        let rs = eu();
        let c = |n, r: Option<&Reroute>| cancellation(rs, Band::A, n, r, None);
        assert_eq!(c(14, None).code, ReasonCode::CancellationNotice14dPlus);
        assert_eq!(c(13, None).code, ReasonCode::EligibleCancellation);
        // 7–13 days: departs ≤ 2 h earlier and arrives < 4 h later.
        assert_eq!(
            c(7, Some(&rr(-120, 239))).code,
            ReasonCode::CancellationRerouteWithinLimits
        );
        assert_eq!(
            c(7, Some(&rr(-121, 60))).code,
            ReasonCode::EligibleCancellationReduced50
        );
        assert_eq!(
            c(13, Some(&rr(0, 240))).code,
            ReasonCode::EligibleCancellation
        );
        // < 7 days: departs ≤ 1 h earlier and arrives < 2 h later.
        assert_eq!(
            c(6, Some(&rr(-60, 119))).code,
            ReasonCode::CancellationRerouteWithinLimits
        );
        assert_eq!(
            c(6, Some(&rr(-61, 60))).code,
            ReasonCode::EligibleCancellationReduced50
        );
        // Asymmetry: exactly 120 min fails (iii) ("less than") but meets 7(2)(a) ("does not exceed").
        let x = c(3, Some(&rr(0, 120)));
        assert_eq!(
            (x.code, x.amount),
            (ReasonCode::EligibleCancellationReduced50, 125.0)
        );
        assert_eq!(c(3, Some(&rr(0, 121))).amount, 250.0);
    }

    #[test]
    fn cancellation_reduction_bands() {
        let rs = eu();
        assert_eq!(
            cancellation(rs, Band::B, 0, Some(&rr(30, 180)), None).amount,
            200.0
        );
        assert_eq!(
            cancellation(rs, Band::B, 0, Some(&rr(30, 181)), None).amount,
            400.0
        );
        assert_eq!(
            cancellation(rs, Band::C, 0, Some(&rr(30, 240)), None).amount,
            300.0
        );
        assert_eq!(
            cancellation(rs, Band::C, 0, Some(&rr(30, 241)), None).amount,
            600.0
        );
        assert_eq!(
            cancellation(rs, Band::C, 0, None, Some(Reason::AtcStrike)).code,
            ReasonCode::ExtraordinaryCircumstances
        );
    }

    #[test]
    fn denied_boarding_rules() {
        let rs = eu();
        assert_eq!(
            denied_boarding(rs, Band::A, true, None, None).code,
            ReasonCode::DbVoluntary
        );
        assert_eq!(
            denied_boarding(
                rs,
                Band::A,
                false,
                None,
                Some(Reason::InadequateTravelDocuments)
            )
            .code,
            ReasonCode::DbReasonableGrounds
        );
        // Extraordinary circumstances are no defence (Lassooy).
        assert_eq!(
            denied_boarding(rs, Band::B, false, None, Some(Reason::Weather)).amount,
            400.0
        );
        assert_eq!(
            denied_boarding(rs, Band::A, false, Some(&rr(60, 120)), None).amount,
            125.0
        );
        assert_eq!(
            denied_boarding(rs, Band::A, false, Some(&rr(60, 121)), None).amount,
            250.0
        );
    }

    #[test]
    fn downgrade_percentages() {
        let rs = eu();
        assert_eq!(downgrade(rs, Band::A, 400.0).amount, 120.0);
        assert_eq!(downgrade(rs, Band::B, 400.0).amount, 200.0);
        assert_eq!(downgrade(rs, Band::C, 333.33).amount, 250.0);
    }
}
