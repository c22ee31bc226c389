//! `/admin/analytics`: charts over a date range — claims per week by status, by airline, by
//! route, by disruption type, approval rate by airline, money flow. Drawn as SVG by
//! [`super::charts`]; each chart's data is also printed as a table.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use rocket::http::Status;
use rocket::{State, get};
use serde::Serialize;

use super::auth::StaffSession;
use super::charts::{self, Caption, Series};
use super::overview::money_text;
use super::stats_cache::StatsCache;
use crate::db::stats::{self, Count, Money, Outcomes, TopColumn};
use crate::db::{Db, DbError};
use crate::domain::claim::ClaimStatus;
use crate::i18n::{Locale, translate};
use crate::refdata::RefData;
use crate::web::AppError;
use crate::web::render::Page;

/// Default range: this many days up to today.
const DEFAULT_DAYS: i64 = 182;
/// Longest range accepted (about three years).
const MAX_DAYS: i64 = 1_100;
const TOP: u32 = 10;

/// Everything the charts need for one range; cached for a minute per range.
#[derive(Debug, Clone)]
pub struct AnalyticsData {
    weeks: Vec<String>,
    /// Per status (order of `ClaimStatus::ALL`), per week.
    weekly: Vec<Vec<u64>>,
    airlines: Vec<Count>,
    routes: Vec<Count>,
    disruptions: Vec<Count>,
    approval: Vec<(String, Outcomes)>,
    money: Vec<Money>,
    outcomes: Outcomes,
}

/// Why the range in the query was refused (a translation key).
fn parse_range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), &'static str> {
    let parse = |v: Option<&str>, default: NaiveDate| match v.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) if text.len() == 10 => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|d| (2000..=2100).contains(&d.year()))
            .ok_or("admin.analytics.error.date"),
        Some(_) => Err("admin.analytics.error.date"),
    };
    let to = parse(to, today)?;
    let from = parse(from, to - Duration::days(DEFAULT_DAYS))?;
    if from > to {
        return Err("admin.analytics.error.order");
    }
    if (to - from).num_days() > MAX_DAYS {
        return Err("admin.analytics.error.span");
    }
    Ok((from, to))
}

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn load(
    conn: &rusqlite::Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<AnalyticsData, DbError> {
    let start = format!("{from}T00:00:00Z");
    let end = format!("{}T00:00:00Z", to + Duration::days(1));
    let mut weeks = Vec::new();
    let mut w = monday(from);
    while w <= to {
        weeks.push(w.to_string());
        w += Duration::days(7);
    }
    let mut weekly = vec![vec![0u64; weeks.len()]; ClaimStatus::ALL.len()];
    for (week, status, count) in stats::weekly_by_status(conn, &start, &end)? {
        let (Ok(i), Some(k)) = (
            weeks.binary_search(&week),
            ClaimStatus::ALL.iter().position(|s| s.as_str() == status),
        ) else {
            continue;
        };
        weekly[k][i] = u64::try_from(count).unwrap_or(0);
    }
    let mut approval = stats::outcomes_by_airline(conn, &start, &end)?;
    approval.sort_by_key(|(code, o)| (-(o.approved + o.rejected), code.clone()));
    approval.truncate(TOP as usize);
    let (money, outcomes) = stats::money_and_outcomes(conn, &start, &end)?;
    Ok(AnalyticsData {
        weeks,
        weekly,
        airlines: stats::top(conn, TopColumn::Airline, &start, &end, TOP)?,
        routes: stats::top(conn, TopColumn::Route, &start, &end, TOP)?,
        disruptions: stats::top(conn, TopColumn::Disruption, &start, &end, TOP)?,
        approval,
        money,
        outcomes,
    })
}

fn airline_name(code: &str) -> String {
    match RefData::embedded().airline(code) {
        Some(a) => format!("{} ({code})", a.name),
        None if code.is_empty() => "—".into(),
        None => code.to_string(),
    }
}

#[derive(Serialize)]
struct Chart {
    id: &'static str,
    title: String,
    svg: String,
    /// Column headings and rows of the data table.
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn count_rows(items: &[Count], label: impl Fn(&str) -> String) -> Vec<(String, u64, String)> {
    items
        .iter()
        .map(|c| {
            let n = u64::try_from(c.count).unwrap_or(0);
            (label(&c.label), n, n.to_string())
        })
        .collect()
}

fn bar_chart(
    id: &'static str,
    lang: &str,
    key: &str,
    head: &str,
    rows: Vec<(String, u64, String)>,
) -> Chart {
    let title = translate(lang, &format!("admin.analytics.{key}.title"), &[]);
    let desc = translate(lang, &format!("admin.analytics.{key}.desc"), &[]);
    let svg = charts::horizontal_bars(
        &Caption {
            id,
            title: &title,
            desc: &desc,
        },
        &rows,
    );
    Chart {
        id,
        title,
        svg,
        head: vec![
            translate(lang, head, &[]),
            translate(lang, "admin.analytics.count", &[]),
        ],
        rows: rows.into_iter().map(|(l, _, v)| vec![l, v]).collect(),
    }
}

#[allow(clippy::too_many_lines)]
fn build_charts(data: &AnalyticsData, lang: &str) -> Vec<Chart> {
    let status_name =
        |s: ClaimStatus| translate(lang, &format!("claims.status.{}", s.as_str()), &[]);
    let series: Vec<Series> = ClaimStatus::ALL
        .iter()
        .zip(&data.weekly)
        .map(|(s, values)| Series {
            name: status_name(*s),
            values: values.clone(),
        })
        .collect();
    let title = translate(lang, "admin.analytics.weekly.title", &[]);
    let desc = translate(lang, "admin.analytics.weekly.desc", &[]);
    let weekly = Chart {
        id: "chart-weekly",
        svg: charts::stacked_bars(
            &Caption {
                id: "chart-weekly",
                title: &title,
                desc: &desc,
            },
            &data.weeks,
            &series,
        ),
        title,
        head: std::iter::once(translate(lang, "admin.analytics.week", &[]))
            .chain(ClaimStatus::ALL.iter().map(|s| status_name(*s)))
            .collect(),
        rows: data
            .weeks
            .iter()
            .enumerate()
            .map(|(i, w)| {
                std::iter::once(w.clone())
                    .chain(data.weekly.iter().map(|v| v[i].to_string()))
                    .collect()
            })
            .collect(),
    };
    let approval_rows: Vec<(String, u64, String)> = data
        .approval
        .iter()
        .map(|(code, o)| {
            let pct = o.approval_percent().unwrap_or(0);
            let decided = o.approved + o.rejected;
            (
                airline_name(code),
                u64::try_from(pct).unwrap_or(0),
                format!("{pct} % ({}/{decided})", o.approved),
            )
        })
        .collect();
    let mut flow = Vec::new();
    for m in &data.money {
        for (key, cents) in [
            ("claimed", m.claimed_cents),
            ("approved", m.approved_cents),
            ("paid", m.paid_cents),
        ] {
            flow.push((
                format!(
                    "{} · {}",
                    translate(lang, &format!("admin.money.{key}"), &[]),
                    m.currency
                ),
                u64::try_from(cents / 100).unwrap_or(0),
                money_text(cents, &m.currency, lang),
            ));
        }
    }
    vec![
        weekly,
        bar_chart(
            "chart-airlines",
            lang,
            "airlines",
            "admin.analytics.airline",
            count_rows(&data.airlines, airline_name),
        ),
        bar_chart(
            "chart-routes",
            lang,
            "routes",
            "admin.analytics.route",
            count_rows(&data.routes, str::to_string),
        ),
        bar_chart(
            "chart-disruptions",
            lang,
            "disruptions",
            "admin.analytics.disruption",
            count_rows(&data.disruptions, |d| {
                translate(lang, &format!("admin.disruption.{d}"), &[])
            }),
        ),
        bar_chart(
            "chart-approval",
            lang,
            "approval",
            "admin.analytics.airline",
            approval_rows,
        ),
        bar_chart("chart-money", lang, "money", "admin.analytics.stage", flow),
    ]
}

#[get("/admin/analytics?<from>&<to>")]
pub async fn get_admin_analytics(
    staff: StaffSession,
    from: Option<&str>,
    to: Option<&str>,
    locale: Locale,
    db: &State<Db>,
    cache: &State<StatsCache>,
) -> Result<Page, AppError> {
    let lang = locale.as_str();
    let today = Utc::now().date_naive();
    let (range, error) = match parse_range(from, to, today) {
        Ok(r) => (r, None),
        Err(key) => (
            parse_range(None, None, today).map_err(|_| AppError::BadRequest)?,
            Some(translate(lang, key, &[])),
        ),
    };
    let key = (range.0.to_string(), range.1.to_string());
    let (f, t) = range;
    let data = cache.analytics.get(key, db, move |c| load(c, f, t)).await?;
    let charts = build_charts(&data, lang);
    // The values typed are echoed back (escaped by the template) so they can be corrected.
    let shown_from = if error.is_some() {
        from.unwrap_or("").chars().take(40).collect()
    } else {
        range.0.to_string()
    };
    let shown_to = if error.is_some() {
        to.unwrap_or("").chars().take(40).collect()
    } else {
        range.1.to_string()
    };
    let page = Page::new("admin/analytics.html")
        .with("staff", &staff.user.name_or_email())
        .with("is_admin", &staff.is_admin())
        .with("charts", &charts)
        .with("from", &shown_from)
        .with("to", &shown_to)
        .with("range_from", &range.0.to_string())
        .with("range_to", &range.1.to_string())
        .with("total", &data.weekly.iter().flatten().sum::<u64>())
        .with("approval_percent", &data.outcomes.approval_percent())
        .with("error", &error);
    Ok(if error.is_some() {
        page.status(Status::BadRequest)
    } else {
        page
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ranges() {
        let today = day("2026-11-25");
        assert_eq!(
            parse_range(None, None, today),
            Ok((day("2026-05-27"), today))
        );
        assert_eq!(
            parse_range(Some("2026-01-01"), Some("2026-02-01"), today),
            Ok((day("2026-01-01"), day("2026-02-01")))
        );
        for bad in [
            "2026-13-01",
            "<script>",
            "99999999999",
            "-1",
            "2026-1-1",
            "1800-01-01",
        ] {
            assert_eq!(
                parse_range(Some(bad), None, today),
                Err("admin.analytics.error.date"),
                "{bad}"
            );
        }
        assert_eq!(
            parse_range(Some("2026-02-01"), Some("2026-01-01"), today),
            Err("admin.analytics.error.order")
        );
        assert_eq!(
            parse_range(Some("2010-02-01"), Some("2026-01-01"), today),
            Err("admin.analytics.error.span")
        );
    }

    #[test]
    fn mondays() {
        assert_eq!(monday(day("2026-11-25")), day("2026-11-23"));
        assert_eq!(monday(day("2026-11-23")), day("2026-11-23"));
        assert_eq!(monday(day("2026-11-29")), day("2026-11-23"));
    }
}
