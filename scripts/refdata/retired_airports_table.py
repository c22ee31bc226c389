"""Retired or re-assigned airport codes -> data/airports_retired.csv.

Curated by hand (no registry package keeps codes once they are withdrawn): a claim can be
made years after the flight (limitation periods up to 10 years, data/limitation.csv), so
a code stays valid for flights on the dates it was in use.  valid_from empty = in use
since before Regulation 261/2004 applied.  Coordinates: OurAirports' last record for the
airport.
"""

# iata, icao, name, city, country, lat, lon, tz, valid_from, valid_to, replaced_by, note
ROWS = [
    ("IST", "LTBA", "Istanbul Atatürk Airport", "Istanbul", "TR", 40.9769, 28.8146, "Europe/Istanbul",
     "", "2019-04-05", "ISL",
     "IST meant Atatürk until the move to the new Istanbul Airport on 6 April 2019 (Atatürk is ISL since)"),
    ("KIV", "LUKK", "Chișinău International Airport", "Chișinău", "MD", 46.9277, 28.931, "Europe/Chisinau",
     "", "2024-01-17", "RMO",
     "Chișinău's code KIV (from the Russian name) was replaced by RMO on 18 January 2024"),
    ("SXF", "EDDB", "Berlin Schönefeld Airport", "Berlin", "DE", 52.380001, 13.5225, "Europe/Berlin",
     "", "2020-10-24", "BER",
     "Schönefeld flew as SXF until 24 October 2020; its terminal became BER Terminal 5 on 25 October 2020"),
]
