//! Ranking and robustness tests on the full embedded reference data.

use std::sync::OnceLock;

use super::{AirportIndex, MAX_LIMIT, Resolution, fold};
use crate::refdata::RefData;

/// Built once per test binary: the index is read-only, so sharing it is safe and keeps the
/// suite fast (no lock, nothing mutable).
fn index() -> &'static AirportIndex {
    static INDEX: OnceLock<AirportIndex> = OnceLock::new();
    INDEX.get_or_init(|| AirportIndex::build(RefData::embedded()))
}

fn codes(q: &str, lang: &str, limit: usize) -> Vec<String> {
    index()
        .suggest(q, lang, limit)
        .into_iter()
        .map(|s| s.iata)
        .collect()
}

/// `expected` (in any order) are exactly the first `expected.len()` results.
#[track_caller]
fn assert_top(q: &str, expected: &[&str]) {
    let got = codes(q, "en", 8);
    let mut top: Vec<&str> = got
        .iter()
        .take(expected.len())
        .map(String::as_str)
        .collect();
    let mut want = expected.to_vec();
    top.sort_unstable();
    want.sort_unstable();
    assert_eq!(top, want, "query {q:?} gave {got:?}");
}

/// `first` is the first result.
#[track_caller]
fn assert_first(q: &str, first: &str) {
    assert_top(q, &[first]);
}

#[test]
fn codes_come_first() {
    for (q, code) in [
        ("cdg", "CDG"),
        ("CDG", "CDG"),
        (" Cdg ", "CDG"),
        ("LFPG", "LFPG"),
        ("lfpg", "LFPG"),
        ("egll", "EGLL"),
    ] {
        let first = index().suggest(q, "en", 5).into_iter().next().expect(q);
        assert!(
            first.iata == code || first.icao == code,
            "{q:?} gave {first:?}"
        );
    }
    assert_first("lis", "LIS");
    assert_first("muc", "MUC");
}

#[test]
fn prefixes_of_any_word() {
    assert_first("lisb", "LIS");
    assert_first("heath", "LHR");
    assert_first("gatw", "LGW");
    assert_first("barcel", "BCN");
    assert_first("schiph", "AMS");
    // "franc" is a prefix of France, Francfort (FR for Frankfurt) and (San) Francisco.
    let franc = codes("franc", "fr", 10);
    assert!(franc.contains(&"FRA".to_string()), "{franc:?}");
    assert!(franc.contains(&"SFO".to_string()), "{franc:?}");
}

#[test]
fn several_words() {
    assert_first("paris orly", "ORY");
    assert_first("orly paris", "ORY");
    assert_first("gran canaria", "LPA");
    assert_first("paris charles de gaulle", "CDG");
    assert_first("charles de g", "CDG");
    assert_first("london city", "LCY");
    assert_first("tenerife south", "TFS");
    assert_first("tenerife nor", "TFN");
}

#[test]
fn accents_and_case_are_folded() {
    for q in ["Zürich", "zurich", "ZURICH", "zuerich"] {
        assert_first(q, "ZRH");
    }
    for q in ["Málaga", "malaga", "MALAGA"] {
        assert_first(q, "AGP");
    }
    assert_first("Kraków", "KRK");
    assert_first("krakow", "KRK");
    assert_eq!(
        fold("Zürich-Kloten / ÉDIMBOURG"),
        ["zurich", "kloten", "edimbourg"]
    );
}

#[test]
fn typos_from_four_letters() {
    assert_first("barcelna", "BCN");
    assert_first("barcleona", "BCN");
    assert_first("amsterdma", "AMS");
    assert_first("lisbno", "LIS");
    assert_first("frnakfurt", "FRA");
    // Three letters: no typo tolerance, "xzq" finds nothing rather than noise.
    assert!(codes("xzq", "en", 8).is_empty());
}

#[test]
fn big_airports_before_small_fields() {
    let london = codes("london", "en", 8);
    let lhr = london.iter().position(|c| c == "LHR").expect("LHR");
    let lgw = london.iter().position(|c| c == "LGW").expect("LGW");
    assert!(lhr < 4 && lgw < 4, "{london:?}");
    for small in ["YXU", "OXF", "LCY"] {
        if let Some(p) = london.iter().position(|c| c == small) {
            assert!(p > lhr && p > lgw, "{small} before LHR/LGW: {london:?}");
        }
    }
    assert_first("frankfurt", "FRA");
    let frankfurt = codes("frankfurt", "en", 8);
    assert!(frankfurt.contains(&"HHN".to_string()), "{frankfurt:?}");
    assert_top("paris", &["CDG", "ORY"]);
    assert_top("milan", &["MXP", "LIN"]);
}

#[test]
fn city_airport_and_country_names() {
    assert_first("heathrow", "LHR");
    assert_first("schiphol", "AMS");
    assert_first("fiumicino", "FCO");
    assert_first("orly", "ORY");
    // Country names in English and French.
    for q in ["france", "France", "fra nce"] {
        let got = codes(q, "fr", 8);
        assert!(
            got.contains(&"CDG".to_string()) || q == "fra nce",
            "{q:?}: {got:?}"
        );
    }
    let spain = codes("espagne", "fr", 8);
    assert!(
        spain.contains(&"MAD".to_string()) && spain.contains(&"BCN".to_string()),
        "{spain:?}"
    );
    let germany = codes("allemagne", "fr", 8);
    assert!(germany.contains(&"FRA".to_string()), "{germany:?}");
    let germany = codes("germany", "en", 8);
    assert!(germany.contains(&"MUC".to_string()), "{germany:?}");
}

#[test]
fn curated_city_aliases() {
    let cases: &[(&str, &[&str])] = &[
        ("Londres", &["LHR", "LGW"]),
        ("Munich", &["MUC"]),
        ("München", &["MUC"]),
        ("Copenhague", &["CPH"]),
        ("Kopenhagen", &["CPH"]),
        ("Bruxelles", &["BRU"]),
        ("Brussels", &["BRU"]),
        ("Genève", &["GVA"]),
        ("Geneva", &["GVA"]),
        ("Genf", &["GVA"]),
        ("Lisbonne", &["LIS"]),
        ("Varsovie", &["WAW"]),
        ("Venise", &["VCE"]),
        ("Venice", &["VCE"]),
        ("Rome", &["FCO"]),
        ("Roma", &["FCO"]),
        ("Milan", &["MXP"]),
        ("Milano", &["MXP"]),
        ("Florence", &["FLR"]),
        ("Firenze", &["FLR"]),
        ("Naples", &["NAP"]),
        ("Napoli", &["NAP"]),
        ("Vienne", &["VIE"]),
        ("Wien", &["VIE"]),
        ("Vienna", &["VIE"]),
        ("Prague", &["PRG"]),
        ("Praha", &["PRG"]),
        ("Athènes", &["ATH"]),
        ("Athens", &["ATH"]),
        ("Le Caire", &["CAI"]),
        ("Cairo", &["CAI"]),
        ("Pékin", &["PEK"]),
        ("Beijing", &["PEK"]),
        ("Moscou", &["SVO"]),
        ("Édimbourg", &["EDI"]),
        ("Séville", &["SVQ"]),
        ("Barcelone", &["BCN"]),
        ("Dublin", &["DUB"]),
        ("La Haye", &["RTM"]),
        ("Anvers", &["ANR"]),
        ("Cologne", &["CGN"]),
        ("Köln", &["CGN"]),
        ("Nuremberg", &["NUE"]),
        ("Nürnberg", &["NUE"]),
        ("Bâle", &["BSL"]),
        ("Basel", &["BSL"]),
        ("Zurich", &["ZRH"]),
        ("Zürich", &["ZRH"]),
        ("Cracovie", &["KRK"]),
        ("Bucarest", &["OTP"]),
        ("Tenerife", &["TFS", "TFN"]),
        ("Majorque", &["PMI"]),
        ("Palma", &["PMI"]),
        ("Francfort", &["FRA"]),
    ];
    for (q, want) in cases {
        let got = codes(q, "fr", 8);
        for code in *want {
            assert!(
                got.iter().take(3).any(|c| c == code),
                "{q:?} → {got:?}, wanted {code} in the top 3"
            );
        }
    }
    // Moscow has three big airports; the alias finds them all.
    let moscow = codes("moscou", "fr", 8);
    for code in ["SVO", "DME", "VKO"] {
        assert!(moscow.contains(&code.to_string()), "{moscow:?}");
    }
}

#[test]
fn labels_are_localised() {
    let fr = index().suggest("cdg", "fr", 1).remove(0);
    assert_eq!(fr.label, "Paris – Charles de Gaulle (CDG), France");
    assert_eq!(
        (fr.country.as_str(), fr.tz.as_str(), fr.icao.as_str()),
        ("FR", "Europe/Paris", "LFPG")
    );
    let lhr_fr = index().suggest("LHR", "fr-FR", 1).remove(0);
    assert_eq!(lhr_fr.label, "Londres – Heathrow (LHR), Royaume-Uni");
    assert_eq!(lhr_fr.city, "Londres");
    let lhr_en = index().suggest("LHR", "en", 1).remove(0);
    assert_eq!(lhr_en.label, "London – Heathrow (LHR), United Kingdom");
    let muc_de = index().suggest("MUC", "de", 1).remove(0);
    assert!(muc_de.label.starts_with("München"), "{}", muc_de.label);
    // Unknown language: English.
    let fco = index().suggest("FCO", "xx", 1).remove(0);
    assert!(fco.label.starts_with("Rome – "), "{}", fco.label);
    let json = serde_json::to_value(&fco).expect("serialises");
    for key in [
        "iata",
        "icao",
        "name",
        "city",
        "country",
        "country_name",
        "lat",
        "lon",
        "tz",
        "label",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn empty_and_limit() {
    for q in ["", "   ", "\t\n", "---", "()"] {
        assert!(index().suggest(q, "fr", 8).is_empty(), "{q:?}");
    }
    assert!(index().suggest("paris", "fr", 0).is_empty());
    assert_eq!(index().suggest("a", "fr", 1000).len(), MAX_LIMIT);
    assert_eq!(index().suggest("london", "en", 3).len(), 3);
}

#[test]
fn hostile_queries_never_panic() {
    let long_a = "a".repeat(100);
    let very_long = "é".repeat(10_000);
    let many_words = "paris ".repeat(200);
    let hostile: Vec<&str> = vec![
        "*",
        "\"",
        "a:b",
        "(((",
        ")))",
        "~",
        "^",
        "+",
        "-",
        "\\",
        "*:*",
        "name:paris",
        "paris~2",
        "\"paris",
        "par*",
        "[a TO z]",
        "{}",
        "/regex.*/",
        "NOT paris",
        "paris AND",
        "OR",
        "' OR 1=1 --",
        "%",
        "_",
        &long_a,
        &very_long,
        &many_words,
        "東京",
        "北京",
        "Москва",
        "القاهرة",
        "😀",
        "✈️ paris",
        "👨‍👩‍👧",
        "\u{0}",
        "\u{7}paris\u{1b}[0m",
        "\r\n",
        "\u{200b}",
        "\u{feff}cdg",
        "ｃｄｇ",
        "İstanbul",
        "ß",
        "ﬁ",
        "a\u{301}",
        "\u{10ffff}",
        "ŉ",
    ];
    for q in hostile {
        let _ = index().suggest(q, "fr", 8);
        let _ = index().resolve(q, "fr");
    }
    // Syntax characters are separators, not operators.
    assert_first("paris*", "CDG");
    assert_first("\"cdg\"", "CDG");
    assert_first("city:paris orly", "ORY");
    assert_first("北京", "PEK");
    assert_first("✈️ cdg", "CDG");
}

#[test]
fn resolve_exact() {
    let exact = |input: &str| match index().resolve(input, "fr") {
        Resolution::Exact(s) => s.iata,
        other => panic!("{input:?} → {other:?}"),
    };
    assert_eq!(exact("CDG"), "CDG");
    assert_eq!(exact("cdg"), "CDG");
    assert_eq!(exact("LFPO"), "ORY");
    assert_eq!(exact("Paris – Charles de Gaulle (CDG), France"), "CDG");
    assert_eq!(exact("London – Heathrow (LHR), United Kingdom"), "LHR");
    assert_eq!(exact("Londres – Heathrow (LHR), Royaume-Uni"), "LHR");
    assert_eq!(exact("heathrow"), "LHR");
    assert_eq!(exact("paris orly"), "ORY");
    assert_eq!(exact("Zürich"), "ZRH");
    assert_eq!(exact("frankfurt"), "FRA");
    // The label of every airport resolves back to that airport, in both languages.
    for code in [
        "CDG", "ORY", "LGW", "YXU", "FRA", "HHN", "BSL", "PMI", "NCE", "TFS",
    ] {
        for lang in ["fr", "en"] {
            let label = index().suggest(code, lang, 1).remove(0).label;
            match index().resolve(&label, lang) {
                Resolution::Exact(s) => assert_eq!(s.iata, code, "{label}"),
                other => panic!("{label:?} → {other:?}"),
            }
        }
    }
}

#[test]
fn resolve_ambiguous_and_not_found() {
    match index().resolve("paris", "fr") {
        Resolution::Ambiguous(list) => {
            assert!(list.len() >= 2);
            assert_eq!(list[0].iata, "CDG");
            assert_eq!(list[1].iata, "ORY");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        index().resolve("london", "en"),
        Resolution::Ambiguous(_)
    ));
    // A label with a code that does not fit the text is not trusted blindly.
    assert!(
        !matches!(index().resolve("Paris (LHR)", "en"), Resolution::Exact(ref s) if s.iata == "LHR")
    );
    for input in ["", "   ", "xyzzyqq", "zzz", "ZZZZ", "*", "(((", "😀"] {
        assert_eq!(
            index().resolve(input, "fr"),
            Resolution::NotFound,
            "{input:?}"
        );
    }
}

#[test]
fn shareable_and_small() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<AirportIndex>();
    assert!(index().len() > 7_000, "{}", index().len());
    let bytes = index().index_bytes();
    assert!(bytes > 0 && bytes < 30_000_000, "index takes {bytes} bytes");
}

#[test]
fn concurrent_queries_agree() {
    let expected = codes("paris", "fr", 8);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20 {
                    assert_eq!(codes("paris", "fr", 8), expected);
                }
            });
        }
    });
}

#[test]
fn get_by_code() {
    assert_eq!(
        index().get("cdg", "fr").map(|s| s.iata),
        Some("CDG".to_string())
    );
    assert_eq!(
        index().get(" EGLL ", "en").map(|s| s.iata),
        Some("LHR".to_string())
    );
    for bad in ["", "ZZZ", "CDGX1", "C", "é€", "(((", "paris"] {
        assert!(index().get(bad, "fr").is_none(), "{bad:?}");
    }
}

#[test]
fn retired_codes_are_found_with_their_dates_after_todays_airports() {
    // Today's airport keeps the first place for ordinary searches.
    assert_first("berlin", "BER");
    assert_first("IST", "IST");
    assert_eq!(
        index().suggest("IST", "en", 8)[0].name,
        "Istanbul Airport",
        "the new airport first"
    );
    let ist: Vec<_> = index()
        .suggest("IST", "en", 8)
        .into_iter()
        .filter(|s| s.iata == "IST")
        .collect();
    assert_eq!(ist.len(), 2, "{ist:?}");
    assert!(
        ist[1].label.contains("until 5 Apr 2019"),
        "{}",
        ist[1].label
    );
    // Retired codes are findable by code and by name, labelled with their last day.
    let sxf = &index().suggest("SXF", "en", 8)[0];
    let json = serde_json::to_value(sxf).unwrap();
    assert_eq!(
        (&json["iata"], &json["valid_to"], &json["replaced_by"]),
        (&"SXF".into(), &"2020-10-24".into(), &"BER".into())
    );
    let ber = serde_json::to_value(index().get("BER", "en")).unwrap();
    assert!(ber.get("valid_to").is_none(), "{ber}");
    assert!(
        sxf.label.ends_with("— code used until 24 Oct 2020"),
        "{}",
        sxf.label
    );
    assert!(codes("schonefeld", "en", 8).contains(&"SXF".to_string()));
    let berlin = codes("berlin", "en", 8);
    let pos = |c: &str| berlin.iter().position(|x| x == c);
    assert!(
        pos("SXF").is_some() && pos("SXF") > pos("BER"),
        "{berlin:?}"
    );
    let kiv = index().get("KIV", "fr").unwrap();
    assert!(
        kiv.label.contains("jusqu'au 17 janv. 2024"),
        "{}",
        kiv.label
    );
    assert_eq!(
        index().resolve("SXF", "en"),
        Resolution::Exact(index().get("SXF", "en").unwrap())
    );
}

#[test]
fn a_code_means_the_airport_of_its_date() {
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let old = index().get_on("IST", day("2018-06-01"), "en").unwrap();
    assert_eq!(old.icao, "LTBA");
    assert!(AirportIndex::in_use_on(&old, day("2018-06-01")));
    let new = index().get_on("IST", day("2019-04-06"), "en").unwrap();
    assert_eq!((new.icao.as_str(), new.retired), ("LTFM", None));
    let sxf = index().get_on("SXF", day("2023-01-01"), "en").unwrap();
    assert!(!AirportIndex::in_use_on(&sxf, day("2023-01-01")));
    assert!(AirportIndex::in_use_on(&sxf, day("2020-10-24")));
}
