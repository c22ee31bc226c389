"""Where a territory stood with respect to EU law at a date -> data/territory_periods.csv.

Overrides the present-day status of territories.csv for the dates given (empty = open
ended).  area = ISO 3166-1 alpha-2, or airport:XXX for one airport whose ground is outside
the part of a Member State where EU law applies.  The UK's exit (31 Dec 2020 23:00 UTC) is a
time of day and stays in the engine (UK_EXIT_UTC).  Sources: the accession and TFEU
provisions cited in each note.
"""

# area, status, valid_from, valid_to, note
ROWS = [
    ("BG", "other", "", "2006-12-31", "Bulgaria joined the EU on 1 January 2007 (2005 Act of Accession)"),
    ("RO", "other", "", "2006-12-31", "Romania joined the EU on 1 January 2007 (2005 Act of Accession)"),
    ("HR", "other", "", "2013-06-30", "Croatia joined the EU on 1 July 2013 (2012 Act of Accession)"),
    ("YT", "oct", "", "2013-12-31",
     "Mayotte was an overseas country and territory until it became an outermost region on 1 January 2014 "
     "(European Council Decision 2012/419/EU)"),
    ("BL", "eu", "", "2011-12-31",
     "Saint-Barthélemy was part of an outermost region until it became an overseas country and territory "
     "on 1 January 2012 (European Council Decision 2010/718/EU)"),
    ("airport:ECN", "other", "", "",
     "Ercan is in the north of Cyprus, where the application of the acquis is suspended "
     "(Protocol No 10 to the 2003 Act of Accession)"),
    ("airport:AKT", "other", "", "",
     "RAF Akrotiri is in a UK Sovereign Base Area, outside the EU (Art 355(5)(b) TFEU)"),
]
