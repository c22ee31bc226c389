"""A fake AeroDataBox for the browser suite, on 127.0.0.1 only.

Only AF4242 is known (CDG 07:55 -> LIS 09:35 local, landed 3 h 15 min late on any date); every
other flight is "not found" (204), so the other specs type their times as passengers do.
Usage: python3 fake_flights.py PORT
"""

import http.server
import sys

ANSWER = """[{"number":"AF 4242","status":"Arrived","codeshareStatus":"IsOperator","isCargo":false,
"airline":{"name":"Air France","iata":"AF","icao":"AFR"},
"departure":{"airport":{"icao":"LFPG","iata":"CDG","name":"Paris Charles de Gaulle","timeZone":"Europe/Paris"},
 "scheduledTime":{"utc":"DATE 06:55Z","local":"DATE 07:55+01:00"},
 "revisedTime":{"utc":"DATE 09:40Z","local":"DATE 10:40+01:00"}},
"arrival":{"airport":{"icao":"LPPT","iata":"LIS","name":"Lisbon Humberto Delgado","timeZone":"Europe/Lisbon"},
 "scheduledTime":{"utc":"DATE 09:35Z","local":"DATE 09:35+00:00"},
 "revisedTime":{"utc":"DATE 12:50Z","local":"DATE 12:50+00:00"}}}]"""


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        # /flights/number/AF4242/2026-03-01?...
        parts = self.path.split("?")[0].split("/")
        number = parts[3] if len(parts) > 3 else ""
        date = parts[4] if len(parts) > 4 else ""
        if number == "AF4242" and len(date) == 10:
            body = ANSWER.replace("DATE", date).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(204)
            self.end_headers()

    def log_message(self, *_args):
        pass


if __name__ == "__main__":
    http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
