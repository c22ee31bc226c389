-- wrk script: cycles through what passengers type into the airport field (tests/load/airports.sh).
-- Codes, prefixes while typing, typos, several words and other-language city names, as in
-- benches/airports.rs, URL-encoded, in French (the default language), limit 8 as the widget asks.
local queries = {
  "cdg", "LHR", "lfpg", "fra",
  "li", "lis", "lisb", "lond", "bar", "franc", "m", "ams", "nice", "rome", "madr", "berl",
  "barcelna", "frnakfurt", "amsterdma", "lisbno",
  "paris%20orly", "gran%20canaria", "london%20city", "charles%20de%20g",
  "Londres", "M%C3%BCnchen", "Le%20Caire", "Z%C3%BCrich",
}
local i = 0

function setup(thread)
  -- Threads start at different places so that they do not ask the same query in lockstep.
  thread:set("offset", math.random(#queries))
end

function request()
  i = i + 1
  local q = queries[((i + (offset or 0)) % #queries) + 1]
  return wrk.format("GET", "/api/v1/airports/search?q=" .. q .. "&limit=8&lang=fr",
    { ["Accept"] = "application/json" })
end
