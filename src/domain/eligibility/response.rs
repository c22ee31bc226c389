//! The response document of `eligibility-api.md` ("Response").

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use super::ruleset::Regime;

/// `reason_code` values of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    EligibleDelay,
    EligibleDelayReduced50,
    EligibleCancellation,
    EligibleCancellationReduced50,
    EligibleDeniedBoarding,
    EligibleDeniedBoardingReduced50,
    EligibleDowngradeRefund,
    NotInScope,
    NotInScopeFreeOrNonpublicFare,
    NotInScopeNoConfirmedReservation,
    NotInScopeLateCheckin,
    DelayBelow3h,
    CancellationNotice14dPlus,
    CancellationRerouteWithinLimits,
    ExtraordinaryCircumstances,
    DbVoluntary,
    DbReasonableGrounds,
    SeparateBookingsNoQualifyingLeg,
    TimeBarred,
}

impl ReasonCode {
    pub fn is_eligible(self) -> bool {
        matches!(
            self,
            ReasonCode::EligibleDelay
                | ReasonCode::EligibleDelayReduced50
                | ReasonCode::EligibleCancellation
                | ReasonCode::EligibleCancellationReduced50
                | ReasonCode::EligibleDeniedBoarding
                | ReasonCode::EligibleDeniedBoardingReduced50
                | ReasonCode::EligibleDowngradeRefund
        )
    }

    /// The contract spelling, e.g. `ELIGIBLE_DELAY`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::EligibleDelay => "ELIGIBLE_DELAY",
            ReasonCode::EligibleDelayReduced50 => "ELIGIBLE_DELAY_REDUCED_50",
            ReasonCode::EligibleCancellation => "ELIGIBLE_CANCELLATION",
            ReasonCode::EligibleCancellationReduced50 => "ELIGIBLE_CANCELLATION_REDUCED_50",
            ReasonCode::EligibleDeniedBoarding => "ELIGIBLE_DENIED_BOARDING",
            ReasonCode::EligibleDeniedBoardingReduced50 => "ELIGIBLE_DENIED_BOARDING_REDUCED_50",
            ReasonCode::EligibleDowngradeRefund => "ELIGIBLE_DOWNGRADE_REFUND",
            ReasonCode::NotInScope => "NOT_IN_SCOPE",
            ReasonCode::NotInScopeFreeOrNonpublicFare => "NOT_IN_SCOPE_FREE_OR_NONPUBLIC_FARE",
            ReasonCode::NotInScopeNoConfirmedReservation => "NOT_IN_SCOPE_NO_CONFIRMED_RESERVATION",
            ReasonCode::NotInScopeLateCheckin => "NOT_IN_SCOPE_LATE_CHECKIN",
            ReasonCode::DelayBelow3h => "DELAY_BELOW_3H",
            ReasonCode::CancellationNotice14dPlus => "CANCELLATION_NOTICE_14D_PLUS",
            ReasonCode::CancellationRerouteWithinLimits => "CANCELLATION_REROUTE_WITHIN_LIMITS",
            ReasonCode::ExtraordinaryCircumstances => "EXTRAORDINARY_CIRCUMSTANCES",
            ReasonCode::DbVoluntary => "DB_VOLUNTARY",
            ReasonCode::DbReasonableGrounds => "DB_REASONABLE_GROUNDS",
            ReasonCode::SeparateBookingsNoQualifyingLeg => "SEPARATE_BOOKINGS_NO_QUALIFYING_LEG",
            ReasonCode::TimeBarred => "TIME_BARRED",
        }
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A money amount: whole numbers serialize as integers (`250`), others as decimals (`120.5`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Amount(pub f64);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[allow(clippy::cast_possible_truncation)]
        if self.0.fract() == 0.0 && self.0.abs() < 1e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

/// A second regime that also applies (EU→UK on a UK carrier, UK→EU on an EU carrier).
/// Never paid on top of the main one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    pub regime: Regime,
    pub amount: Amount,
    pub currency: String,
}

/// Regime field: `"EU261"`, `"UK261"` or `"none"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegimeField(pub Option<Regime>);

impl Serialize for RegimeField {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.map_or("none", Regime::as_str))
    }
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EligibilityResponse {
    pub eligible: bool,
    pub regime: RegimeField,
    /// Per passenger; 0 when not eligible.
    pub amount: Amount,
    /// `EUR`, `GBP` (or the ticket currency for downgrade refunds); `null` when not eligible.
    pub currency: Option<String>,
    pub reason_code: ReasonCode,
    /// The unreduced Art 7 amount, when a 50 % reduction was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_amount: Option<u32>,
    pub distance_km: f64,
    /// Downgrades only (Art 10(2)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_percent: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
    /// `true` when `alternatives` is not empty: claim once (each regime excludes passengers
    /// compensated under the other).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_cumulation: bool,
    /// Operating carrier that owes the claim (Art 3(5)); `null` when nothing is owed.
    pub liable_carrier: Option<String>,
    /// Last day to file in `forum_country`, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
    pub explanation: String,
}
