"""Airline groups -> data/airline_groups.csv: one marketing designator, several licences.

Curated by hand (reviewed 2026-12).  A group sells flights operated under several operating
licences (Reg. 1008/2008) with one flight-number designator; the licence, not the designator,
decides whether the operating carrier is a Community carrier (Art 2(c), 3(1)(b)) and the UK
or EU regime.  The claim wizard asks "operated by" for a flight whose designator is in this
table, pre-selecting the `default` licence (the one that flies most of the designator's
flights today).  Every operating code must be in airlines_table.py (checked by the generator
and by src/refdata/tests.rs).

Sources: the carriers' "operated by" notices on their booking pages and conditions of carriage
(easyJet: easyJet Airline Company Ltd / easyJet Europe Airline GmbH / easyJet Switzerland SA;
Ryanair Group: Ryanair DAC, Ryanair UK, Malta Air, Buzz, Lauda Europe; Wizz Air: Wizz Air
Hungary / Wizz Air Malta / Wizz Air UK; Eurowings GmbH and Eurowings Europe GmbH (Austrian
AOC, last flight 30 January 2023, aviation.direct); Aer Lingus and Aer Lingus (UK) Ltd (UK AOC
GB 2471, 9 July 2021, ch-aviation); TUI fly Deutschland and the group's airlines that fly for it).
"""

# marketing, operating, default (1 = pre-selected), note
ROWS = [
    ("U2", "U2", 1, "easyJet Airline Company (UK licence)"),
    ("U2", "EC", 0, "easyJet Europe (Austrian licence): most flights within the EU since 2019"),
    ("U2", "DS", 0, "easyJet Switzerland (Swiss licence): flights from Basel and Geneva"),
    ("FR", "FR", 1, "Ryanair DAC (Irish licence)"),
    ("FR", "RK", 0, "Ryanair UK (UK licence): flights from UK bases"),
    ("FR", "AL", 0, "Malta Air (Maltese licence): flights from German, French and Italian bases"),
    ("FR", "RR", 0, "Buzz (Polish licence): flights from Polish and Czech bases"),
    ("FR", "LW", 0, "Lauda Europe (Maltese licence): flights from Vienna and Zagreb"),
    ("W6", "W6", 1, "Wizz Air Hungary (Hungarian licence)"),
    ("W6", "W4", 0, "Wizz Air Malta (Maltese licence) since 2022"),
    ("W6", "W9", 0, "Wizz Air UK (UK licence): flights from UK bases"),
    ("EW", "EW", 1, "Eurowings GmbH (German licence)"),
    ("EW", "E2", 0, "Eurowings Europe GmbH (Austrian licence), 2016 to 30 January 2023"),
    ("EI", "EI", 1, "Aer Lingus (Irish licence)"),
    ("EI", "EG", 0, "Aer Lingus UK (UK licence): Manchester and Belfast flights since October 2021"),
    ("X3", "X3", 1, "TUI fly Deutschland (German licence)"),
    ("X3", "TB", 0, "TUI fly Belgium (Belgian licence), flying for TUI fly Deutschland"),
    ("X3", "OR", 0, "TUI fly Netherlands (Dutch licence), flying for TUI fly Deutschland"),
    ("X3", "BY", 0, "TUI Airways (UK licence), flying for TUI fly Deutschland"),
]
