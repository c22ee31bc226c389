// An independent BCBP implementation (npm `bcbp`, version 6 of Resolution 792) as a test peer
// for src/domain/bcbp: tests/it/bcbp_peer.rs runs it.
//   node bcbp-peer.mjs encode          → JSON: passes written by the peer, with their fields
//   node bcbp-peer.mjs decode < texts  → JSON: the peer's reading of each line of stdin
import { decode, encode } from "bcbp";
import { readFileSync } from "node:fs";

const day = (d) => (d ? d.toISOString().slice(0, 10) : null);

function fields(pass) {
  const data = pass.data ?? {};
  return {
    name: data.passengerName ?? null,
    issued: day(data.issuanceDate),
    issuer: data.boardingPassIssuerDesignator ?? null,
    legs: (data.legs ?? []).map((l) => ({
      pnr: l.operatingCarrierPNR ?? null,
      from: l.departureAirport ?? null,
      to: l.arrivalAirport ?? null,
      carrier: l.operatingCarrierDesignator ?? null,
      number: l.flightNumber ?? null,
      date: day(l.flightDate),
      seat: l.seatNumber ?? null,
      ticket: l.airlineNumericCode && l.serialNumber ? l.airlineNumericCode + l.serialNumber : null,
      marketing: l.marketingCarrierDesignator ?? null,
    })),
  };
}

// A small deterministic generator: the same passes on every run.
let seed = 7;
const next = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed >> 16) % n;
};
const pick = (xs) => xs[next(xs.length)];
const airports = ["CDG", "ORY", "LHR", "FRA", "MAD", "FCO", "AMS", "JFK", "YUL", "DXB", "PTP", "RUN"];
const carriers = ["AF", "KL", "LH", "BA", "IB", "U2", "FR", "AC", "EK", "TO"];
const names = ["MARTIN/CLAIRE", "DESMARAIS/LUC MR", "NGUYEN/THI MAI MRS", "O CONNOR/SEAN", "GARCIA LOPEZ/ANA"];

function passes() {
  const out = [];
  for (let i = 0; i < 40; i++) {
    const legs = [];
    const count = 1 + next(4);
    const issued = new Date(Date.UTC(2021 + next(5), next(12), 1 + next(28)));
    for (let j = 0; j < count; j++) {
      const flight = new Date(issued.getTime() + (next(3) + j) * 86400000);
      const leg = {
        operatingCarrierPNR: pick(["ABC123", "X7K2PQ", "QWERTY", "Z9Z9Z9"]),
        departureAirport: pick(airports),
        arrivalAirport: pick(airports),
        operatingCarrierDesignator: pick(carriers),
        flightNumber: String(1 + next(9999)).padStart(4, "0") + pick(["", "", "A"]),
        flightDate: flight,
        compartmentCode: pick(["Y", "J", "F"]),
        seatNumber: String(1 + next(60)).padStart(3, "0") + pick(["A", "C", "F"]),
        checkInSequenceNumber: String(1 + next(400)).padStart(4, "0"),
        passengerStatus: "1",
      };
      if (i % 2 === 0) {
        leg.airlineNumericCode = pick(["057", "074", "220", "125"]);
        leg.serialNumber = String(1000000000 + next(999999999));
        leg.marketingCarrierDesignator = pick(carriers);
      }
      legs.push(leg);
    }
    const data = { legs, passengerName: pick(names) };
    if (i % 3 !== 0) {
      data.issuanceDate = issued;
      data.boardingPassIssuerDesignator = pick(carriers);
    }
    const text = encode({ data });
    const read = fields(decode(text, issued.getUTCFullYear()));
    // The date each leg was written with (the peer's own reading assumes the issue year).
    read.legs.forEach((l, j) => (l.flown = day(legs[j].flightDate)));
    out.push({ text, ...read });
  }
  return out;
}

if (process.argv[2] === "encode") {
  console.log(JSON.stringify(passes()));
} else if (process.argv[2] === "decode") {
  const lines = readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
  console.log(JSON.stringify(lines.map((l) => fields(decode(l)))));
} else {
  console.error("usage: node bcbp-peer.mjs encode|decode");
  process.exit(2);
}
