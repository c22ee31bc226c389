//! Extraordinary circumstances (Art 5(3), recitals 14–15): the airline's stated cause mapped
//! to "extraordinary or not", with the CJEU authority. The test is *Wallentin-Hermann*
//! C-549/07: an event not inherent in the normal exercise of the carrier's activity and
//! beyond its actual control, which could not have been avoided with all reasonable
//! measures; the carrier bears the burden of proof, so an unknown cause (`null`) or `other`
//! is *not proven* extraordinary.

use serde::{Deserialize, Serialize};

/// The cause given by the airline (`eligibility-api.md`, `reason` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Technical,
    HiddenManufacturingDefect,
    CrewScheduling,
    CrewIllnessOrDeath,
    OwnStaffStrike,
    WildcatStrike,
    AtcStrike,
    AirportStaffStrike,
    AirTrafficManagement,
    Weather,
    BirdStrike,
    Security,
    PoliticalInstability,
    MedicalEmergency,
    UnrulyPassenger,
    Overbooking,
    SeatReallocated,
    CommercialScheduleChange,
    ReschedulingAfterAirportStrike,
    InadequateTravelDocuments,
    HealthOrSafetyRefusal,
    AirportFuelSystemFailure,
    RunwayForeignObject,
    RunwayFuelSpill,
    VolcanicAsh,
    GroundEquipmentCollision,
    Other,
}

impl Reason {
    /// Every accepted value, in contract order.
    pub const ALL: [Reason; 27] = [
        Reason::Technical,
        Reason::HiddenManufacturingDefect,
        Reason::CrewScheduling,
        Reason::CrewIllnessOrDeath,
        Reason::OwnStaffStrike,
        Reason::WildcatStrike,
        Reason::AtcStrike,
        Reason::AirportStaffStrike,
        Reason::AirTrafficManagement,
        Reason::Weather,
        Reason::BirdStrike,
        Reason::Security,
        Reason::PoliticalInstability,
        Reason::MedicalEmergency,
        Reason::UnrulyPassenger,
        Reason::Overbooking,
        Reason::SeatReallocated,
        Reason::CommercialScheduleChange,
        Reason::ReschedulingAfterAirportStrike,
        Reason::InadequateTravelDocuments,
        Reason::HealthOrSafetyRefusal,
        Reason::AirportFuelSystemFailure,
        Reason::RunwayForeignObject,
        Reason::RunwayFuelSpill,
        Reason::VolcanicAsh,
        Reason::GroundEquipmentCollision,
        Reason::Other,
    ];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Technical => "technical",
            Reason::HiddenManufacturingDefect => "hidden_manufacturing_defect",
            Reason::CrewScheduling => "crew_scheduling",
            Reason::CrewIllnessOrDeath => "crew_illness_or_death",
            Reason::OwnStaffStrike => "own_staff_strike",
            Reason::WildcatStrike => "wildcat_strike",
            Reason::AtcStrike => "atc_strike",
            Reason::AirportStaffStrike => "airport_staff_strike",
            Reason::AirTrafficManagement => "air_traffic_management",
            Reason::Weather => "weather",
            Reason::BirdStrike => "bird_strike",
            Reason::Security => "security",
            Reason::PoliticalInstability => "political_instability",
            Reason::MedicalEmergency => "medical_emergency",
            Reason::UnrulyPassenger => "unruly_passenger",
            Reason::Overbooking => "overbooking",
            Reason::SeatReallocated => "seat_reallocated",
            Reason::CommercialScheduleChange => "commercial_schedule_change",
            Reason::ReschedulingAfterAirportStrike => "rescheduling_after_airport_strike",
            Reason::InadequateTravelDocuments => "inadequate_travel_documents",
            Reason::HealthOrSafetyRefusal => "health_or_safety_refusal",
            Reason::AirportFuelSystemFailure => "airport_fuel_system_failure",
            Reason::RunwayForeignObject => "runway_foreign_object",
            Reason::RunwayFuelSpill => "runway_fuel_spill",
            Reason::VolcanicAsh => "volcanic_ash",
            Reason::GroundEquipmentCollision => "ground_equipment_collision",
            Reason::Other => "other",
        }
    }

    /// Strict parse: an unknown value is `None` (the parser turns it into a 400 listing
    /// [`Reason::ALL`] — never a guess).
    pub fn from_str_strict(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Comma-separated list of accepted values, for the error message.
    pub fn accepted_list() -> String {
        let mut out = String::new();
        for (i, r) in Reason::ALL.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(r.as_str());
        }
        out.push_str(", null");
        out
    }

    /// Whether this cause is an extraordinary circumstance excusing Art 7 compensation for
    /// delay and cancellation (never for denied boarding: *Finnair v Lassooy* C-22/11).
    ///
    /// * No: technical faults (*Wallentin-Hermann* C-549/07, *van der Lans* C-257/14), crew
    ///   scheduling, crew illness or death (*TAP Portugal* C-156/22), own-staff strikes
    ///   (*Airhelp v SAS* C-28/20), wildcat strikes (*Krüsemann* C-195/17), overbooking,
    ///   commercial decisions, knock-on rescheduling after an earlier strike (*Lassooy*).
    /// * No either: a collision with airport ground equipment such as a stairs vehicle
    ///   (*Siewert* C-394/14), a premature failure of an "on condition" part (*Finnair*
    ///   C-832/18).
    /// * Yes: a hidden design defect the manufacturer recognises, affecting every aircraft of
    ///   the type and flight safety (*Finnair* C-385/23, 13 June 2024); a general failure of
    ///   the airport's fuel supply system (*SATA International* C-308/21); a foreign object
    ///   (a screw) on the runway damaging a tyre (*Germanwings v Pauels* C-501/17); fuel
    ///   spilled on the runway closing it (*Moens* C-159/18); the closure of airspace after a
    ///   volcanic eruption (`McDonagh` C-12/11); external strikes
    ///   (ATC, airport staff: recital 14), air-traffic-management decisions (recital 15),
    ///   weather incompatible with operation, security risks, political instability
    ///   (recital 14), bird strikes (*Pešková* C-315/15), unruly passengers (*LE v TAP*
    ///   C-74/19), medical emergencies on board forcing a diversion.
    /// * Unknown (`None`) or `other` (a cause the Court has not ruled on): not proven, the
    ///   carrier bears the burden.
    pub fn is_extraordinary(reason: Option<Reason>) -> bool {
        reason.is_some_and(|r| r.authority().0)
    }

    /// `(extraordinary?, authority)` for the explanation text.
    pub fn authority(self) -> (bool, &'static str) {
        match self {
            Reason::Technical => (
                false,
                "Wallentin-Hermann C-549/07, van der Lans C-257/14, Finnair C-832/18",
            ),
            Reason::HiddenManufacturingDefect => (true, "Finnair C-385/23"),
            Reason::AirportFuelSystemFailure => (true, "SATA International C-308/21"),
            Reason::RunwayForeignObject => (true, "Germanwings v Pauels C-501/17"),
            Reason::RunwayFuelSpill => (true, "Moens v Ryanair C-159/18"),
            Reason::VolcanicAsh => (true, "McDonagh v Ryanair C-12/11"),
            Reason::GroundEquipmentCollision => (false, "Siewert v Condor C-394/14"),
            Reason::CrewIllnessOrDeath => (false, "TAP Portugal C-156/22"),
            Reason::OwnStaffStrike => (false, "Airhelp v SAS C-28/20"),
            Reason::WildcatStrike => (false, "Krüsemann v TUIfly C-195/17"),
            Reason::AtcStrike
            | Reason::AirportStaffStrike
            | Reason::PoliticalInstability
            | Reason::Security
            | Reason::Weather
            | Reason::MedicalEmergency => (true, "Art 5(3), recital 14"),
            Reason::AirTrafficManagement => (true, "Art 5(3), recital 15"),
            Reason::BirdStrike => (true, "Pešková C-315/15"),
            Reason::UnrulyPassenger => (true, "LE v TAP C-74/19"),
            Reason::ReschedulingAfterAirportStrike => (false, "Finnair v Lassooy C-22/11"),
            Reason::CrewScheduling
            | Reason::Overbooking
            | Reason::SeatReallocated
            | Reason::CommercialScheduleChange
            | Reason::InadequateTravelDocuments
            | Reason::HealthOrSafetyRefusal
            | Reason::Other => (false, "Wallentin-Hermann C-549/07"),
        }
    }

    /// Art 2(j): reasonable grounds to deny boarding (health, safety or security, inadequate
    /// travel documentation) — then it is not "denied boarding" at all.
    pub fn is_reasonable_ground_for_denial(self) -> bool {
        matches!(
            self,
            Reason::InadequateTravelDocuments | Reason::HealthOrSafetyRefusal | Reason::Security
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert!(!Reason::is_extraordinary(None));
        assert!(!Reason::is_extraordinary(Some(Reason::Other)));
        for r in [
            Reason::Technical,
            Reason::CrewScheduling,
            Reason::CrewIllnessOrDeath,
            Reason::OwnStaffStrike,
            Reason::WildcatStrike,
            Reason::Overbooking,
            Reason::SeatReallocated,
            Reason::CommercialScheduleChange,
            Reason::ReschedulingAfterAirportStrike,
            Reason::GroundEquipmentCollision,
        ] {
            assert!(!Reason::is_extraordinary(Some(r)), "{r:?}");
        }
        for r in [
            Reason::HiddenManufacturingDefect,
            Reason::AtcStrike,
            Reason::AirportStaffStrike,
            Reason::AirTrafficManagement,
            Reason::Weather,
            Reason::BirdStrike,
            Reason::Security,
            Reason::PoliticalInstability,
            Reason::MedicalEmergency,
            Reason::UnrulyPassenger,
            Reason::AirportFuelSystemFailure,
            Reason::RunwayForeignObject,
            Reason::RunwayFuelSpill,
            Reason::VolcanicAsh,
        ] {
            assert!(Reason::is_extraordinary(Some(r)), "{r:?}");
        }
    }

    /// Each cause the Court has ruled on cites its judgment.
    fn cites(r: Reason, case: &str, extraordinary: bool) {
        let (ec, authority) = r.authority();
        assert_eq!(ec, extraordinary, "{r:?}");
        assert!(authority.contains(case), "{r:?}: {authority}");
    }

    #[test]
    fn c_308_21_sata_airport_fuel_system_failure_is_extraordinary() {
        cites(Reason::AirportFuelSystemFailure, "C-308/21", true);
    }

    #[test]
    fn c_501_17_pauels_screw_on_the_runway_is_extraordinary() {
        cites(Reason::RunwayForeignObject, "C-501/17", true);
    }

    #[test]
    fn c_159_18_moens_fuel_on_the_runway_is_extraordinary() {
        cites(Reason::RunwayFuelSpill, "C-159/18", true);
    }

    #[test]
    fn c_315_15_peskova_bird_strike_is_extraordinary() {
        cites(Reason::BirdStrike, "C-315/15", true);
    }

    #[test]
    fn c_12_11_mcdonagh_volcanic_ash_is_extraordinary() {
        cites(Reason::VolcanicAsh, "C-12/11", true);
    }

    #[test]
    fn c_385_23_finnair_hidden_design_defect_is_extraordinary() {
        cites(Reason::HiddenManufacturingDefect, "C-385/23", true);
    }

    #[test]
    fn c_394_14_siewert_stairs_vehicle_collision_is_not_extraordinary() {
        cites(Reason::GroundEquipmentCollision, "C-394/14", false);
    }

    #[test]
    fn c_832_18_finnair_premature_part_failure_is_not_extraordinary() {
        cites(Reason::Technical, "C-832/18", false);
    }

    #[test]
    fn strings_round_trip() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_str_strict(r.as_str()), Some(r));
            let json = serde_json::to_string(&r).expect("ser");
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        assert_eq!(Reason::from_str_strict("TECHNICAL"), None);
        assert!(Reason::accepted_list().contains("bird_strike"));
    }
}
