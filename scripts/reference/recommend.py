#!/usr/bin/env python3
"""Reference oracle for lunchmesh recommendations (docs/recommend.md).

Implements the contract's rules in plain Python so a test can feed the same
dataset to lunchmesh and to this script and compare the outputs exactly.

    recommend.py smart   --data F [--from D] [--days N] [--seed S] [--users-subset K]
    recommend.py daily   --data F --date T [--seed S]
    recommend.py suggest --data F --user U --date D
    recommend.py score   --data F --users a,b,c --date D
    recommend.py gen     --users N --seed S [--parties P] [--schedules K] [--today D]
    recommend.py seed-users [--seed-file FILE] [--today D]

`--data -` reads the dataset from stdin. Output: compact JSON on stdout.
An unknown user prints {"error":"not_found"} and exits 1.
"""

import argparse
import calendar
import heapq
import json
import os
import random
import re
import sys
import time
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

M64 = 0xFFFFFFFFFFFFFFFF
SCALE = 1.0 / 9007199254740992.0  # 2^-53, exact
EPOCH = date(1970, 1, 1)
KST = timezone(timedelta(hours=9))
CHUNK, DAILY_MAX, SUGGEST_MAX = 3, 20, 5


# ---- random terms -----------------------------------------------------------
def mix(z):
    """splitmix64 finaliser; z must already be in [0, 2^64)."""
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & M64
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def fnv(s):
    """FNV-1a 64 of the UTF-8 bytes."""
    h = 0xCBF29CE484222325
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def day(d):
    return (d - EPOCH).days


def unit(seed, a, b, c):
    """[0,1) double; a negative a (dates before 1970) wraps like a C++ uint64 cast."""
    h = mix(mix(mix((seed ^ a) & M64) ^ b) ^ c)
    return (h >> 11) * SCALE


# ---- dataset ----------------------------------------------------------------
def natural_key(eid):
    """DB order: runs of digits (numeric, first) and other bytes; ties bytewise."""
    raw = eid.encode("utf-8")
    runs = tuple((0, int(r)) if r[:1].isdigit() else (1, r)
                 for r in re.findall(rb"[0-9]+|[^0-9]+", raw))
    return (runs, raw)


class Dataset:
    """Users in DB order plus the derived facts every rule needs."""

    def __init__(self, raw):
        self.today = date.fromisoformat(raw["today"])
        self.seed = int(raw.get("seed", 0)) & M64
        self.users = sorted(raw.get("users", []), key=lambda u: natural_key(u["employee_id"]))
        self.ids = [u["employee_id"] for u in self.users]
        self.index = {e: i for i, e in enumerate(self.ids)}
        self.parties = raw.get("parties", [])
        self.schedules = raw.get("schedules", [])
        self.count = [0] * len(self.users)  # p_x: party memberships, any date
        self.dined = {}  # unordered pair -> latest past host/member party date
        for p in self.parties:
            pd = date.fromisoformat(p["date"])
            for m in members_of(p):
                if m in self.index:
                    self.count[self.index[m]] += 1
                if pd < self.today and m != p["host"]:
                    key = pair(p["host"], m)
                    if key not in self.dined or self.dined[key] < pd:
                        self.dined[key] = pd

    def user(self, eid):
        i = self.index.get(eid)
        if i is None:
            fail_not_found()
        return self.users[i]

    def label(self, a, b):
        """last_dining_together(a, b) relative to today."""
        when = self.dined.get(pair(a, b))
        if when is None:
            return "처음 만나는 동료"
        d = (self.today - when).days
        if d <= 1:
            return "오늘" if d == 0 else "어제"
        for below, per, word in ((7, 1, "일"), (30, 7, "주"), (365, 30, "개월")):
            if d < below:
                return f"{d // per}{word} 전"
        return f"{d // 365}년 전"

    def busy(self, dates):
        """date -> set of employee_ids busy on it (§4.1), for the given dates."""
        out = {d: set() for d in dates}
        if not dates:
            return out
        for p in self.parties:
            pd = date.fromisoformat(p["date"])
            if pd in out:
                out[pd].update(members_of(p))
        lo, hi = min(dates), max(dates)
        for e in self.schedules:
            for d in occurrences(e, lo, hi):
                if d in out:
                    out[d].add(e["employee_id"])
        return out


def members_of(p):
    """Members of a party as a set; the host counts even if the list omits it."""
    return set(p.get("members", [])) | {p["host"]}


def pair(a, b):
    return (a, b) if a < b else (b, a)


def add_months(d, months):
    """d + months calendar months, clamped to the month's last day."""
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def occurrences(e, lo, hi):
    """Dates in [lo, hi] on which calendar entry e occurs (contract §Availability)."""
    start = date.fromisoformat(e["date"])
    if lo <= start <= hi:
        yield start
    rec = e.get("recurrence", "")
    if rec not in ("weekly", "monthly", "yearly"):
        return
    step = max(1, int(e.get("interval") or 1))
    last = hi
    if e.get("until"):
        last = min(last, date.fromisoformat(e["until"]))
    if rec == "weekly":
        days = 7 * step
        k = max(1, -(-(lo - start).days // days))  # first k >= 1 landing on or after lo
        d = start + timedelta(days=k * days)
        while d <= last:
            yield d
            d += timedelta(days=days)
        return
    unit_months = step * (1 if rec == "monthly" else 12)
    gap = (lo.year - start.year) * 12 + lo.month - start.month
    k = max(1, gap // unit_months - 1)  # skip whole periods before lo, never past it
    while True:
        d = add_months(start, k * unit_months)  # always from start: Jan 31 -> Feb 28 -> Mar 31
        if d > last:
            return
        if d >= lo:
            yield d
        k += 1


# ---- smart (§4.2) -----------------------------------------------------------
@lru_cache(maxsize=None)
def shapes(n):
    """Index groups of §4.2 step 5 ('generate_efficient_groups') for |S| = n."""
    out = []
    for i in range(min(n - 2, 6)):
        for j in (i + 1, i + 2):
            if j < n - 1:
                for k in (j + 1, j + 2):
                    if k < n and len(out) < 6:
                        out.append((i, j, k))
    for i in range(min(n - 1, 3)):
        if len(out) < 9:
            out.append((i, i + 1))
    if n >= 1 and len(out) < 10:
        out.append((0,))
    return tuple(out)


def base_row(ds, ui):
    """float(compat(u,v) + pattern(u,v)) for every v; independent of the date."""
    u, pu = ds.users[ui], ds.count[ui]
    g, a, s = u.get("main_dish_genre", ""), u.get("age_group", ""), u.get("gender", "")
    row = []
    for v, pv in zip(ds.users, ds.count):
        c = 0
        if g and g == v.get("main_dish_genre", ""):
            c += 30
        if a and a == v.get("age_group", ""):
            c += 20
        vs = v.get("gender", "")
        if s and vs and s != vs:
            c += 15
        d = abs(pu - pv)
        c += 20 if d <= 2 else 10 if d <= 5 else 0
        row.append(float(c))
    return row


def smart(ds, start, days, seed, subset):
    dates = [start + timedelta(days=i) for i in range(days)]
    dates = [d for d in dates if d.weekday() < 5]
    busy = ds.busy(dates)
    avail = {d: [i for i, e in enumerate(ds.ids) if e not in busy[d]] for d in dates}
    hday = {d: mix((seed ^ day(d)) & M64) for d in dates}
    fnvs = [fnv(e) for e in ds.ids]
    n_req = len(ds.ids) if subset is None else min(subset, len(ds.ids))
    result, entries = {}, 0
    for ui in range(n_req):
        uid, base, per_date, members = ds.ids[ui], None, {}, {}
        for d in dates:
            if uid in busy[d] or len(avail[d]) < 2:
                continue
            base = base or base_row(ds, ui)
            if seed:  # r = 50 * unit(seed, day(D), fnv(u), fnv(v)), outer mixes hoisted
                h2 = mix(hday[d] ^ fnvs[ui])
                # key (-total, DB index): nsmallest then keeps C order on ties
                cand = [(-(base[v] + 50.0 * ((mix(h2 ^ fnvs[v]) >> 11) * SCALE)), v)
                        for v in avail[d] if v != ui]
            else:
                cand = [(-(base[v] + 0.0), v) for v in avail[d] if v != ui]
            top = [v for _, v in heapq.nsmallest(5, cand)]
            for v in top:
                if v not in members:
                    members[v] = smart_member(ds, uid, ds.users[v])
            day_s = d.isoformat()
            per_date[day_s] = [{"proposed_date": day_s,
                              "recommended_group": [members[top[i]] for i in shape]}
                             for shape in shapes(len(cand))]
            entries += 1
        if per_date:
            result[uid] = per_date
    return result, entries, n_req, len(dates)


def smart_member(ds, uid, v):
    styles = v.get("lunch_styles", [])
    return {"employee_id": v["employee_id"], "nickname": v.get("nickname") or "익명",
            "lunch_preference": styles[0] if styles else "",
            "main_dish_genre": v.get("main_dish_genre", ""),
            "last_dining_together": ds.label(uid, v["employee_id"])}


# ---- daily (§4.3) -----------------------------------------------------------
def compat01(u, v):
    x = 0.0
    if set(u.get("food_preferences", [])) & set(v.get("food_preferences", [])):
        x += 0.3
    if u.get("preferred_time") and u.get("preferred_time") == v.get("preferred_time"):
        x += 0.2
    if set(u.get("frequent_areas", [])) & set(v.get("frequent_areas", [])):
        x += 0.2
    ua, va = u.get("allergies", []), v.get("allergies", [])
    if ua and va and not set(ua) & set(va):
        x += 0.1
    x += 0.2
    return min(1.0, x)


def pattern01(u, v):
    x = 0.0
    if u.get("preferred_time", "") == v.get("preferred_time", ""):
        x += 0.5
    if u.get("main_dish_genre", "") == v.get("main_dish_genre", ""):
        x += 0.3
    return min(1.0, x)


def daily(ds, t, seed):
    busy = ds.busy([t])[t]
    avail = [u for u in ds.users if u["employee_id"] not in busy]
    fd = fnv("daily")
    r = {u["employee_id"]: unit(seed, day(t), fd, fnv(u["employee_id"])) if seed else 0.0
         for u in avail}
    groups = []
    for u in avail:
        if len(groups) >= DAILY_MAX:
            break
        uid = u["employee_id"]
        scored = [(0.6 * compat01(u, v) + 0.3 * pattern01(u, v) + 0.1 * r[v["employee_id"]], v)
                  for v in avail if v is not u]
        scored.sort(key=lambda t_v: -t_v[0])  # stable: ties stay in DB order
        for k in range(0, len(scored) - CHUNK + 1, CHUNK):
            if len(groups) >= DAILY_MAX:
                break
            groups.append({"for_user": uid, "proposed_date": t.isoformat(),
                           "recommended_group": [
                               {"nickname": v.get("nickname", ""),
                                "lunch_preference": ",".join(v.get("lunch_styles", [])),
                                "employee_id": v["employee_id"],
                                "compatibility_score": round(tot, 2),
                                "last_dining_together": ds.label(uid, v["employee_id"])}
                               for tot, v in scored[k:k + CHUNK]]})
    return groups


# ---- suggest (§4.4) and group score (§4.7) ----------------------------------
def genres(u):
    return {g for g in u.get("main_dish_genre", "").split(",") if g}


def suggest(ds, uid, d):
    req = ds.user(uid)
    busy = ds.busy([d])[d] | {uid}
    cands = [v for v in ds.users if v["employee_id"] not in busy]
    rs, rg = set(req.get("lunch_styles", [])), genres(req)
    cands.sort(key=lambda v: -(len(rs & set(v.get("lunch_styles", []))) + len(rg & genres(v))))
    groups = []
    for k in range(min(SUGGEST_MAX, len(cands) // 3 + 1)):
        chunk = cands[3 * k:3 * k + 3]
        if chunk:  # disjoint chunks, so de-duplication never drops one
            groups.append({"group_id": len(groups) + 1, "users": [
                {"employee_id": v["employee_id"], "nickname": v.get("nickname", ""),
                 "lunch_preference": ",".join(v.get("lunch_styles", [])),
                 "main_dish_genre": v.get("main_dish_genre", ""),
                 "gender": v.get("gender", ""), "age_group": v.get("age_group", "")}
                for v in chunk]})
    return groups


def group_score(users, d):
    n = len(users)
    if n > 4:
        return 0
    s = {1: 10, 2: 20, 3: 30, 4: 25}.get(n, 0)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = users[i], users[j]
            fa, fb = set(a.get("food_preferences", [])), set(b.get("food_preferences", []))
            if fa and fb:
                s += 15 * len(fa & fb)
            la, lb = set(a.get("lunch_styles", [])), set(b.get("lunch_styles", []))
            if la and lb:
                s += 20 * len(la & lb)
            if a.get("preferred_time", "") == b.get("preferred_time", ""):
                s += 15
            if list(a.get("allergies", [])) == list(b.get("allergies", [])):
                s += 10
    r = (int(d.strftime("%Y%m%d")) * 9301 + 49297) % 233280
    return s + r * 16 // 233280  # == floor(r/233280*16): no k/16 lies within an ulp


# ---- synthetic data ---------------------------------------------------------
CUISINES = ["한식", "중식", "일식", "양식", "분식"]
STYLES = ["맛집 탐방", "새로운 메뉴 도전", "건강한 식사", "분위기 좋은 곳", "가성비 좋은 곳",
          "빠른 식사", "다양한 음식", "전통 음식", "친구들과 함께", "맛있는 음식", "혼자 조용히"]
AREAS = ["강남구", "서초구", "판교", "분당구"]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민수", "지은", "서연", "현우", "준호", "영희", "철수", "소영", "미라", "동현",
         "유진", "성민", "하은", "준석", "지현", "미영", "성훈", "소연", "태호", "다인"]


def gen(n, seed, n_parties, n_sched, today):
    """Reproducible random dataset: everything drawn from one random.Random(seed)."""
    rng = random.Random(seed)
    width = max(5, len(str(n)))
    ids = [f"u{i:0{width}d}" for i in range(1, n + 1)]
    users = []
    for eid in ids:
        allergy = (["없음"] if rng.random() < 0.7
                   else rng.sample(["땅콩", "갑각류", "우유"], rng.randint(1, 2)))
        users.append({
            "employee_id": eid, "nickname": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "gender": rng.choice(["", "남", "여"]),
            "age_group": rng.choice(["", "20대", "30대", "40대", "50대"]),
            "main_dish_genre": ",".join(rng.sample(CUISINES, rng.randint(1, 2))),
            "lunch_styles": rng.sample(STYLES, rng.randint(1, 2)),
            "food_preferences": rng.sample(CUISINES, rng.randint(1, 3)),
            "allergies": allergy,
            "preferred_time": rng.choice(["11:30", "12:00", "12:30", "13:00"]),
            "frequent_areas": rng.sample(AREAS, rng.randint(1, 2))})

    def some_day():
        return (today + timedelta(days=rng.randint(-60, 30))).isoformat()

    parties = []
    for pid in range(1, (n_parties if n else 0) + 1):
        picked = rng.sample(range(n), min(n, rng.randint(2, 4)))  # host first, distinct
        parties.append({"id": pid, "host": ids[picked[0]], "date": some_day(),
                        "members": [ids[i] for i in picked]})
    schedules = []
    for sid in range(1, (n_sched if n else 0) + 1):
        # mostly one-day entries; some weekly, a few monthly/yearly to exercise expansion
        start = some_day()
        rec = rng.choices(["", "weekly", "monthly", "yearly"], [6, 3, 1, 0.3])[0]
        until = ""
        if rec and rng.random() < 0.5:
            until = (date.fromisoformat(start) + timedelta(days=rng.randint(7, 120))).isoformat()
        schedules.append({"id": sid, "employee_id": rng.choice(ids), "date": start,
                          "recurrence": rec, "interval": rng.choice([1, 1, 2]) if rec else 1,
                          "until": until})
    return {"today": today.isoformat(), "seed": seed, "users": users,
            "parties": parties, "schedules": schedules}


def seed_users(path, today):
    """§2.9's 20 users as a dataset, read from the file the C++ side also uses."""
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    keys = ("employee_id", "nickname", "gender", "age_group", "main_dish_genre", "lunch_styles",
            "food_preferences", "allergies", "preferred_time", "frequent_areas")
    users = [{k: u.get(k, "") for k in keys} for u in raw]  # no gender/age in the file: ""
    return {"today": today.isoformat(), "seed": 0, "users": users, "parties": [], "schedules": []}


# ---- CLI --------------------------------------------------------------------
def fail_not_found():
    emit({"error": "not_found"})
    sys.exit(1)


def emit(obj):
    out = json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
    sys.stdout.buffer.write(out.encode("utf-8"))
    sys.stdout.flush()


def load(path):
    if path == "-":
        return Dataset(json.loads(sys.stdin.buffer.read().decode("utf-8")))
    with open(path, encoding="utf-8") as f:
        return Dataset(json.load(f))


def iso(s):
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {s!r}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    data = argparse.ArgumentParser(add_help=False)  # shared by the dataset readers
    data.add_argument("--data", required=True, help="dataset JSON file, or - for stdin")
    seeded = argparse.ArgumentParser(add_help=False)
    seeded.add_argument("--seed", type=int, help="override the dataset's seed")
    today = argparse.ArgumentParser(add_help=False)
    today.add_argument("--today", type=iso, help="default: KST today")

    p = sub.add_parser("smart", parents=[data, seeded], help="smart recommendations (§4.2)")
    p.add_argument("--from", dest="start", type=iso, help="first date (default: dataset today)")
    p.add_argument("--days", type=int, default=30, help="number of days (default 30)")
    p.add_argument("--users-subset", type=int, metavar="K",
                   help="only the first K requesters in DB order (candidates: all users)")
    p = sub.add_parser("daily", parents=[data, seeded], help="daily recommendations (§4.3)")
    p.add_argument("--date", type=iso, required=True)
    p = sub.add_parser("suggest", parents=[data], help="suggest groups (§4.4)")
    p.add_argument("--user", required=True)
    p.add_argument("--date", type=iso, required=True)
    p = sub.add_parser("score", parents=[data], help="group score (§4.7)")
    p.add_argument("--users", required=True, help="comma-separated employee_ids")
    p.add_argument("--date", type=iso, required=True)
    p = sub.add_parser("gen", parents=[today], help="synthetic dataset")
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--seed", type=int, required=True, help="RNG seed; also the dataset's seed")
    p.add_argument("--parties", type=int, help="default: one per user")
    p.add_argument("--schedules", type=int, help="default: one per two users")
    p = sub.add_parser("seed-users", parents=[today], help="the 20 seed users of §2.9")
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument("--seed-file", default=os.path.normpath(
        os.path.join(here, "..", "..", "config", "seed-users.json")))
    a = ap.parse_args(argv)

    kst_today = datetime.now(KST).date()
    if a.cmd == "gen":
        n_p = a.users if a.parties is None else a.parties
        n_s = a.users // 2 if a.schedules is None else a.schedules
        emit(gen(a.users, a.seed, n_p, n_s, a.today or kst_today))
    elif a.cmd == "seed-users":
        emit(seed_users(a.seed_file, a.today or kst_today))
    else:
        ds = load(a.data)
        seed = ds.seed if getattr(a, "seed", None) is None else a.seed & M64
        if a.cmd == "smart":
            t0 = time.perf_counter()
            res, entries, reqs, dates = smart(ds, a.start or ds.today, a.days, seed,
                                              a.users_subset)
            secs = time.perf_counter() - t0
            emit(res)
            print(f"oracle: entries={entries} requesters={reqs} dates={dates} "
                  f"seconds={secs:.3f}", file=sys.stderr)
        elif a.cmd == "daily":
            emit(daily(ds, a.date, seed))
        elif a.cmd == "suggest":
            emit(suggest(ds, a.user, a.date))
        elif a.cmd == "score":
            users = [ds.user(e) for e in a.users.split(",")]
            emit({"score": group_score(users, a.date)})


if __name__ == "__main__":
    main()
