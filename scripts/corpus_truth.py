#!/usr/bin/env python3
"""The truth for the "read and check" test corpus (issue 12), computed from ../shared/data.

    python3 scripts/corpus_truth.py            # one JSON document: every key claim's truth
    python3 scripts/corpus_truth.py --check    # exit 1 listing every mismatch: expect != verdict, a
                                               # span not verbatim in its article, a missing key field,
                                               # not exactly one conflicting pair (the declared one),
                                               # 300-900 words, and the issue's coverage rules
    python3 scripts/corpus_truth.py --stats    # the kind x verdict table of the corpus README
    --data DIR (default: ../shared/data beside the checkout, else /work/shared/data)
    --corpus DIR (default: crates/news/tests/corpus)

Needs Python 3.11 (tomllib) and openpyxl (pip install openpyxl), nothing else. Its readers are its
own (csv for the TSV/CSV files, openpyxl for the engagement XLSX, tomllib for the announcements
and MANIFEST.toml); it shares no code with the Rust side, so the two can check each other.

The answer keys (`NN-slug.key.toml`) hold what an article *says* (span, kind, series, season,
stated value, and the verdict the author intends in `expect`); they never hold the true value.
This script computes, per claim, `truth` (the true value), `source` (where it comes from) and
`verdict` by the rules below, AS OF THE ARTICLE'S `published` DATE (point in time).

POINT IN TIME (MANIFEST.toml's `published`):
  * Top 10 rows: a week's row is public on the Tuesday after its Sunday (week + 2 days). For a
    dateline before 2022-11-09 the rows come from `all-weeks-global.2022-11-09.tsv` (closest to
    what was public then; its season titles differ, e.g. "Season 1" where the current file says
    "Limited Series"), else from `all-weeks-global.tsv`. The store keeps only the newest snapshot
    (both files are one dataset), so the Rust checker reads the current file's rows published by
    the dateline instead; up to 2022-11-06 the two files hold the same 2,840 weeks, lists, ranks
    and hours and differ only in spellings (180 season titles, 11 show titles), and `--check`
    rejudges every claim of an earlier dateline on the current file and fails if a verdict or
    truth would change.
  * Engagement reports: 2023H1 2023-12-12, 2023H2 2024-05-23, 2024H1 2024-09-30, 2024H2 2025-03-31,
    2025H1 2025-09-30 (MANIFEST). Half-years with no report (anything before 2023H1) are unverifiable.
  * JustWatch titles/credits: 2022-12-31 (at_latest). TMDB tv-status: 2024-04-01 (at_earliest).
  * Announcements: each claim's own `published`.
  Data not yet published at the dateline is treated as absent. These dates are read from
  MANIFEST.toml. A verdict resting on an `at_earliest` file (TMDB) carries a `caveats` entry: the
  snapshot may have become public after the dateline.

MATCHING: a series is matched by its title as the data spells it (case/accents folded); a season
is read from `season_title` after dropping the native title after " // ": "X: Season N", "X: Part N"
(Money Heist, Lupin: parts are seasons), "X N", "X: Limited Series" (season 1, and limited),
"X: S10: ...". JustWatch: the SHOW with that title (the newest release_year if several, e.g. the
2021 Cowboy Bebop, not the 1998 anime). Names fold by NFKD, dropping accents, case, punctuation.

VERDICT RULES (verified | contradicted | unverifiable):
  hours (window_hours): the chart weeks (Mon..Sun) wholly inside [from, to] and the weeks only
    partly inside are listed (a partly-inside week in which the season did not chart counts as
    outside the window: the seed's "August 21 to September 11" starts on the Sunday ending a week
    before the premiere). Tolerance = per-week rounding x number of weeks summed: 10,000 per
    week up to the week ending 2023-06-11, 100,000 after. If every wholly-inside week has a row for
    the season and no partly-inside week has one: verified if |stated - sum| <= tolerance, else
    contradicted. Otherwise the sum is only a lower bound (contradicted if stated < sum - tol) and,
    when no inside week is missing, sum + partial weeks an upper bound (contradicted if above it);
    else unverifiable. A window reaching past the last week published at the dateline, or any
    part before the chart began (2021-06-28), is unverifiable unless already contradicted.
  top10_weeks / peak_rank: rows of the season published by the dateline (any category, the
    series' own list, e.g. "TV (Non-English)"): weeks = their count, peak = best rank; equal ->
    verified, else contradicted (a key's optional `category` restricts the rows to that list).
    Unverifiable when the season has no row yet, or it charted in the
    chart's first week (2021-07-04): it was already out, and its earlier weeks were never charted.
    (A season released before the chart that first charts later is counted from the chart's
    start, as Netflix's own cumulative_weeks_in_top_10 does.)
  engagement_hours / engagement_views: the season's row in that half-year's report, if published
    by the dateline; verified within 100,000 (the reports' rounding), else contradicted. 2023H1 has
    no views (unverifiable); no report for the half, or no row, is unverifiable.
  renewed (stated = the new season N): verified by a `season_renewed` claim for season >= N, or
    (when the article gives no date) a Top 10 row of season >= N (it was made); contradicted by a `canceled` or
    `ended` claim for a season < N (or TMDB `Canceled` with fewer seasons); else unverifiable. When
    both kinds of claim are there, the stop wins unless a renewal is dated after it (a revival): an
    undated renewal never outweighs a dated cancellation (the ledger's starter catalog holds one such
    false "season 2 announced" claim for Partner Track, published 2023-01-15).
  canceled (stated = season S it was canceled after): verified by a `canceled` claim for S, else by
    TMDB `Canceled` with S seasons (TMDB `Ended` is NOT a cancellation: it also means planned
    endings); contradicted by a `canceled` claim for another season, by a later season (Top 10 row,
    renewal), or by an `ended` claim for S (a planned ending, not a cancellation); else unverifiable.
  final_season (stated = N): verified by the latest-published `ended` claim naming N (or a
    `canceled` claim for N); contradicted by one naming another season, or a season > N charted or
    renewed; else unverifiable.
  limited_series (stated = true): verified by a `limited_series` claim or a ": Limited Series"
    season title (Top 10 / report); contradicted by a season >= 2 (row or renewal); else unverifiable.
  release_date / premiered (stated = a date at its precision: YYYY, YYYY-MM or YYYY-MM-DD): exact
    sources are release_date_announced's `release_date`, `premiered` claims (exact precision), the
    reports' Release Date, TMDB first_air_date (season 1); verified if any equals the stated date
    at the stated precision, contradicted if there are some and none does. Without one, the first
    chart week bounds it: contradicted if the stated period starts after that week's Sunday.
  An optional `date` on a renewed/canceled claim must equal, at the stated precision, the event's
    date as the matching announcements give it (event_date()): the earliest exact event_date when
    one is exact, else the earliest no_later_than bound (the tightest). Sources disagree now and
    then: a later outlet's "by November 9" does not make "on November 9" true when another says
    "by November 8". (Before, any one source sufficed, which verified dates a day late: the
    checker's mutation test found it.)
  season_count (stated = N seasons out): L = the most seasons seen out by the dateline (Top 10
    rows, report rows, JustWatch `seasons`, premieres/release dates in the past); N == L verified,
    N < L contradicted, N > L contradicted only if a final season / cancellation at L is known,
    else unverifiable. TMDB's number_of_seasons is not used (it counts announced seasons for
    `Returning Series`, and counts Money Heist's five parts as 3 seasons).
  cast (person + stated character): JustWatch credits of the title (ACTOR). The person credited
    with that character (stated folded equals the character, one of its " / " parts, or is a run
    of its words) -> verified; the person credited with another character, or the character
    credited to someone else -> contradicted; not credited / not yet published -> unverifiable.
  director: JustWatch DIRECTOR credits; listed -> verified; other directors listed -> contradicted.
  platform: "Netflix" if the series is in a Netflix Top 10 row or report row published by the
    dateline, the JustWatch Netflix catalogue, or TMDB network1; equal (folded) -> verified, else
    contradicted; unknown -> unverifiable.
  dates compare at the stated precision; numbers exactly except the hour/view tolerances above.

LIMITS (what it cannot judge; all such claims are `unverifiable` by construction):
  episode_count, creator, source_material, rotten_tomatoes, metacritic: no file covers them (no
  episode counts, no crew but JustWatch directors, no book credits, no review scores). Budgets,
  filming dates and places, per-country ranks and chart "firsts" are not claim kinds at all: the
  articles carry them as padding and the keys leave them out. Announcements are not exhaustive: a missing
  renewal is "unverifiable", never "contradicted". A no_later_than announcement date is compared
  as a date. The contradiction check knows only the conflicts listed in conflicts(); --check
  requires every article's keyed claims to hold exactly one such pair, the declared one.
"""

import argparse
import csv
import datetime as dt
import glob
import html
import json
import os
import re
import sys
import tomllib
import unicodedata

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CHART_START = dt.date(2021, 6, 28)  # Monday of the first chart week (ending 2021-07-04)
FIRST_WEEK = dt.date(2021, 7, 4)
ROUNDING_SWITCH = dt.date(2023, 6, 11)
SNAPSHOT_2022 = dt.date(2022, 11, 9)
# Filled from MANIFEST.toml by Data(): the date each file may first be used, and its precision.
JUSTWATCH_PUBLISHED = None
TMDB_PUBLISHED = None
REPORTS = {  # half -> [file, published]
    "2023H1": ["What_We_Watched_A_Netflix_Engagement_Report_2023Jan-Jun.xlsx", None],
    "2023H2": ["What_We_Watched_A_Netflix_Engagement_Report_2023Jul-Dec.xlsx", None],
    "2024H1": ["What_We_Watched_A_Netflix_Engagement_Report_2024Jan-Jun.xlsx", None],
    "2024H2": ["What_We_Watched_A_Netflix_Engagement_Report_2024Jul-Dec.xlsx", None],
    "2025H1": ["What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx", None],
}
PRECISION = {}
KINDS = ["renewed", "canceled", "final_season", "limited_series", "release_date", "premiered",
         "window_hours", "top10_weeks", "peak_rank", "engagement_hours", "engagement_views",
         "season_count", "episode_count", "cast", "director", "creator", "source_material",
         "platform", "rotten_tomatoes", "metacritic"]
VIEWING = ["window_hours", "top10_weeks", "peak_rank", "engagement_hours", "engagement_views"]
DECISIONS = ["renewed", "canceled", "final_season", "limited_series"]
VERDICTS = ["verified", "contradicted", "unverifiable"]
REQUIRED = {"window_hours": ["from", "to"], "engagement_hours": ["season", "half"],
            "engagement_views": ["season", "half"], "top10_weeks": [], "peak_rank": [],
            "cast": ["person"], "renewed": ["season"], "canceled": ["season"], "final_season": ["season"],
            "release_date": ["season"], "premiered": ["season"]}
NOT_COVERED = {"episode_count", "creator", "source_material", "rotten_tomatoes", "metacritic"}


def fold(s):
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return " ".join(s.split())


def d(s):
    if isinstance(s, dt.datetime):
        return s.date()
    if isinstance(s, dt.date):
        return s
    return dt.date.fromisoformat(str(s)[:10])


def precision_match(stated, truth):
    """stated: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; truth: a date. Equal at the stated precision."""
    stated = str(stated)
    return truth.isoformat()[: len(stated)] == stated


def period_start(stated):
    stated = str(stated)
    if len(stated) == 4:
        return dt.date(int(stated), 1, 1)
    if len(stated) == 7:
        return dt.date(int(stated[:4]), int(stated[5:7]), 1)
    return d(stated)


def parse_season(season_title):
    """Season number and whether the title says 'Limited Series', from a Top 10/report title."""
    t = season_title.split(" // ")[0].strip()
    if t.endswith(": Limited Series") or t.endswith("Limited Series"):
        return 1, True
    m = re.search(r":\s*(?:Season|Part|S)\s*(\d+)\b", t, re.I)
    if m:
        return int(m.group(1)), False
    m = re.search(r"\s(\d+)$", t)
    if m:
        return int(m.group(1)), False
    return None, False


class Data:
    def __init__(self, root):
        self.root = root
        self.current_only = False  # True: the current Top 10 file for every dateline (the store's view)
        self.manifest = tomllib.load(open(os.path.join(root, "MANIFEST.toml"), "rb"))
        global JUSTWATCH_PUBLISHED, TMDB_PUBLISHED
        dated = {}
        for f in self.manifest["file"]:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(f["published"])):
                dated[f["path"]] = d(f["published"])
                PRECISION[f["path"]] = f["precision"]
        JUSTWATCH_PUBLISHED = max(dated["justwatch/titles.csv"], dated["justwatch/credits.csv"])
        TMDB_PUBLISHED = dated["tmdb/tv-status.csv"]
        for half, entry in REPORTS.items():
            entry[1] = dated["netflix-engagement/" + entry[0]]
        self.top10 = {"current": self._top10("netflix-top10/all-weeks-global.tsv"),
                      "2022-11-09": self._top10("netflix-top10/all-weeks-global.2022-11-09.tsv")}
        ann = tomllib.load(open(os.path.join(root, "announcements/netflix-announcements.toml"), "rb"))
        self.announcements = ann["claims"]
        with open(os.path.join(root, "tmdb/tv-status.csv"), newline="", encoding="utf-8") as f:
            self.tmdb = {fold(r["name"]): r for r in csv.DictReader(f)}
        with open(os.path.join(root, "justwatch/titles.csv"), newline="", encoding="utf-8") as f:
            self.jw_titles = [r for r in csv.DictReader(f) if r["type"] == "SHOW"]
        with open(os.path.join(root, "justwatch/credits.csv"), newline="", encoding="utf-8") as f:
            self.jw_credits = {}
            for i, r in enumerate(csv.DictReader(f)):
                r["_line"] = i + 2
                self.jw_credits.setdefault(r["id"], []).append(r)
        self.reports = {h: self._report(h, f) for h, (f, _) in REPORTS.items()}

    def _top10(self, rel):
        rows = []
        with open(os.path.join(self.root, rel), newline="", encoding="utf-8") as f:
            for i, r in enumerate(csv.DictReader(f, delimiter="\t")):
                r["_file"], r["_line"] = rel, i + 2
                r["_week"] = d(r["week"])
                r["_season"], r["_limited"] = parse_season(r["season_title"])
                rows.append(r)
        return rows

    def _report(self, half, fname):
        wb = openpyxl.load_workbook(os.path.join(self.root, "netflix-engagement", fname), read_only=True)
        rows = []
        for ws in wb.worksheets:
            if ws.title not in ("Engagement", "TV", "Shows"):
                continue
            header = None
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                cells = list(row)
                if header is None:
                    if "Title" in cells:
                        header = {c: j for j, c in enumerate(cells) if c}
                    continue
                title = cells[header["Title"]]
                if not title:
                    continue
                rel = cells[header["Release Date"]] if "Release Date" in header else None
                rows.append({
                    "title": str(title), "sheet": ws.title, "row": i + 1,
                    "release": d(rel) if rel else None,
                    "hours": cells[header["Hours Viewed"]],
                    "views": cells[header["Views"]] if "Views" in header else None,
                })
        wb.close()
        return rows

    # ---- views of the data as of a date -------------------------------------------------------
    def snapshot(self, asof):
        return self.top10["2022-11-09" if asof < SNAPSHOT_2022 and not self.current_only else "current"]

    def rows(self, series, asof, season=None):
        src = self.snapshot(asof)
        s = fold(series)
        return [r for r in src if fold(r["show_title"]) == s
                and r["_week"] + dt.timedelta(days=2) <= asof
                and (season is None or r["_season"] == season)]

    def last_published_week(self, asof):
        src = self.snapshot(asof)
        weeks = [r["_week"] for r in src if r["_week"] + dt.timedelta(days=2) <= asof]
        return max(weeks) if weeks else None

    def report_rows(self, series, asof, season=None, half=None):
        out = []
        s = fold(series)
        for h, rows in self.reports.items():
            if REPORTS[h][1] > asof or (half and h != half):
                continue
            for r in rows:
                base = r["title"].split(" // ")[0]
                name = re.split(r":\s*(?:Season|Part|Limited Series|S\d)", base)[0].strip()
                if fold(name) != s:
                    continue
                sn, lim = parse_season(base)
                if base.strip() == name:
                    sn = 1
                if season is None or sn == season:
                    out.append(dict(r, half=h, season=sn, limited=lim))
        return out

    def anns(self, series, asof, kinds):
        s = fold(series)
        return [c for c in self.announcements if fold(c["series"]) == s and c["kind"] in kinds
                and d(c["published"]) <= asof]

    def justwatch(self, series, asof):
        if asof < JUSTWATCH_PUBLISHED:
            return None
        c = [t for t in self.jw_titles if fold(t["title"]) == fold(series)]
        return max(c, key=lambda t: int(t["release_year"] or 0)) if c else None

    def tmdb_row(self, series, asof):
        if asof < TMDB_PUBLISHED:
            return None
        return self.tmdb.get(fold(series))


def ann_src(c):
    return {"file": "announcements/netflix-announcements.toml", "kind": c["kind"],
            "season": c.get("season"), "event_date": str(c.get("event_date", "")),
            "date_precision": c.get("date_precision", "exact"), "published": str(c["published"]),
            "outlet": c["source"]["name"], "url": c["source"].get("url")}


def row_src(r):
    return {"file": r["_file"], "line": r["_line"], "week": r["week"], "category": r["category"],
            "rank": int(r["weekly_rank"]), "season_title": r["season_title"],
            "hours": int(r["weekly_hours_viewed"])}


def rep_src(r):
    return {"file": "netflix-engagement/" + REPORTS[r["half"]][0], "sheet": r["sheet"],
            "row": r["row"], "title": r["title"], "half": r["half"]}


def tol_for(weeks):
    return sum(10_000 if w <= ROUNDING_SWITCH else 100_000 for w in weeks)


def earliest(claims):
    return sorted(claims, key=lambda c: (str(c["published"]), str(c.get("event_date", ""))))[0]


def event_date(claims):
    """The date of an event several announcements date: the earliest exact event_date when one is
    exact (a bound only says by when), else the earliest no_later_than bound (the tightest)."""
    exact = [d(c["event_date"]) for c in claims if c.get("date_precision", "exact") == "exact"]
    return min(exact) if exact else min(d(c["event_date"]) for c in claims)


def later_season_evidence(D, series, asof, s):
    """Evidence that a season > s exists or was ordered, as of asof."""
    rows = [r for r in D.rows(series, asof) if r["_season"] and r["_season"] > s]
    if rows:
        r = min(rows, key=lambda r: r["_week"])
        return {"season": r["_season"], "source": row_src(r)}
    rr = [r for r in D.report_rows(series, asof) if r["season"] and r["season"] > s]
    if rr:
        return {"season": rr[0]["season"], "source": rep_src(rr[0])}
    ren = [c for c in D.anns(series, asof, {"season_renewed"}) if c["season"] > s]
    if ren:
        c = earliest(ren)
        return {"season": c["season"], "source": ann_src(c)}
    return None


def judge(D, art, c):
    asof = art["published"]
    kind, series, season, stated = c["kind"], c["series"], c.get("season"), c.get("stated")
    R = lambda v, t, s, why: {"verdict": v, "truth": t, "source": s, "rule": why}

    if kind in NOT_COVERED:
        return R("unverifiable", None, None, f"no file covers {kind}")

    if kind == "window_hours":
        lo, hi = d(c["from"]), d(c["to"])
        rows = D.rows(series, asof, season)
        byweek = {r["_week"]: r for r in rows}
        last = D.last_published_week(asof)
        inside, edge, missing = [], [], []
        w = lo + dt.timedelta(days=(6 - lo.weekday()) % 7)  # the Sunday ending the week holding lo
        while w - dt.timedelta(days=6) <= hi:
            mon = w - dt.timedelta(days=6)
            if mon >= lo and w <= hi:
                (inside if w in byweek else missing).append(w)
            else:
                edge.append(w)
            w += dt.timedelta(days=7)
        partial = [w for w in edge if w in byweek]  # an uncharted edge week counts as outside
        total = sum(int(byweek[w]["weekly_hours_viewed"]) for w in inside)
        tol = tol_for(inside)
        truth = {"hours": total, "tolerance": tol,
                 "weeks": [{"week": w.isoformat(), "rank": int(byweek[w]["weekly_rank"]),
                            "hours": int(byweek[w]["weekly_hours_viewed"])} for w in inside],
                 "partly_inside": [{"week": w.isoformat(), "charted": w in byweek,
                                    "hours": int(byweek[w]["weekly_hours_viewed"]) if w in byweek else None}
                                   for w in edge],
                 "weeks_not_charted": [w.isoformat() for w in missing]}
        src = [row_src(byweek[w]) for w in inside + partial if w in byweek]
        unpublished = last is None or hi > last or lo < CHART_START
        if not missing and not partial and not unpublished and inside:
            ok = abs(float(stated) - total) <= tol
            return R("verified" if ok else "contradicted", truth, src,
                     "the window is whole chart weeks, all charted: sum within rounding" if ok
                     else "the window is whole chart weeks, all charted: sum differs beyond rounding")
        if inside and float(stated) < total - tol:
            return R("contradicted", truth, src, "stated is below the sum of the charted weeks inside the window")
        if not missing and not unpublished and partial and all(w in byweek for w in partial):
            upper = total + sum(int(byweek[w]["weekly_hours_viewed"]) for w in partial)
            if float(stated) > upper + tol_for(inside + partial):
                return R("contradicted", truth, src, "stated exceeds the charted weeks including the partly-inside ones")
        why = ("the window reaches past the last chart published at the dateline, or before the chart began"
               if unpublished else "weeks of the window not charted, or only partly inside it: the sum is a bound")
        return R("unverifiable", truth, src, why)

    if kind in ("top10_weeks", "peak_rank"):
        rows = D.rows(series, asof, season)
        if c.get("category"):
            rows = [r for r in rows if r["category"] == c["category"]]
        if not rows:
            return R("unverifiable", None, None, "no Top 10 row for the season published by the dateline")
        early = any(r["_week"] == FIRST_WEEK for r in rows)
        weeks = sorted(rows, key=lambda r: r["_week"])
        if kind == "top10_weeks":
            truth = {"weeks": len(rows), "first": weeks[0]["week"], "last": weeks[-1]["week"],
                     "categories": sorted({r["category"] for r in rows})}
            val = len(rows)
        else:
            best = min(rows, key=lambda r: (int(r["weekly_rank"]), r["_week"]))
            truth = {"rank": int(best["weekly_rank"]), "week": best["week"], "category": best["category"]}
            val = int(best["weekly_rank"])
        src = [row_src(r) for r in weeks]
        if early:
            return R("unverifiable", truth, src, "the season was out before the chart began (2021-07-04)")
        ok = int(stated) == val
        return R("verified" if ok else "contradicted", truth, src, "equal" if ok else "differs")

    if kind in ("engagement_hours", "engagement_views"):
        half = c["half"]
        if half not in REPORTS:
            return R("unverifiable", None, None, f"Netflix published no engagement report for {half}")
        if REPORTS[half][1] > asof:
            return R("unverifiable", None, None, f"the {half} report was published {REPORTS[half][1]}, after the dateline")
        rr = D.report_rows(series, asof, season, half)
        if not rr:
            return R("unverifiable", None, None, f"no {half} report row for the season")
        r = rr[0]
        field = "hours" if kind == "engagement_hours" else "views"
        if r[field] is None:
            return R("unverifiable", None, rep_src(r), f"the {half} report has no {field}")
        ok = abs(float(stated) - r[field]) <= 100_000
        return R("verified" if ok else "contradicted", {field: r[field], "tolerance": 100_000},
                 rep_src(r), "within the report's rounding (100,000)" if ok else "differs beyond 100,000")

    if kind in ("release_date", "premiered"):
        exact = []
        for a in D.anns(series, asof, {"release_date_announced"}):
            if a["season"] == season:
                exact.append((d(a["release_date"]), ann_src(a)))
        for a in D.anns(series, asof, {"premiered"}):
            if a["season"] == season and a.get("date_precision", "exact") == "exact":
                exact.append((d(a["event_date"]), ann_src(a)))
        for r in D.report_rows(series, asof, season):
            if r["release"]:
                exact.append((r["release"], rep_src(r)))
        t = D.tmdb_row(series, asof)
        if t and season == 1 and t["first_air_date"]:
            exact.append((d(t["first_air_date"]), {"file": "tmdb/tv-status.csv", "name": t["name"],
                                                     "first_air_date": t["first_air_date"]}))
        rows = sorted(D.rows(series, asof, season), key=lambda r: r["_week"])
        if exact:
            hit = [(x, s) for x, s in exact if precision_match(stated, x)]
            if hit:
                return R("verified", hit[0][0].isoformat(), [s for _, s in hit], "a dated source equals it at the stated precision")
            dates = sorted({x for x, _ in exact})
            return R("contradicted", dates[0].isoformat() if len(dates) == 1 else [x.isoformat() for x in dates],
                     [s for _, s in exact], "dated sources differ at the stated precision")
        if rows:
            first = rows[0]
            truth = {"no_later_than": first["week"]}
            if period_start(stated) > first["_week"]:
                return R("contradicted", truth, row_src(first), "stated is after the season's first chart week")
            return R("unverifiable", truth, row_src(first), "only bounded by the first chart week")
        return R("unverifiable", None, None, "no dated source for the season by the dateline")

    if kind == "renewed":
        n = int(stated)
        ren = [a for a in D.anns(series, asof, {"season_renewed"}) if a["season"] >= n]
        stop = [a for a in D.anns(series, asof, {"canceled", "ended"}) if a["season"] < n]
        if ren and stop:
            last_stop = max(d(a.get("event_date") or a["published"]) for a in stop)
            ren = [a for a in ren if a.get("event_date") and d(a["event_date"]) > last_stop]
        if ren:
            exact_n = [a for a in ren if a["season"] == n] or ren
            if c.get("date"):
                first = event_date(exact_n)
                hit = [a for a in exact_n if d(a["event_date"]) == first and precision_match(c["date"], first)]
                if not hit:
                    a = earliest(exact_n)
                    return R("contradicted", {"season": a["season"], "event_date": str(a["event_date"])},
                             [ann_src(x) for x in exact_n], "renewed, but no source dates it so")
                exact_n = hit
            a = earliest(exact_n)
            truth = {"season": a["season"], "event_date": str(a["event_date"])}
            return R("verified", truth, ann_src(a), "a season_renewed claim for it (or a later season)")
        made = [r for r in D.rows(series, asof) if r["_season"] and r["_season"] >= n]
        if made and not c.get("date"):
            r = min(made, key=lambda r: r["_week"])
            return R("verified", {"season": r["_season"], "charted": r["week"]}, row_src(r), "the season charted")
        if stop:
            a = earliest(stop)
            return R("contradicted", {a["kind"]: a["season"], "event_date": str(a["event_date"])}, ann_src(a),
                     f"{a['kind']} after season {a['season']}")
        t = D.tmdb_row(series, asof)
        if t and t["status"] == "Canceled" and int(t["number_of_seasons"]) < n:
            return R("contradicted", {"status": "Canceled", "seasons": int(t["number_of_seasons"])},
                     {"file": "tmdb/tv-status.csv", "name": t["name"]}, "TMDB: Canceled")
        return R("unverifiable", None, None, "no renewal, cancellation or later season known by the dateline")

    if kind == "canceled":
        s = int(stated)
        canc = D.anns(series, asof, {"canceled"})
        mine = [a for a in canc if a["season"] == s]
        if mine:
            a = earliest(mine)
            truth = {"canceled_after": s, "event_date": str(a["event_date"])}
            if c.get("date") and not precision_match(c["date"], event_date(mine)):
                return R("contradicted", truth, ann_src(a), "canceled, but on another date")
            return R("verified", truth, ann_src(a), "a canceled claim for that season")
        if canc:
            a = earliest(canc)
            return R("contradicted", {"canceled_after": a["season"], "event_date": str(a["event_date"])},
                     ann_src(a), "canceled after another season")
        later = later_season_evidence(D, series, asof, s)
        if later:
            return R("contradicted", {"later_season": later["season"]}, later["source"], "a later season exists or was ordered")
        ended = [a for a in D.anns(series, asof, {"ended"}) if a["season"] == s]
        if ended:
            a = earliest(ended)
            return R("contradicted", {"ended": s, "event_date": str(a["event_date"])}, ann_src(a),
                     "announced as the final season (a planned ending, not a cancellation)")
        t = D.tmdb_row(series, asof)
        if t and t["status"] == "Canceled" and int(t["number_of_seasons"]) == s:
            return R("verified", {"status": "Canceled", "seasons": s}, {"file": "tmdb/tv-status.csv", "name": t["name"]}, "TMDB: Canceled")
        why = "TMDB says Ended, which is not a cancellation" if t and t["status"] == "Ended" else "no cancellation known by the dateline"
        return R("unverifiable", {"tmdb_status": t["status"]} if t else None,
                 {"file": "tmdb/tv-status.csv", "name": t["name"]} if t else None, why)

    if kind == "final_season":
        n = int(stated)
        ended = D.anns(series, asof, {"ended"})
        if ended:
            a = sorted(ended, key=lambda x: (str(x["published"]), str(x.get("event_date"))))[-1]
            truth = {"final_season": a["season"], "event_date": str(a["event_date"])}
            if a["season"] == n:
                return R("verified", truth, ann_src(a), "the latest ended claim names it")
            return R("contradicted", truth, ann_src(a), "the latest ended claim names another season")
        later = later_season_evidence(D, series, asof, n)
        if later:
            return R("contradicted", {"later_season": later["season"]}, later["source"], "a later season exists or was ordered")
        canc = [a for a in D.anns(series, asof, {"canceled"}) if a["season"] == n]
        if canc:
            a = earliest(canc)
            return R("verified", {"canceled_after": n}, ann_src(a), "canceled after it")
        return R("unverifiable", None, None, "no final season known by the dateline")

    if kind == "limited_series":
        lim = D.anns(series, asof, {"limited_series"})
        if lim:
            a = earliest(lim)
            return R("verified", True, ann_src(a), "a limited_series claim")
        rows = [r for r in D.rows(series, asof) if r["_limited"]]
        if rows:
            return R("verified", True, row_src(rows[0]), "a ': Limited Series' chart title")
        rr = [r for r in D.report_rows(series, asof) if r["limited"]]
        if rr:
            return R("verified", True, rep_src(rr[0]), "a ': Limited Series' report title")
        later = later_season_evidence(D, series, asof, 1)
        if later:
            return R("contradicted", {"season": later["season"]}, later["source"], "a second season exists or was ordered")
        return R("unverifiable", None, None, "nothing says limited or not")

    if kind == "season_count":
        n = int(stated)
        seen = []
        for r in D.rows(series, asof):
            if r["_season"]:
                seen.append((r["_season"], row_src(r)))
        for r in D.report_rows(series, asof):
            if r["season"]:
                seen.append((r["season"], rep_src(r)))
        j = D.justwatch(series, asof)
        if j and j["seasons"]:
            seen.append((int(float(j["seasons"])), {"file": "justwatch/titles.csv", "id": j["id"], "seasons": j["seasons"]}))
        for a in D.anns(series, asof, {"release_date_announced", "premiered"}):
            when = d(a.get("release_date") or a["event_date"])
            if when <= asof:
                seen.append((a["season"], ann_src(a)))
        if not seen:
            return R("unverifiable", None, None, "no season seen by the dateline")
        L = max(x for x, _ in seen)
        best = [s for x, s in seen if x == L][0]
        if n == L:
            return R("verified", L, best, "the most seasons seen out by the dateline")
        if n < L:
            return R("contradicted", L, best, "more seasons were out")
        fin = [a for a in D.anns(series, asof, {"ended", "canceled"}) if a["season"] == L]
        if fin:
            return R("contradicted", L, [best, ann_src(earliest(fin))], "the show stopped at that season")
        return R("unverifiable", L, best, "more seasons than seen; none known to be final")

    if kind in ("cast", "director"):
        j = D.justwatch(series, asof)
        if not j:
            why = "JustWatch (published 2022-12-31) not yet out at the dateline" if asof < JUSTWATCH_PUBLISHED else "title not in JustWatch"
            return R("unverifiable", None, None, why)
        credits = D.jw_credits.get(j["id"], [])
        person = c.get("person") if kind == "cast" else stated
        role = "ACTOR" if kind == "cast" else "DIRECTOR"
        cr = [r for r in credits if r["role"] == role]
        srcf = lambda r: {"file": "justwatch/credits.csv", "line": r["_line"], "id": j["id"], "name": r["name"],
                          "character": r["character"], "role": r["role"]}
        if kind == "director":
            hit = [r for r in cr if fold(r["name"]) == fold(person)]
            if hit:
                return R("verified", hit[0]["name"], srcf(hit[0]), "credited as director")
            if cr:
                return R("contradicted", [r["name"] for r in cr], [srcf(r) for r in cr], "other directors credited")
            return R("unverifiable", None, None, "no directors credited")
        def plays(r, ch):
            full = fold(r["character"])
            parts = [fold(p) for p in r["character"].split(" / ")]
            ch = fold(ch)
            return bool(ch) and (ch == full or ch in parts or f" {ch} " in f" {full} ")
        me = [r for r in cr if fold(r["name"]) == fold(person)]
        if me:
            r = me[0]
            if not r["character"]:
                return R("unverifiable", None, srcf(r), "credited without a character")
            ok = plays(r, stated)
            return R("verified" if ok else "contradicted", r["character"], srcf(r),
                     "the credited character" if ok else "credited as another character")
        other = [r for r in cr if r["character"] and plays(r, stated)]
        if other:
            return R("contradicted", {"character": other[0]["character"], "played_by": other[0]["name"]},
                     srcf(other[0]), "that character is credited to someone else")
        return R("unverifiable", None, None, "person not credited")

    if kind == "platform":
        found = None
        rows = D.rows(series, asof)
        if rows:
            found = ("Netflix", row_src(rows[0]))
        elif D.report_rows(series, asof):
            found = ("Netflix", rep_src(D.report_rows(series, asof)[0]))
        t = D.tmdb_row(series, asof)
        if t:
            found = (t["network1"], {"file": "tmdb/tv-status.csv", "name": t["name"], "network1": t["network1"]})
        elif not found and D.justwatch(series, asof):
            found = ("Netflix", {"file": "justwatch/titles.csv", "id": D.justwatch(series, asof)["id"]})
        if not found:
            return R("unverifiable", None, None, "no platform known by the dateline")
        ok = fold(stated) == fold(found[0])
        return R("verified" if ok else "contradicted", found[0], found[1], "equal" if ok else "another platform")

    raise SystemExit(f"unknown kind {kind!r}")


SINGLE_VALUED = {"canceled", "final_season", "limited_series", "release_date", "premiered", "window_hours",
                 "top10_weeks", "peak_rank", "engagement_hours", "engagement_views", "season_count",
                 "episode_count", "cast", "rotten_tomatoes", "metacritic"}


def conflicts(a, b):
    """Whether two key claims cannot both hold. The conflicts this script knows:
    - the same single-valued fact (kind, series, season, person, half, window, category) stated
      with two values (dates: neither a prefix of the other, so "2022-11" and "2022-11-23" agree);
    - canceled after S or final season S vs renewed for N > S, or season_count N > S;
    - canceled after S vs final season F != S;
    - limited series vs renewed for N >= 2 or season_count >= 2.
    Several directors, creators, platforms or renewals can all hold, so they never conflict."""
    if a["series"] != b["series"]:
        return False
    same = lambda f: a.get(f) == b.get(f)
    if a["kind"] == b["kind"] and a["kind"] in SINGLE_VALUED and all(
            same(f) for f in ("season", "person", "half", "from", "to", "category")):
        x, y = a.get("stated"), b.get("stated")
        if a["kind"] in ("release_date", "premiered"):
            return not (str(x).startswith(str(y)) or str(y).startswith(str(x)))
        if a["kind"] == "cast":
            return fold(x) != fold(y)
        return x != y
    for x, y in ((a, b), (b, a)):
        if x["kind"] in ("canceled", "final_season"):
            s = int(x["stated"])
            if y["kind"] in ("renewed", "season_count") and int(y["stated"]) > s:
                return True
            if x["kind"] == "canceled" and y["kind"] == "final_season" and int(y["stated"]) != s:
                return True
        if x["kind"] == "limited_series" and x.get("stated") is True \
                and y["kind"] in ("renewed", "season_count") and int(y["stated"]) >= 2:
            return True
    return False


def REPORTS_OR(path):
    return TMDB_PUBLISHED if path == "tmdb/tv-status.csv" else "its MANIFEST date"


def article_text(path):
    """The article's text for span matching: for HTML the tags dropped and entities decoded; then
    every run of whitespace is one space (a span is verbatim up to line wrapping)."""
    raw = open(path, encoding="utf-8").read()
    if path.endswith(".html"):
        raw = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", raw)
        raw = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return " ".join(raw.split())


def load_corpus(cdir):
    arts = []
    for kf in sorted(glob.glob(os.path.join(cdir, "*.key.toml"))):
        try:
            key = tomllib.load(open(kf, "rb"))
        except tomllib.TOMLDecodeError as e:
            sys.exit(f"{kf}: {e}")
        a = key["article"]
        a["published"] = d(a["published"])
        path = os.path.join(cdir, a["file"])
        arts.append((kf, key, article_text(path)))
    return arts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data")
    ap.add_argument("--corpus", default=os.path.join(REPO, "crates/news/tests/corpus"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--stats", action="store_true")
    args = ap.parse_args()
    data = args.data or next((p for p in (os.path.join(REPO, "..", "shared", "data"),
                                          os.path.join(REPO, "..", "..", "shared", "data"),
                                          "/work/shared/data") if os.path.isdir(p)), None)
    if not data:
        sys.exit("no data folder: pass --data DIR")
    D = Data(data)
    out, problems = [], []
    for kf, key, text in load_corpus(args.corpus):
        art = key["article"]
        name = os.path.basename(kf)
        res = []
        for i, c in enumerate(key.get("claim", [])):
            if c["kind"] not in KINDS:
                problems.append(f"{name} claim #{i + 1}: unknown kind {c['kind']!r}")
                continue
            need = ["span", "kind", "series", "stated", "expect"] + REQUIRED.get(c["kind"], [])
            missing = [f for f in need if f not in c]
            if missing or c["expect"] not in VERDICTS:
                problems.append(f"{name} claim #{i + 1} [{c['kind']}]: missing {missing} or bad expect")
                continue
            if " ".join(c["span"].split()) not in text:
                problems.append(f"{name} claim #{i + 1} [{c['kind']}]: span not found verbatim: {c['span']!r}")
            j = judge(D, art, c)
            used = json.dumps(j["source"], default=str)
            caveats = [f"{f} is dated at_earliest {REPORTS_OR(f)}: it may not yet have been public at the dateline"
                       for f, prec in PRECISION.items() if prec == "at_earliest" and f'"{f}"' in used]
            if caveats:
                j["caveats"] = caveats
            if art["published"] < SNAPSHOT_2022:
                D.current_only = True
                k = judge(D, art, c)
                D.current_only = False
                if (k["verdict"], json.dumps(k["truth"], default=str)) != (j["verdict"], json.dumps(j["truth"], default=str)):
                    problems.append(f"{name} claim #{i + 1} [{c['kind']}]: judged on the current Top 10 file (the store's only "
                                    f"snapshot) it is {k['verdict']} {k['truth']}, on the 2022-11-09 one {j['verdict']} {j['truth']}")
            if j["verdict"] != c["expect"]:
                problems.append(f"{name} claim #{i + 1} [{c['kind']}] {c['span']!r}: expect {c['expect']}, "
                                f"computed {j['verdict']} ({j['rule']}; truth {json.dumps(j['truth'], ensure_ascii=False, default=str)})")
            res.append(dict({k: (str(v) if isinstance(v, dt.date) else v) for k, v in c.items()}, **j))
        cons = key.get("contradiction", [])
        if len(cons) != 1:
            problems.append(f"{name}: {len(cons)} [[contradiction]] entries, want exactly 1")
        spans = {c["span"]: c for c in key.get("claim", [])}
        for con in cons:
            a, b = (spans.get(s) for s in con["spans"])
            if a is None or b is None:
                problems.append(f"{name}: contradiction span is not a claim span: {con['spans']}")
            elif not conflicts(a, b):
                problems.append(f"{name}: contradiction spans do not conflict by the script's rules: {con['spans']}")
        claims = key.get("claim", [])
        pairs = [(a["span"], b["span"]) for i, a in enumerate(claims) for b in claims[i + 1:] if conflicts(a, b)]
        declared = {frozenset(con["spans"]) for con in cons}
        for x, y in pairs:
            if frozenset((x, y)) not in declared:
                problems.append(f"{name}: undeclared conflict between {x!r} and {y!r} (want exactly one)")
        words = len(text.split())
        out.append({"file": art["file"], "title": art["title"], "outlet": art["outlet"], "url": art["url"],
                    "published": art["published"].isoformat(), "series": art["series"], "words": words,
                    "claims": res, "contradiction": cons})
    if args.stats:
        counts = {k: {v: 0 for v in VERDICTS} for k in KINDS}
        for a in out:
            for c in a["claims"]:
                counts[c["kind"]][c["verdict"]] += 1
        print("| kind | verified | contradicted | unverifiable | total |")
        print("|---|---|---|---|---|")
        tot = {v: 0 for v in VERDICTS}
        for k in KINDS:
            row = counts[k]
            for v in VERDICTS:
                tot[v] += row[v]
            print(f"| {k} | {row['verified']} | {row['contradicted']} | {row['unverifiable']} | {sum(row.values())} |")
        print(f"| **all** | {tot['verified']} | {tot['contradicted']} | {tot['unverifiable']} | {sum(tot.values())} |")
        print(f"\n{len(out)} articles, {sum(len(a['claims']) for a in out)} claims, "
              f"{sum(len(a['contradiction']) for a in out)} self-contradictions")
        return
    if args.check:
        for a in out:
            if not 300 <= a["words"] <= 900:
                problems.append(f"{a['file']}: {a['words']} words, want 300-900")
        # coverage the brief asks for
        counts = {}
        for a in out:
            for c in a["claims"]:
                counts.setdefault(c["kind"], set()).add(c["verdict"])
                counts.setdefault(c["kind"] + "#", []).append(1)
        for k in KINDS:
            if len(counts.get(k + "#", [])) < 2:
                problems.append(f"corpus: kind {k} has fewer than 2 claims")
        for k in VIEWING:
            for v in VERDICTS:
                if v not in counts.get(k, set()):
                    problems.append(f"corpus: viewing kind {k} has no {v} claim")
        for k in DECISIONS:
            for v in ("verified", "contradicted"):
                if v not in counts.get(k, set()):
                    problems.append(f"corpus: decision kind {k} has no {v} claim")
        if problems:
            print("\n".join(problems))
            sys.exit(1)
        print(f"ok: {len(out)} articles, {sum(len(a['claims']) for a in out)} claims agree with the data")
        return
    json.dump({"data": os.path.abspath(data), "articles": out}, sys.stdout, ensure_ascii=False, indent=1, default=str)
    print()


if __name__ == "__main__":
    main()
