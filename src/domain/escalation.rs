//! Where a claim goes after the airline: which national enforcement body (NEB) is competent
//! (Art 16 of Regulation (EC) No 261/2004), which court may hear it (Rehder C-204/08,
//! flightright C-274/16, the carrier's seat under Art 4 of Regulation (EU) No 1215/2012), and
//! whether the case is cross-border in the sense of the European Small Claims Procedure
//! (Art 3 of Regulation (EC) No 861/2007). Pure functions over country codes; the reference
//! data (`crate::refdata`) gives the statuses and the bodies.

use serde::Serialize;

use crate::refdata::TerritoryStatus;

/// An airport's country and how EU261/UK261 sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place<'a> {
    /// ISO 3166-1 alpha-2 (outermost regions have their own: `RE`, `GP`…).
    pub country: &'a str,
    pub status: TerritoryStatus,
}

/// The French outermost regions with an ISO code of their own: France's NEB and courts.
const FRENCH_REGIONS: [&str; 6] = ["GP", "MQ", "GF", "RE", "YT", "MF"];

/// The state a territory belongs to for enforcement and courts (`RE` → `FR`).
pub fn state_of(country: &str) -> String {
    let c = country.trim().to_ascii_uppercase();
    if FRENCH_REGIONS.contains(&c.as_str()) {
        "FR".to_owned()
    } else {
        c
    }
}

fn applies_261(status: TerritoryStatus) -> bool {
    matches!(
        status,
        TerritoryStatus::Eu | TerritoryStatus::Eea | TerritoryStatus::Ch
    )
}

/// The country whose NEB is competent for the flight of a claim under `regime` (`EU261` or
/// `UK261`), from the disrupted flight's departure and arrival:
/// * UK261: the UK Civil Aviation Authority (`GB`);
/// * EU261, departure from a state applying the Regulation (EU, EEA, Switzerland): that state
///   (Art 16(1): "flights from airports situated on its territory");
/// * EU261, departure from a third country into such a state: the state of arrival;
/// * otherwise none (the Regulation gives no NEB).
pub fn competent_neb_country(
    regime: &str,
    departure: Place<'_>,
    arrival: Place<'_>,
) -> Option<String> {
    if regime.eq_ignore_ascii_case("UK261") {
        return Some("GB".to_owned());
    }
    if applies_261(departure.status) {
        Some(state_of(departure.country))
    } else if applies_261(arrival.status) {
        Some(state_of(arrival.country))
    } else {
        None
    }
}

/// Why a court has jurisdiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForumGround {
    /// Place of departure of the contract of carriage (Rehder C-204/08; for connecting flights
    /// the first departure, flightright C-274/16).
    Departure,
    /// Place of arrival (same case law; for connecting flights the final destination).
    Arrival,
    /// The carrier's seat (Art 4(1) Brussels I bis: the defendant's domicile).
    CarrierSeat,
}

/// The court's state chosen for a claim and what that means for the papers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forum {
    /// ISO 3166-1 alpha-2 of the court's state (`FR`, `GB` = England & Wales…).
    pub country: String,
    pub ground: ForumGround,
    /// Every ground that points at this state (a domestic flight: departure and arrival).
    pub grounds: Vec<ForumGround>,
    /// A party resides or is seated in another state than the court's (Art 3(1) 861/2007).
    pub cross_border: bool,
}

/// The facts the forum depends on.
#[derive(Debug, Clone, Copy)]
pub struct ForumFacts<'a> {
    /// First departure of the booking (not of the disrupted leg: flightright C-274/16).
    pub first_departure: &'a str,
    /// Final destination of the booking.
    pub final_arrival: &'a str,
    /// Licensing state of the operating carrier (its seat), when known.
    pub carrier_seat: Option<&'a str>,
    /// Where the passenger lives, when known.
    pub passenger_residence: Option<&'a str>,
}

/// The candidate states with their grounds, in order: departure, arrival, carrier's seat.
pub fn forum_options(facts: &ForumFacts<'_>) -> Vec<(String, ForumGround)> {
    let mut out = vec![
        (state_of(facts.first_departure), ForumGround::Departure),
        (state_of(facts.final_arrival), ForumGround::Arrival),
    ];
    if let Some(seat) = facts.carrier_seat.filter(|s| !s.trim().is_empty()) {
        out.push((state_of(seat), ForumGround::CarrierSeat));
    }
    out
}

/// The forum in `country` (one of the options) for these facts.
fn forum_at(facts: &ForumFacts<'_>, options: &[(String, ForumGround)], country: &str) -> Forum {
    let grounds: Vec<ForumGround> = options
        .iter()
        .filter(|(c, _)| c == country)
        .map(|(_, g)| *g)
        .collect();
    let other = |c: Option<String>| c.is_some_and(|c| c != country);
    let cross_border =
        other(facts.passenger_residence.map(state_of)) || other(facts.carrier_seat.map(state_of));
    Forum {
        country: country.to_owned(),
        ground: grounds.first().copied().unwrap_or(ForumGround::Departure),
        grounds,
        cross_border,
    }
}

/// The forum to propose: the passenger's own state when one of the grounds points there (the
/// court nearest to them), else the place of departure. Cross-border when the passenger or the
/// carrier is in another state than the court's; an unknown residence counts as the court's.
pub fn choose_forum(facts: &ForumFacts<'_>) -> Forum {
    let options = forum_options(facts);
    let residence = facts.passenger_residence.map(state_of);
    let chosen = residence
        .as_ref()
        .and_then(|r| options.iter().find(|(c, _)| c == r))
        .unwrap_or(&options[0])
        .0
        .clone();
    forum_at(facts, &options, &chosen)
}

/// The proposed forum ([`choose_forum`]) if we have papers for it, else the first other
/// competent forum we have papers for (a Spaniard flying Madrid → Paris on a Spanish carrier:
/// no Spanish template, but the court of arrival in France takes Form A), else `None`.
pub fn forum_with_papers(facts: &ForumFacts<'_>) -> Option<(Forum, CourtPapers)> {
    let first = choose_forum(facts);
    if let Some(p) = court_papers(&first) {
        return Some((first, p));
    }
    let options = forum_options(facts);
    options.iter().find_map(|(country, _)| {
        let f = forum_at(facts, &options, country);
        court_papers(&f).map(|p| (f, p))
    })
}

/// Which court papers fit a forum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtPapers {
    /// European Small Claims Procedure, Form A (Annex I of Regulation (EC) No 861/2007):
    /// cross-border cases before an EU court other than Denmark's.
    EscpFormA,
    /// France, domestic: a statement of claim before the tribunal judiciaire (small claims).
    FrenchStatement,
    /// England & Wales: particulars of claim (County Court, small claims track).
    EnglishParticulars,
}

/// EU member states bound by Regulation 861/2007 (all but Denmark).
const ESCP_STATES: [&str; 26] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
    "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// The papers for `forum`, or `None` when we have no template (a domestic case outside France
/// and England & Wales, or a court outside the ESCP).
pub fn court_papers(forum: &Forum) -> Option<CourtPapers> {
    match forum.country.as_str() {
        "GB" => Some(CourtPapers::EnglishParticulars),
        c if forum.cross_border && ESCP_STATES.contains(&c) => Some(CourtPapers::EscpFormA),
        "FR" => Some(CourtPapers::FrenchStatement),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TerritoryStatus::{Ch, Eea, Eu, Oct, Other, Uk};

    fn p(country: &str, status: TerritoryStatus) -> Place<'_> {
        Place { country, status }
    }

    #[test]
    fn the_competent_neb() {
        let table = [
            // regime, from, to, expected
            ("EU261", p("FR", Eu), p("FR", Eu), Some("FR")),
            ("EU261", p("DE", Eu), p("ES", Eu), Some("DE")),
            ("EU261", p("ES", Eu), p("DE", Eu), Some("ES")),
            ("EU261", p("FR", Eu), p("US", Other), Some("FR")),
            ("EU261", p("US", Other), p("FR", Eu), Some("FR")),
            ("EU261", p("MA", Other), p("NO", Eea), Some("NO")),
            ("EU261", p("CH", Ch), p("TR", Other), Some("CH")),
            ("EU261", p("RE", Eu), p("FR", Eu), Some("FR")),
            ("EU261", p("US", Other), p("GP", Eu), Some("FR")),
            ("EU261", p("PF", Oct), p("FR", Eu), Some("FR")),
            ("EU261", p("US", Other), p("TR", Other), None),
            // A flight from the UK to the EU on an EU carrier: the state of arrival.
            ("EU261", p("GB", Uk), p("IE", Eu), Some("IE")),
            ("UK261", p("GB", Uk), p("ES", Eu), Some("GB")),
            ("UK261", p("ES", Eu), p("GB", Uk), Some("GB")),
            ("uk261", p("US", Other), p("GB", Uk), Some("GB")),
        ];
        for (regime, from, to, want) in table {
            assert_eq!(
                competent_neb_country(regime, from, to).as_deref(),
                want,
                "{regime} {from:?} → {to:?}"
            );
        }
    }

    fn facts(
        from: &'static str,
        to: &'static str,
        seat: Option<&'static str>,
        home: Option<&'static str>,
    ) -> ForumFacts<'static> {
        ForumFacts {
            first_departure: from,
            final_arrival: to,
            carrier_seat: seat,
            passenger_residence: home,
        }
    }

    /// `from to seat home => country ground cross papers`; `-` = unknown / none.
    const FORUMS: &[&str] = &[
        "FR FR FR FR => FR departure domestic french",
        "FR US FR FR => FR departure domestic french",
        // A Parisian on a Lufthansa flight from Munich to Nice sues at home (arrival).
        "DE FR DE FR => FR arrival cross escp",
        // Cross-border DE → ES: a French resident, departure court in Germany.
        "DE ES DE FR => DE departure cross escp",
        // Same flight, a Spanish resident: the arrival court at home, carrier abroad.
        "DE ES DE ES => ES arrival cross escp",
        // Home state is only the carrier's seat: sue the carrier at home (domestic there).
        "ES US IE IE => IE carrier_seat domestic -",
        "ES US FR FR => FR carrier_seat domestic french",
        // Domestic German case: no template.
        "DE DE DE DE => DE departure domestic -",
        // Unknown residence: departure, cross-border through the carrier.
        "FR IT IE - => FR departure cross escp",
        // Réunion is France.
        "RE FR FR RE => FR departure domestic french",
        // UK: England & Wales particulars, cross-border or not.
        "GB ES GB GB => GB departure domestic english",
        "ES GB ES GB => GB arrival cross english",
        "GB GB GB GB => GB departure domestic english",
        // Denmark is outside the ESCP.
        "DK FR DK SE => DK departure cross -",
    ];

    #[test]
    fn the_forum_and_the_papers() {
        let opt = |s: &'static str| (s != "-").then_some(s);
        for row in FORUMS {
            let (given, want) = row.split_once(" => ").unwrap();
            let g: Vec<&str> = given.split(' ').collect();
            let w: Vec<&str> = want.split(' ').collect();
            let f = choose_forum(&facts(g[0], g[1], opt(g[2]), opt(g[3])));
            let papers = court_papers(&f).map(|p| match p {
                CourtPapers::EscpFormA => "escp",
                CourtPapers::FrenchStatement => "french",
                CourtPapers::EnglishParticulars => "english",
            });
            let ground = serde_json::to_value(f.ground).unwrap();
            assert_eq!(
                (
                    f.country.as_str(),
                    ground.as_str().unwrap(),
                    f.cross_border,
                    papers
                ),
                (w[0], w[1], w[2] == "cross", opt(w[3])),
                "{row}"
            );
        }
        // The home court has no template: the court of arrival abroad takes Form A.
        let (f, p) = forum_with_papers(&facts("ES", "FR", Some("ES"), Some("ES"))).unwrap();
        assert_eq!(
            (f.country.as_str(), f.ground, f.cross_border, p),
            ("FR", ForumGround::Arrival, true, CourtPapers::EscpFormA)
        );
        let (f, _) = forum_with_papers(&facts("DE", "ES", Some("DE"), Some("FR"))).unwrap();
        assert_eq!(f.country, "DE", "the proposed forum when it has papers");
        assert!(forum_with_papers(&facts("DE", "DE", Some("DE"), Some("DE"))).is_none());
        let f = choose_forum(&facts("FR", "FR", Some("FR"), Some("FR")));
        assert_eq!(
            f.grounds,
            vec![
                ForumGround::Departure,
                ForumGround::Arrival,
                ForumGround::CarrierSeat
            ]
        );
    }
}
