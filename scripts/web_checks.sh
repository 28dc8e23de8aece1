#!/usr/bin/env bash
# Web checks that need tools outside cargo (issue 4), run by CI:
#  1. build release, import all of ../shared/data into a temporary store;
#  2. start `greenlight --db DB serve --addr 127.0.0.1:PORT` (the starter catalog loads itself);
#  3. parse both Atom feeds with Python's feedparser and check their entries;
#  4. run schemathesis against /api/v1/openapi.json: no 5xx, responses match the schema
#     (bounded: a few examples per operation, so it takes a few minutes at most);
#  5. stop the server.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data"
[ -f "$data/README.md" ] || { echo "web_checks: $data is missing" >&2; exit 1; }

py=python3
$py -c "import feedparser" 2>/dev/null || $py -m pip install -q --disable-pip-version-check feedparser
$py -c "import icalendar" 2>/dev/null || $py -m pip install -q --disable-pip-version-check icalendar
command -v schemathesis >/dev/null || $py -m pip install -q --disable-pip-version-check schemathesis

cargo build --release -q
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

./target/release/greenlight --db "$tmp/web.db" --quiet import "$data" >/dev/null
port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
./target/release/greenlight --db "$tmp/web.db" serve --addr "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "$base/api/v1/openapi.json" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; echo "web_checks: server exited" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -o /dev/null "$base/api/v1/openapi.json" || { cat "$tmp/serve.log" >&2; exit 1; }
echo "web_checks: server up at $base"

echo "--- feeds (feedparser)"
$py - "$base" <<'PY'
import sys, feedparser
base = sys.argv[1]
def check(path, need):
    f = feedparser.parse(base + path)
    assert not f.bozo, f"{path}: not well-formed: {f.bozo_exception}"
    assert f.version == "atom10", f"{path}: version {f.version}"
    assert f.entries, f"{path}: no entries"
    for e in f.entries:
        assert e.get("title") and e.get("id") and e.get("link"), f"{path}: entry without title/id/link: {e}"
        assert e.get("updated_parsed"), f"{path}: undated entry {e.title}"
        assert e.link.startswith(base + "/series/"), f"{path}: entry links to {e.link}"
        assert "awaits a decision" not in e.title, f"{path}: a premiere listed as a change: {e.title}"
    dates = [e.updated_parsed for e in f.entries]
    assert dates == sorted(dates, reverse=True), f"{path}: entries not newest first"
    titles = [e.title for e in f.entries]
    for t in need:
        assert t in titles, f"{path}: no entry {t!r} in {titles[:10]}"
    print(f"{path}: {len(f.entries)} entries, newest {f.entries[0].updated[:10]} {f.entries[0].title!r}")
    return f
f = check("/series/partner-track/feed.atom", ["Partner Track: canceled after season 1, no season 2", "Partner Track: series ordered (season 1)"])
pt = [e for e in f.entries if e.title == "Partner Track: canceled after season 1, no season 2"][0]
assert pt.updated.startswith("2022-11-08"), pt.updated
check("/feeds/status.atom", [])
PY

echo "--- calendars (icalendar)"
$py - "$base" "$data/announcements/netflix-announcements.toml" <<'PY'
import sys, datetime, tomllib, urllib.request, icalendar
base, claims = sys.argv[1], sys.argv[2]
def cal(path):
    return icalendar.Calendar.from_ical(urllib.request.urlopen(base + path).read())
rd = cal("/calendar.ics?kind=release_dates")
events = rd.walk("VEVENT")
uids = [str(e["UID"]) for e in events]
assert len(uids) == len(set(uids)), "UIDs repeat"
for e in events:
    s, t = e["DTSTART"].dt, e["DTEND"].dt
    assert type(s) is datetime.date and t == s + datetime.timedelta(days=1), f"not all-day: {e}"
got = {e["DTSTART"].dt for e in events}
want = {c["release_date"] for c in tomllib.load(open(claims, "rb"))["claims"] if c["kind"] == "release_date_announced"}
assert want <= got, f"announced release dates missing: {sorted(want - got)}"
full = cal("/calendar.ics")
assert set(uids) <= {str(e["UID"]) for e in full.walk("VEVENT")}
print(f"/calendar.ics: {len(full.walk('VEVENT'))} events; {len(events)} release dates, every announced one")
PY

echo "--- API (schemathesis)"
# Positive and negative examples per operation, bounded; the checks are the issue's: no server
# errors, every response (status, content type, body) as the document says.
# From $tmp, so its example database (.schemathesis/) is not left in the checkout.
# With a real token, so the write route is fuzzed past authentication too (bad bodies must get
# 4xx problem JSON, never 5xx).
token=$(./target/release/greenlight --db "$tmp/web.db" --quiet token create schemathesis)
(cd "$tmp" && schemathesis run "$base/api/v1/openapi.json" \
  --url "$base" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples 25 \
  --request-timeout 20 \
  --generation-deterministic \
  --no-color)

echo "web_checks: passed"
