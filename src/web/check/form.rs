//! The checker's form as posted: every value is kept as typed (strings), so that a page with
//! errors shows exactly what the passenger wrote. Validation lives in `flights` and `details`.

use rocket::FromForm;
use serde::Serialize;

/// Most flights the checker asks about (a request may hold more, but a passenger's
/// itinerary rarely does, and the page must stay short on a phone).
pub const MAX_UI_LEGS: usize = 4;

/// One flight as typed in step 1.
#[derive(Debug, Clone, Default, FromForm)]
pub struct LegForm {
    pub flight: Option<String>,
    pub date: Option<String>,
    /// What was typed in the airport field (or the widget's label).
    pub from: Option<String>,
    /// IATA code written by the combobox widget, or by the server once resolved.
    pub from_iata: Option<String>,
    /// Radio choice offered when the typed text matched several airports.
    pub from_choice: Option<String>,
    pub to: Option<String>,
    pub to_iata: Option<String>,
    pub to_choice: Option<String>,
    pub dep_time: Option<String>,
    pub arr_time: Option<String>,
    /// The operating carrier's IATA code, asked when the flight number's designator is sold
    /// by several licences (`RefData::airline_group`).
    pub operated_by: Option<String>,
}

/// Hours and minutes of one flight's arrival delay (separate bookings).
#[derive(Debug, Clone, Default, FromForm)]
pub struct DelayForm {
    pub h: Option<String>,
    pub m: Option<String>,
}

/// The whole form; each step shows some fields and carries the others as hidden inputs.
#[derive(Debug, Clone, Default, FromForm)]
pub struct CheckForm {
    /// The step the form was posted from: `flights`, `what` or `details`.
    pub step: Option<String>,
    /// The button pressed: `next` (default), `back`, `add_leg`, `remove_leg`.
    pub action: Option<String>,
    /// `single` or `separate` (only asked with connections).
    pub booking: Option<String>,
    pub legs: Vec<LegForm>,
    /// `delay`, `cancellation`, `denied_boarding` or `downgrade`.
    pub what: Option<String>,
    pub delay_h: Option<String>,
    pub delay_m: Option<String>,
    pub leg_delays: Vec<DelayForm>,
    /// 0-based index of the affected flight (with connections).
    pub disrupted_leg: Option<String>,
    pub notice_days: Option<String>,
    /// `yes` / `no`: was another flight offered?
    pub reroute: Option<String>,
    /// `earlier` / `later`: the new flight's departure compared with the original.
    pub reroute_dep_dir: Option<String>,
    pub reroute_dep_h: Option<String>,
    pub reroute_dep_m: Option<String>,
    pub reroute_arr_h: Option<String>,
    pub reroute_arr_m: Option<String>,
    /// `yes` / `no`: did the passenger give up the seat voluntarily?
    pub voluntary: Option<String>,
    /// A contract `reason` value, or `unknown`.
    pub reason: Option<String>,
    pub booked_class: Option<String>,
    pub flown_class: Option<String>,
    /// `flight` (price of this flight alone) or `ticket` (whole ticket).
    pub price_kind: Option<String>,
    pub price: Option<String>,
    pub currency: Option<String>,
}

/// The trimmed value of an optional form string ("" when absent).
pub fn val(v: &Option<String>) -> &str {
    v.as_deref().map_or("", str::trim)
}

/// One message next to a field, and in the error summary linking to `#id` (there it may
/// say which flight it is about).
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub id: String,
    pub message: String,
    pub summary: String,
}

/// The errors of one page, in page order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, id: impl Into<String>, message: impl Into<String>) {
        let id = id.into();
        if self.get(&id).is_none() {
            let message = message.into();
            self.0.push(FieldError {
                id,
                summary: message.clone(),
                message,
            });
        }
    }

    /// With connections, the summary names the flight of each `leg{i}-…` field.
    pub fn name_flights(&mut self, lang: &str) {
        for e in &mut self.0 {
            let leg =
                e.id.strip_prefix("leg")
                    .and_then(|rest| rest.split('-').next())
                    .and_then(|i| i.parse::<usize>().ok());
            if let Some(i) = leg {
                let n = (i + 1).to_string();
                e.summary = crate::i18n::translate(
                    lang,
                    "check.error.leg_prefix",
                    &[("n", &n), ("message", &e.message)],
                );
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a template needs to draw one input: its id, name, value as typed and its error.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub id: String,
    pub name: String,
    pub value: String,
    pub error: Option<String>,
}

impl Field {
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        value: &str,
        errors: &Errors,
    ) -> Field {
        let id = id.into();
        let error = errors.get(&id).map(str::to_string);
        Field {
            id,
            name: name.into(),
            value: value.to_string(),
            error,
        }
    }

    /// A field whose form name is also its id.
    pub fn simple(name: &str, value: &Option<String>, errors: &Errors) -> Field {
        Field::new(name.replace('_', "-"), name, val(value), errors)
    }
}

/// A hidden input carrying an earlier answer to the next step.
#[derive(Debug, Clone, Serialize)]
pub struct Hidden {
    pub name: String,
    pub value: String,
}

impl CheckForm {
    /// The `(name, value)` pairs of the flights step (step 1), in form order.
    pub fn flight_pairs(&self) -> Vec<Hidden> {
        let mut out = Vec::new();
        let mut push = |name: String, value: &str| {
            if !value.is_empty() {
                out.push(Hidden {
                    name,
                    value: value.to_string(),
                });
            }
        };
        push("booking".into(), val(&self.booking));
        for (i, leg) in self.legs.iter().enumerate() {
            for (key, v) in [
                ("flight", &leg.flight),
                ("date", &leg.date),
                ("from", &leg.from),
                ("from_iata", &leg.from_iata),
                ("to", &leg.to),
                ("to_iata", &leg.to_iata),
                ("dep_time", &leg.dep_time),
                ("arr_time", &leg.arr_time),
                ("operated_by", &leg.operated_by),
            ] {
                push(format!("legs[{i}].{key}"), val(v));
            }
        }
        out
    }

    /// The pairs of the "what happened" step (step 2).
    pub fn what_pairs(&self) -> Vec<Hidden> {
        let what = val(&self.what);
        if what.is_empty() {
            return Vec::new();
        }
        vec![Hidden {
            name: "what".into(),
            value: what.to_string(),
        }]
    }

    /// The pairs of the details step (step 3), so that going back keeps them.
    pub fn detail_pairs(&self) -> Vec<Hidden> {
        let mut out = Vec::new();
        let mut push = |name: String, value: &str| {
            if !value.is_empty() {
                out.push(Hidden {
                    name,
                    value: value.to_string(),
                });
            }
        };
        for (name, v) in [
            ("delay_h", &self.delay_h),
            ("delay_m", &self.delay_m),
            ("disrupted_leg", &self.disrupted_leg),
            ("notice_days", &self.notice_days),
            ("reroute", &self.reroute),
            ("reroute_dep_dir", &self.reroute_dep_dir),
            ("reroute_dep_h", &self.reroute_dep_h),
            ("reroute_dep_m", &self.reroute_dep_m),
            ("reroute_arr_h", &self.reroute_arr_h),
            ("reroute_arr_m", &self.reroute_arr_m),
            ("voluntary", &self.voluntary),
            ("reason", &self.reason),
            ("booked_class", &self.booked_class),
            ("flown_class", &self.flown_class),
            ("price_kind", &self.price_kind),
            ("price", &self.price),
            ("currency", &self.currency),
        ] {
            push(name.to_string(), val(v));
        }
        for (i, d) in self.leg_delays.iter().enumerate() {
            push(format!("leg_delays[{i}].h"), val(&d.h));
            push(format!("leg_delays[{i}].m"), val(&d.m));
        }
        out
    }
}
