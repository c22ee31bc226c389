"""Limitation periods per forum (shared/docs/eu261-rules.md §8) -> data/limitation.csv.

Curated from the spec table, not from a package.  Rule: where sources disagree
([CONTESTED]), the SHORTEST plausible period is kept so a deadline is never
overstated; the note says so.  start = event (from the flight date) or
end_of_year (period runs from 31 Dec of the year the claim arose).
"""

REFUND_ME = "https://www.refund.me/help/is-there-a-limitation-period/"
OWED = "https://owedbyairline.com/countries/"
CLAIMCOMPASS = "https://www.claimcompass.eu/blog/time-limit-compensation-claim/"
EUFC = "https://euflightcompensation.com/what-is-time-limit/"

SHORTEST = "contested: shortest plausible period kept so the deadline is never overstated"

# forum, years, start, confidence, source_url, note
ROWS = [
    ("DE", 3, "end_of_year", "high", REFUND_ME,
     "§§ 195, 199 BGB: 3 years from 31 Dec of the year of the flight; only court/ADR filing stops the clock (§ 204 BGB)"),
    ("GB-EAW", 6, "event", "high", "https://www.bailii.org/ew/cases/EWCA/Civ/2014/845.html",
     "England & Wales: Limitation Act 1980 s.9; Dawson v Thomson Airways [2014] EWCA Civ 845"),
    ("GB-SCT", 5, "event", "medium", CLAIMCOMPASS,
     "Scotland: Prescription and Limitation (Scotland) Act 1973"),
    ("GB", 6, "event", "high", "https://www.bailii.org/ew/cases/EWCA/Civ/2014/845.html",
     "United Kingdom without a jurisdiction = England & Wales (the default): Limitation Act 1980 s.9; "
     "GB-SCT for Scotland (5 y), GB-NIR for Northern Ireland"),
    ("GB-ENG", 6, "event", "high", "https://www.bailii.org/ew/cases/EWCA/Civ/2014/845.html",
     "England: Limitation Act 1980 s.9 (same as GB-EAW)"),
    ("GB-WLS", 6, "event", "high", "https://www.bailii.org/ew/cases/EWCA/Civ/2014/845.html",
     "Wales: Limitation Act 1980 s.9 (same as GB-EAW)"),
    ("GB-NIR", 6, "event", "medium", "https://www.legislation.gov.uk/nisi/1989/1339/article/6",
     "Northern Ireland: Limitation (Northern Ireland) Order 1989 art. 6 (contract, 6 years)"),
    ("IE", 6, "event", "medium", REFUND_ME, "Statute of Limitations 1957"),
    ("FR", 5, "event", "medium", REFUND_ME,
     "art. 2224 C. civ. (some sources cite art. L.218-2 C. conso; some courts argued 2-year transport periods)"),
    ("ES", 5, "event", "medium", REFUND_ME, "art. 1964 C.C. (5 years since 2015; older claims had 15 years)"),
    ("NL", 2, "event", "medium", REFUND_ME, "reported as art. 8:1835 BW"),
    ("BE", 1, "event", "medium", REFUND_ME, "reported unanimously by claim agencies; legal basis not verified"),
    ("PL", 1, "event", "contested", REFUND_ME, f"agencies report 1 year (art. 778 KC), one source 3 years; {SHORTEST}"),
    ("IT", 2, "event", "contested", CLAIMCOMPASS, f"2 years or 26 months (Cod. nav. art. 949-ter/944); {SHORTEST}"),
    ("AT", 3, "event", "medium", OWED, "agency tables"),
    ("DK", 3, "event", "medium", OWED, "agency tables"),
    ("EE", 3, "event", "medium", OWED, "agency tables"),
    ("FI", 3, "event", "medium", OWED, "agency tables"),
    ("LT", 3, "event", "medium", OWED, "agency tables"),
    ("NO", 3, "event", "medium", OWED, "agency tables"),
    ("PT", 3, "event", "medium", OWED, "agency tables"),
    ("RO", 3, "event", "medium", OWED, "agency tables"),
    ("CZ", 3, "event", "contested", OWED, f"3 years, some sources 10 years with 3 years for unjust enrichment; {SHORTEST}"),
    ("SE", 3, "event", "contested", EUFC, f"3 years (refund.me, owedbyairline) vs 10 years (euflightcompensation); {SHORTEST}"),
    ("GR", 5, "event", "medium", OWED, "agency tables"),
    ("HU", 5, "event", "medium", OWED, "agency tables"),
    ("BG", 1, "event", "contested", OWED, f"sources say 1, 3 or 5 years; {SHORTEST}"),
    ("HR", 2, "event", "contested", OWED, f"sources say 2-3 years; {SHORTEST}"),
    ("SI", 2, "event", "contested", OWED, f"sources say 2-3 years; {SHORTEST}"),
    ("SK", 2, "event", "contested", OWED, f"sources say 2-3 years; {SHORTEST}"),
    ("LV", 2, "event", "contested", OWED, f"sources say 2-3 years; {SHORTEST}"),
    ("IS", 2, "event", "contested", OWED, f"sources say 2-3 years; {SHORTEST}"),
    ("MT", 2, "event", "contested", OWED, f"sources say 2-3 years, one table 'no limit'; {SHORTEST}"),
    ("CH", 2, "event", "contested", OWED, f"Switzerland reported as 2 years, range 2-3 years; {SHORTEST}"),
    ("CY", 6, "event", "medium", OWED, "agency tables"),
    ("LU", 10, "event", "medium", OWED, "agency tables"),
]
