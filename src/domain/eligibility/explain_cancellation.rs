//! Explanation sentences for cancellations: a flight brought forward by more than an hour
//! is a cancellation (*Airhelp* C-263/20; *Azurair and Others* C-146/20, 21 Dec 2021), with
//! no 50 % cut for a rerouting that arrives without delay; and which condition of Art
//! 5(1)(c)(ii) or (iii) the rerouting offered failed.

use rust_i18n::t;

use super::decide::Decision;
use super::request::{DisruptionType, EligibilityRequest, Reroute};
use super::response::ReasonCode;
use super::ruleset::ruleset_for;

/// A departure more than this many minutes earlier than scheduled makes the flight a
/// cancellation (C-263/20, C-146/20).
pub const BROUGHT_FORWARD_MINUTES: i64 = 60;

/// Adds the cancellation sentences to `parts` (nothing for other disruption types).
pub fn cancellation_sentences(
    parts: &mut Vec<String>,
    d: &Decision<'_>,
    req: &EligibilityRequest,
    lang: &str,
) {
    let dis = &req.disruption;
    if dis.kind != DisruptionType::Cancellation {
        return;
    }
    let Some(Reroute {
        offered: true,
        departure_offset_minutes,
        arrival_delay_minutes: Some(arr),
    }) = dis.reroute.as_ref()
    else {
        return;
    };
    let dep = departure_offset_minutes.unwrap_or(0);
    let brought_forward = dep < -BROUGHT_FORWARD_MINUTES;
    if brought_forward {
        parts.push(
            t!(
                "eligibility.explain.brought_forward",
                locale = lang,
                minutes = -dep
            )
            .into_owned(),
        );
    }
    let notice = dis.notice_days.unwrap_or(0);
    let (Some(regime), Some(first)) = (d.assessed_regime, d.legs[d.unit.0]) else {
        return;
    };
    let Some(rs) = ruleset_for(regime, first.dep_utc) else {
        return;
    };
    let eligible =
        d.code.is_eligible() || (d.code == ReasonCode::TimeBarred && notice < rs.notice_full_days);
    if eligible && notice < rs.notice_full_days {
        let (window, article) = if notice >= rs.notice_mid_days {
            (rs.mid_notice_window, "eligibility.article.art_5_1_c_ii")
        } else {
            (rs.short_notice_window, "eligibility.article.art_5_1_c_iii")
        };
        let article = t!(article, locale = lang);
        if dep < -window.max_earlier_minutes {
            parts.push(
                t!(
                    "eligibility.explain.reroute_failed_departure",
                    locale = lang,
                    article = article,
                    minutes = -dep,
                    limit = window.max_earlier_minutes
                )
                .into_owned(),
            );
        }
        if *arr >= window.arrive_less_than_minutes {
            parts.push(
                t!(
                    "eligibility.explain.reroute_failed_arrival",
                    locale = lang,
                    article = article,
                    minutes = arr,
                    limit = window.arrive_less_than_minutes
                )
                .into_owned(),
            );
        }
    }
    if brought_forward && *arr <= 0 && d.code == ReasonCode::EligibleCancellation {
        parts.push(
            t!(
                "eligibility.explain.brought_forward_no_reduction",
                locale = lang
            )
            .into_owned(),
        );
    }
}
