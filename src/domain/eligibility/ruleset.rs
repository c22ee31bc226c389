//! Versioned rule sets, keyed by regime and scheduled departure (UTC). Today's sets are
//! Regulation (EC) No 261/2004 (applicable from 17 Feb 2005, Art 19) and its UK-retained
//! version (flights from IP completion day, 2020-12-31T23:00Z, SI 2019/278). A reform (e.g.
//! the Council general approach of 5 June 2025: 4 h / €300, 6 h / €500) is added as a new
//! [`RuleSet`] with a later `in_force_from`; nothing else changes.

use serde::Serialize;

/// A compensation regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Regime {
    #[serde(rename = "EU261")]
    Eu261,
    #[serde(rename = "UK261")]
    Uk261,
}

impl Regime {
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Eu261 => "EU261",
            Regime::Uk261 => "UK261",
        }
    }
}

/// Per-band parameters (Art 7(1)–(2) and *Sturgeon* C-402/07).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandRule {
    /// Art 7(1) fixed amount, in the rule set's currency.
    pub amount: u32,
    /// Arrival delay giving compensation (*Sturgeon*/*Nelson*: 3 h = 180 min, "or more").
    pub min_delay_minutes: i64,
    /// Pure delay below this is paid at the reduced rate (*Sturgeon* para 63, Art 7(2)(c):
    /// band C under 4 h); `None` = no reduction for delays.
    pub delay_reduced_below_minutes: Option<i64>,
    /// Art 7(2): a rerouted arrival that "does not exceed" this many minutes → reduced.
    pub reroute_reduction_max_minutes: i64,
}

/// Art 5(1)(c)(ii)/(iii) rerouting window: departs no more than `max_earlier_minutes`
/// before, and arrives *less than* `arrive_less_than_minutes` after, the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RerouteWindow {
    pub max_earlier_minutes: i64,
    pub arrive_less_than_minutes: i64,
}

/// One version of one regime's fixed-compensation rules.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    pub id: &'static str,
    pub regime: Regime,
    /// First scheduled departure (UTC, Unix seconds) the set applies to.
    pub in_force_from: i64,
    pub currency: &'static str,
    /// Art 7(1)(a): "1500 kilometres or less".
    pub short_max_km: f64,
    /// Art 7(1)(b): "between 1500 and 3500 kilometres" (3500.0 included).
    pub medium_max_km: f64,
    /// Bands A, B, C.
    pub bands: [BandRule; 3],
    /// Art 7(2) reduction in percent.
    pub reduction_percent: u32,
    /// Art 5(1)(c)(i): notice of at least this many days → no compensation.
    pub notice_full_days: i64,
    /// Art 5(1)(c)(ii): notice of at least this many days (and less than `notice_full_days`).
    pub notice_mid_days: i64,
    /// Art 5(1)(c)(ii) window (7–14 days' notice).
    pub mid_notice_window: RerouteWindow,
    /// Art 5(1)(c)(iii) window (less than 7 days' notice).
    pub short_notice_window: RerouteWindow,
    /// Art 10(2) downgrade refund percentages for bands A, B, C.
    pub downgrade_percent: [u32; 3],
}

fn bands_2004(amounts: [u32; 3]) -> [BandRule; 3] {
    [
        BandRule {
            amount: amounts[0],
            min_delay_minutes: 180,
            delay_reduced_below_minutes: None,
            reroute_reduction_max_minutes: 120,
        },
        BandRule {
            amount: amounts[1],
            min_delay_minutes: 180,
            delay_reduced_below_minutes: None,
            reroute_reduction_max_minutes: 180,
        },
        BandRule {
            amount: amounts[2],
            min_delay_minutes: 180,
            delay_reduced_below_minutes: Some(240),
            reroute_reduction_max_minutes: 240,
        },
    ]
}

/// 2005-02-17T00:00Z, Art 19 of Regulation 261/2004.
const EU261_FROM: i64 = 1_108_598_400;
/// 2020-12-31T23:00Z, IP completion day.
pub const UK_EXIT_UTC: i64 = 1_609_455_600;

fn set_2004(
    id: &'static str,
    regime: Regime,
    in_force_from: i64,
    currency: &'static str,
    amounts: [u32; 3],
) -> RuleSet {
    RuleSet {
        id,
        regime,
        in_force_from,
        currency,
        short_max_km: 1500.0,
        medium_max_km: 3500.0,
        bands: bands_2004(amounts),
        reduction_percent: 50,
        notice_full_days: 14,
        notice_mid_days: 7,
        mid_notice_window: RerouteWindow {
            max_earlier_minutes: 120,
            arrive_less_than_minutes: 240,
        },
        short_notice_window: RerouteWindow {
            max_earlier_minutes: 60,
            arrive_less_than_minutes: 120,
        },
        downgrade_percent: [30, 50, 75],
    }
}

fn all_sets() -> &'static [RuleSet] {
    static SETS: std::sync::OnceLock<Vec<RuleSet>> = std::sync::OnceLock::new();
    SETS.get_or_init(|| {
        vec![
            set_2004(
                "EU261-2004",
                Regime::Eu261,
                EU261_FROM,
                "EUR",
                [250, 400, 600],
            ),
            set_2004(
                "UK261-2021",
                Regime::Uk261,
                UK_EXIT_UTC,
                "GBP",
                [220, 350, 520],
            ),
        ]
    })
}

/// The rule set of `regime` in force for a flight scheduled to depart at `departure_utc`
/// (Unix seconds): the latest version whose `in_force_from` is not after the departure.
pub fn ruleset_for(regime: Regime, departure_utc: i64) -> Option<&'static RuleSet> {
    all_sets()
        .iter()
        .filter(|s| s.regime == regime && s.in_force_from <= departure_utc)
        .max_by_key(|s| s.in_force_from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_date() {
        assert!(ruleset_for(Regime::Eu261, EU261_FROM - 1).is_none());
        assert_eq!(
            ruleset_for(Regime::Eu261, EU261_FROM).map(|s| s.id),
            Some("EU261-2004")
        );
        assert!(ruleset_for(Regime::Uk261, UK_EXIT_UTC - 1).is_none());
        let uk = ruleset_for(Regime::Uk261, UK_EXIT_UTC).expect("uk");
        assert_eq!(uk.currency, "GBP");
        assert_eq!(uk.bands.map(|b| b.amount), [220, 350, 520]);
    }
}
