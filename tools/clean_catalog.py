"""The cleaning stage of the catalogue build: named rules that drop, merge and re-kind OSM rows.

Used by ``tools/build_catalog.py`` on the OpenStreetMap rows of ``places.csv`` before the curated
entries are applied (curated entries always survive cleaning). Every rule has a name and a reason,
and the build counts what each one did (:class:`Report`); ``data/README.md`` lists the counts.

1. **Drop rules** (:data:`DROP_RULES`), tried in order on one row; the first that matches drops it:
   generic-name, address-label, sign-or-fragment, unnamed, non-latin-script, commercial,
   not-a-sight, no-tourism-tag, minor-without-value.
2. **Merge rules** (:func:`merge`), on the rows that are left: same-name (one object mapped
   several times), english-twin (the same object under an English and a Vietnamese name),
   part-of-complex (the parts of one complex, the enclosures of a zoo, under one entry).
3. **english-label**: a plain ``tourism=attraction`` whose name is an English description by a
   visiting mapper ("Monkey wall", "Ice Factory") is dropped once its twins are merged.
4. **Kind checks** (:data:`KIND_CHECKS`): a cave is not a zoo, a city park is not a theme park,
   a pagoda or temple is not a viewpoint, a cultural house is not a theme park.

After the curated entries: **curated-twin** merges OSM rows that are the same place as a curated
entry (same name or same core name within :data:`CURATED_TWIN_M`), and :func:`shared_points` lists
different places that sit on one point (two curated sites on one commune centroid).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

M_PER_DEG = 111_320.0
#: the same folded name within this distance is one object (single linkage: a wall mapped 4 times)
SAME_NAME_M = 500.0
#: an English-only name within this distance of a Vietnamese-named row of the same place
TWIN_M = 300.0
#: an English-only name this close to a row of the same kind is that row (whatever the words)
TWIN_SAME_KIND_M = 100.0
#: parts (gates, halls, ruins, monuments without their own identity) within this distance of a complex
COMPLEX_M = 400.0
#: plain attractions within this distance of a zoo, aquarium or theme park are its enclosures or rides
EXHIBIT_M = 500.0
#: an OSM row with the name of a curated entry within this distance is that entry
CURATED_TWIN_M = 1000.0
#: two places closer than this with different names "share one point"
SHARED_POINT_M = 25.0


def fold(text: str) -> str:
    """Return ``text`` lower-cased without Vietnamese diacritics ("Đền Hùng" → "den hung")."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def tokens(text: str) -> list[str]:
    """Return the words of ``text`` folded, split on anything that is not a letter or digit."""
    return [t for t in re.split(r"[^a-z0-9]+", fold(text)) if t]


def is_ascii_name(text: str) -> bool:
    """True when ``text`` has no Vietnamese diacritics (an English or unaccented name)."""
    return all(ord(c) < 128 for c in text)


#: one unaccented Vietnamese syllable (initial, vowel cluster, final)
_SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}"
                       r"(ch|ng|nh|[cmnpt])?$")
#: English words that happen to spell a Vietnamese syllable
_ENGLISH_SYLLABLES = {"the", "to", "bay", "tea", "beach", "bat", "mini", "no", "man", "big", "hot", "top",
                      "tiny", "new", "view", "tour", "boat", "coat", "sea", "my", "of", "on", "at", "in",
                      "by", "go", "pool", "shop", "cat", "dog", "red", "mud"}


def is_english_only(text: str) -> bool:
    """True when ``text`` is unaccented and none of its words can be a Vietnamese syllable.

    >>> is_english_only("Monkey wall"), is_english_only("Long Phuoc Tunnels"), is_english_only("Cầu Rồng")
    (True, False, False)
    """
    if not is_ascii_name(text):
        return False
    words = [w for w in tokens(text) if w.isalpha()]
    return bool(words) and not any(_SYLLABLE.match(w) and w not in _ENGLISH_SYLLABLES for w in words)


#: Vietnamese words and phrases that say what a place is, not which one it is (lower case, with
#: diacritics: "đèn" (a lamp) names a hill, "đền" (a temple) does not)
GENERIC_VI = tuple(sorted("""
bảo tàng|di tích|khu di tích|công viên|vườn hoa|tượng đài|đài tưởng niệm|quảng trường|nhà thờ|nhà văn hóa
|khu du lịch|khu vui chơi|bãi biển|chợ nổi|làng nghề|làng gốm|nhà cổ|chùa|đền|đình|miếu|làng|lăng|nhà
|khu|thành|cổ|hồ|núi|hang|động|bãi|biển|chợ|tượng|vườn|cây|suối|thác|cầu|phố|đường|tháp|cổng|ao|đầm|rừng|đồi
""".replace("\n", "").split("|"), key=lambda w: (-len(w), w)))
GENERIC_VI_FOLDED = tuple(sorted({fold(w) for w in GENERIC_VI}, key=lambda w: (-len(w), w)))
#: English words that say what a place is, not which one it is
GENERIC_EN = frozenset("""
the of and a an old ancient historic historical site relic relics ruin ruins remains monument memorial
statue stupa tower wall walls gate citadel fort fortress castle palace house home building hall
pagoda temple shrine church cathedral chapel museum gallery exhibition art area zone
beach island islet cave grotto lake pond spring springs waterfall fall falls river stream hill mountain
peak rock rocks viewpoint view point lookout park garden gardens forest field fields sand dune dunes
bridge street road market square village villages farm factory workshop pool waterpark zoo pottery craft
entrance exit sign board strand large small big little great beautiful nice free empty local swimming hot
tomb emperor king royal mausoleum imperial
""".split())

#: folded name words of signs, boards and kilometre markers
SIGN_WORDS = (r"^(noi quy|bang (tin|chi dan|thong tin|gioi thieu)|bien bao|cot km|km ?\d+|\d+ ?km)\b"
              r"|\bcong chao\b|^to quoc ghi cong$")
#: names that are addresses, administrative units or road objects, not places to visit
ADDRESS_WORDS = (r"^(phuong|xa|ap|thi tran|thanh pho|huyen|duong|nga|vong xoay|tram dung chan|photocopy"
                 r"|bia|nha bia|cong ty|co\.|cx|truong|nha van hoa)\b|car ferry|ben pha|ben tau")
#: shops, classes and venues that are not sights (folded name, anywhere)
COMMERCIAL_WORDS = (r"karaoke|\bclub\b|coffee|\bcafe\b|caphe|ca phe|restaurant|nha hang|hotel|khach san"
                    r"|resort|\bspa\b|homestay|billiard|cua hang|chuyen ca canh|\bshop\b|\bstore\b|boutique"
                    r"|tailor|\bclass(es)?\b|cooking|tarot|\bbeer\b|bia hoi|\bbar\b|\bpub\b|massage|\bgym\b"
                    r"|fitness|supermarket|sieu thi|\bmall\b|clothing|\brent(al)?\b|dive cent|travel agen"
                    r"|bus compan|\bgolf\b|archery|shooting range|ice factory|studio|dai ly|\bco\.? ?ltd"
                    r"|gia re|xe ghep|thue xe|\bvnpt\b|viettel|mobifone|\bmay xay\b|xay xat")
#: the same, on the lower-case name with diacritics ("vựa" is a wholesale shop, "vua" a king)
COMMERCIAL_MARKS = r"\bvựa\b|\bquán\b"
#: English labels of things that are not sights (roads, wrecks, sports grounds, entrances)
NOT_SIGHT_WORDS = (r"football|neighborhood|handicapped|abandoned|wreck|\bmural\b|\broad\b|entrance"
                   r"|\bloi vao\b|clock tower|wonderland|\bstunning\b|volleyball|scooter|border contr"
                   r"|bordier|policecontrol|aucune|correct location|\bexit\b|\bbts\b|cell tower"
                   r"|tram phat song")
GENERIC_NAMES = {"cong vien", "village", "orchard", "billiards", "nha", "buddha", "photo motifs", "home",
                 "forest walk", "snorkeling spot", "landing airplanes", "the peak", "nga re", "duong cam",
                 "cave", "local market", "local market street", "ba ngoai", "dinh doc"}

#: OSM tag value → (kind, rule): "keep" always, "strong" only with Wikidata or a strong name word,
#: "museum" only when the name looks like a museum or relic
TAG_RULES = {
    ("tourism", "museum"): ("museum", "museum"), ("tourism", "gallery"): ("cultural_centre", "keep"),
    ("tourism", "theme_park"): ("theme_park", "keep"), ("leisure", "water_park"): ("theme_park", "keep"),
    ("tourism", "zoo"): ("zoo", "keep"), ("tourism", "aquarium"): ("zoo", "keep"),
    ("tourism", "attraction"): ("attraction", "keep"), ("tourism", "viewpoint"): ("viewpoint", "strong"),
    ("natural", "beach"): ("beach", "keep"), ("natural", "cape"): ("viewpoint", "keep"),
    ("natural", "cave_entrance"): ("cave", "keep"), ("natural", "spring"): ("waterfall", "keep"),
    ("natural", "hot_spring"): ("waterfall", "keep"), ("natural", "peak"): ("mountain", "strong"),
    ("leisure", "nature_reserve"): ("nature_reserve", "keep"), ("leisure", "park"): ("park", "strong"),
    ("leisure", "garden"): ("park", "strong"),
    ("historic", "archaeological_site"): ("relic_site", "keep"),
    ("historic", "ruins"): ("historic_site", "keep"),
    ("historic", "castle"): ("historic_site", "keep"), ("historic", "fort"): ("historic_site", "keep"),
    ("historic", "building"): ("historic_site", "keep"), ("historic", "heritage"): ("historic_site", "keep"),
    ("historic", "yes"): ("historic_site", "keep"), ("historic", "monument"): ("monument", "strong"),
    ("historic", "memorial"): ("monument", "strong"),
}
TAG_ORDER = ("tourism", "historic", "natural", "leisure")
#: words that make a weak-tag row (viewpoint, monument, memorial, peak, park, garden) worth a visit
STRONG_WORDS = (r"\bden\b|\bchua\b|\bdi tich\b|khu tuong niem|nha tu|can cu|khu du lich|sinh thai|quoc gia"
                r"|national|vuon (cay|trai|tieu|xoai|buoi|man|cam|quyt|dua)|orchard")
#: a ``tourism=museum`` row must have one of these words (many OSM "museums" are addresses)
MUSEUM_WORDS = (r"bao tang|museum|trung bay|di tich|can cu|\bden\b|\bchua\b|\bdinh\b|nha co|nha tu"
                r"|\bmieu\b|\btu\b|\blang\b|\bmo\b|gallery|van hoa|relic|temple|pagoda|house|\bdon\b|\bkhu\b")


def tags_of(row: dict) -> list[tuple[str, str]]:
    """Return the (key, value) tourism tags of an OSM row, in :data:`TAG_ORDER`."""
    return [(k, row[k]) for k in TAG_ORDER if row.get(k)]


# --------------------------------------------------------------------------- drop rules

@dataclass(frozen=True)
class Rule:
    """A named cleaning rule: ``test(row)`` is True when the rule applies; ``reason`` says why."""

    name: str
    reason: str
    test: Callable[[dict], bool]


def _letters(name: str) -> str:
    return re.sub(r"[^a-z]", "", fold(name))


def _fragment(row: dict) -> bool:
    folded = fold(row["name_vi"])
    if re.search(SIGN_WORDS, folded):
        return True
    words = tokens(row["name_vi"])
    if row["wikidata"]:
        return False
    if any(any(c.isdigit() for c in w) for w in words) and len(words) <= 2:
        return True  # "A10", "S.8", "Km 5"
    coded = re.fullmatch(r"[A-Z.\- ]{2,8}", row["name_vi"].strip()) is not None  # "VTS", "H.I.D"
    return coded or (len(words) == 1 and len(_letters(row["name_vi"])) <= 5)


def _generic(row: dict) -> bool:
    folded, en = fold(row["name_vi"]), fold(row["name_en"])
    if folded in GENERIC_NAMES or (en in GENERIC_NAMES and folded == en):
        return True
    return not core(row["name_vi"]) and bool(tokens(row["name_vi"])) and not row["wikidata"]


def _commercial(row: dict) -> bool:
    return bool(re.search(COMMERCIAL_WORDS, fold(row["name_vi"]))
                or re.search(COMMERCIAL_MARKS, unicodedata.normalize("NFC", row["name_vi"]).lower()))


def _no_value(row: dict) -> bool:
    return not any(TAG_RULES.get(t) for t in tags_of(row))


def _minor(row: dict) -> bool:
    folded = fold(row["name_vi"])
    strong = bool(row["wikidata"]) or bool(re.search(STRONG_WORDS, folded))
    city_park = bool(re.match(r"(vuon hoa|cong vien)\b", folded)) and not row["wikidata"]
    for kind, rule in (r for r in (TAG_RULES.get(t) for t in tags_of(row)) if r):
        if kind == "park" and city_park:
            continue  # a city park or flower garden named after a temple or a person
        if rule == "keep" or (rule == "strong" and strong):
            return False
        if rule == "museum" and (re.search(MUSEUM_WORDS, folded) or row["wikidata"]):
            return False
    return True


DROP_RULES: tuple[Rule, ...] = (
    Rule("generic-name", "a name that says what, not which (\"Lake\", \"Old Citadel Wall\", \"Chùa\")",
         _generic),
    Rule("address-label", "an address or an administrative label (\"Phường 8\", \"Xã ...\", \"Vòng xoay\")",
         lambda r: bool(re.search(ADDRESS_WORDS, fold(r["name_vi"]))) and not r["wikidata"]),
    Rule("sign-or-fragment", "a sign, a board, a kilometre marker, a code or a one-word fragment "
         "(\"0 km\", \"Noi Quy\", \"Quy\", \"A10\")", _fragment),
    Rule("unnamed", "no name, or fewer than 3 letters or digits",
         lambda r: len(re.sub(r"[\W_]", "", r["name_vi"])) < 3),
    Rule("non-latin-script", "named only in a non-Vietnamese script (Cyrillic, CJK ...)",
         lambda r: bool(re.search(r"[\u0400-\u04ff]", r["name_vi"]))
         or not re.search(r"[a-z]", fold(r["name_vi"]))),
    Rule("commercial", "a shop, café, bar, class or workshop (\"Tarot Museum\", \"Beer Street\", cooking "
         "classes, a crab shop)", _commercial),
    Rule("not-a-sight", "an English label of something that is no sight (road, wreck, sports ground, "
         "entrance, border post)",
         lambda r: bool(re.search(NOT_SIGHT_WORDS, fold(r["name_vi"]))) and not r["wikidata"]),
    Rule("no-tourism-tag", "a tag without tourism value (artwork, cliff ...)", _no_value),
    Rule("minor-without-value", "a minor memorial, a plain park, a peak or viewpoint with neither "
         "Wikidata nor a word of value (đền, chùa, di tích, khu du lịch ...)", _minor),
)
ENGLISH_LABEL = Rule(
    "english-label", "a plain tourism=attraction whose name is an English description by a visiting "
    "mapper (\"Monkey wall\", \"Ice Factory\", \"Snake Farm\"), left after its twins are merged",
    lambda r: (r["_tags"] == [("tourism", "attraction")] and not r["wikidata"]
               and is_english_only(r["name_vi"])))


def drop_rule(row: dict) -> Rule | None:
    """Return the first rule of :data:`DROP_RULES` that drops this OSM row, or None to keep it.

    ``row`` needs ``name_vi``, ``name_en``, ``wikidata`` and the tag columns of places.csv.
    """
    for rule in DROP_RULES:
        if rule.test(row):
            return rule
    return None


# --------------------------------------------------------------------------- kind checks

@dataclass(frozen=True)
class KindCheck:
    """A named correction of a kind: when ``kind`` is ``wrong`` and the name matches, use ``right``."""

    name: str
    reason: str
    wrong: tuple[str, ...]
    pattern: str  # on the lower-case name with diacritics
    right: str


KIND_CHECKS: tuple[KindCheck, ...] = (
    KindCheck("cave-not-zoo", "a cave named after an animal is a cave, not a zoo (\"Hang Cá Sấu\")",
              ("zoo", "attraction"), r"^(hang|động) |\bcave\b|\bgrotto\b", "cave"),
    KindCheck("city-park-not-theme-park", "a city park mapped as a theme park is a park (45 min, not 240)",
              ("theme_park",),
              r"^(công viên|vườn hoa)\b(?!.*(nước|giải trí|vui chơi|văn hóa|water|fun|land|world))", "park"),
    KindCheck("pagoda-not-viewpoint", "a pagoda mapped as a viewpoint or a peak is a pagoda (\"Chùa Keo\")",
              ("viewpoint", "mountain"), r"^chùa ", "pagoda"),
    KindCheck("temple-not-viewpoint", "a temple mapped as a viewpoint or a peak is a temple",
              ("viewpoint", "mountain"), r"^(đền|đình|miếu) ", "temple"),
    KindCheck("cultural-house-not-theme-park", "a cultural palace or house is a cultural centre",
              ("theme_park", "attraction"), r"^(cung|nhà|trung tâm) văn hóa", "cultural_centre"),
)


def check_kind(name_vi: str, kind: str) -> tuple[str, KindCheck | None]:
    """Return ``(kind, check)``: the corrected kind and the check that corrected it, or ``(kind, None)``."""
    low = unicodedata.normalize("NFC", name_vi).lower()
    for check in KIND_CHECKS:
        if kind in check.wrong and re.search(check.pattern, low):
            return check.right, check
    return kind, None


# --------------------------------------------------------------------------- merges

def metres(a: dict, b: dict) -> float:
    """Return the distance in metres between two records with ``lon``/``lat`` (equirectangular)."""
    dx = (a["lon"] - b["lon"]) * np.cos(np.radians((a["lat"] + b["lat"]) / 2))
    return float(np.hypot(dx, a["lat"] - b["lat"]) * M_PER_DEG)


def core(name: str) -> frozenset[str]:
    """Return the folded words of ``name`` that say which place it is, without the generic Vietnamese
    words and phrases (:data:`GENERIC_VI`) and English words (:data:`GENERIC_EN`).

    >>> sorted(core("Thành Cổ Loa")), sorted(core("Co Loa Citadel"))
    (['loa'], ['loa'])
    """
    low = " " + re.sub(r"[^\w]+", " ", unicodedata.normalize("NFC", name or "").lower()) + " "
    phrases = GENERIC_VI_FOLDED if is_ascii_name(low) else GENERIC_VI  # "Co Loa" may be "Cổ Loa"
    for phrase in phrases:
        low = low.replace(f" {phrase} ", " ")
        low = low.replace(f" {phrase} ", " ")  # a phrase repeated back to back
    return frozenset(w for w in tokens(low) if w not in GENERIC_EN)


def rank(rec: dict) -> tuple:
    """Order of preference among records of one object: Wikidata, then a way/relation, then the id."""
    return (0 if rec.get("wikidata") else 1, 0 if str(rec.get("osm_id", "n"))[:1] in "wr" else 1,
            0 if not is_ascii_name(rec["name_vi"]) else 1, rec["id"])


#: kinds that can be a part of a complex (a gate, a hall, a ruin, a memorial without its own identity)
PART_KINDS = frozenset({"attraction", "historic_site", "relic_site", "monument", "landmark"})
#: a name that makes a row the anchor of a complex (a citadel, a relic area, a mausoleum complex)
COMPLEX_WORDS = (r"^(hoang thanh|thanh co|kinh thanh|dai noi|co do|quan the|khu di tich|thanh nha)\b"
                 r"|\b(imperial city|citadel)\b")
PARK_TAGS = {("tourism", "zoo"), ("tourism", "theme_park"), ("tourism", "aquarium"),
             ("leisure", "water_park")}


class _Grid:
    """Records bucketed by a grid of about ``cell_m`` metres, for neighbour queries."""

    def __init__(self, recs: list[dict], cell_m: float):
        self.cell = cell_m / M_PER_DEG
        self.cells: dict[tuple[int, int], list[dict]] = {}
        for r in recs:
            self.cells.setdefault(self._key(r), []).append(r)

    def _key(self, r: dict) -> tuple[int, int]:
        return int(np.floor(r["lon"] / self.cell)), int(np.floor(r["lat"] / self.cell))

    def near(self, r: dict, dist_m: float) -> list[dict]:
        kx, ky = self._key(r)
        out = []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                cell = self.cells.get((kx + dx, ky + dy), [])
                out += [o for o in cell if o is not r and metres(o, r) <= dist_m]
        return out


@dataclass
class Report:
    """What the cleaning did: rows dropped per rule, merged per rule, kinds corrected per check."""

    considered: int = 0
    dropped: Counter = field(default_factory=Counter)
    merged: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    #: id → what became of it ("drop:<rule>" or "<merge rule>:<id it went into>"), for tests and logs
    fate: dict[str, str] = field(default_factory=dict)

    def drop(self, rule: str, rec: dict) -> None:
        """Record that ``rule`` dropped ``rec``."""
        self.dropped[rule] += 1
        self.fate[rec["id"]] = f"drop:{rule}"

    def merge(self, rule: str, gone: dict, into: dict, recs: dict[str, dict]) -> None:
        """Record that ``gone`` is the same place as ``into`` and remove it from ``recs``."""
        recs.pop(gone["id"], None)
        self.merged[rule] += 1
        self.fate[gone["id"]] = f"{rule}:{into['id']}"


def merge(recs: dict[str, dict], report: Report) -> dict[str, dict]:
    """Merge the records that are one place (same-name, english-twin, part-of-complex); return the rest."""
    recs = dict(recs)
    _same_name(recs, report)
    _english_twins(recs, report)
    _complex_parts(recs, report)
    return recs


def _same_name(recs: dict[str, dict], report: Report) -> None:
    groups: dict[str, list[dict]] = {}
    for rec in recs.values():
        groups.setdefault(fold(rec["name_vi"]), []).append(rec)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=rank)
        clusters: list[list[dict]] = []
        for rec in group:  # single linkage: a wall mapped four times along its length is one object
            joined = [c for c in clusters if any(metres(o, rec) <= SAME_NAME_M for o in c)]
            merged = [rec] + [o for c in joined for o in c]
            clusters = [c for c in clusters if c not in joined] + [sorted(merged, key=rank)]
        for cluster in clusters:
            for gone in cluster[1:]:
                report.merge("same-name", gone, cluster[0], recs)


def _english_twins(recs: dict[str, dict], report: Report) -> None:
    vietnamese = [r for r in recs.values() if not is_ascii_name(r["name_vi"])]
    grid = _Grid(vietnamese, TWIN_M)
    for rec in sorted(recs.values(), key=lambda r: r["id"]):
        if not is_ascii_name(rec["name_vi"]) or rec["wikidata"]:
            continue
        mine = (core(rec["name_vi"]), core(rec["name_en"]))
        best = None
        for other in grid.near(rec, TWIN_M):
            d = metres(rec, other)
            same = bool(core(other["name_vi"])) and core(other["name_vi"]) in mine
            close = (other["kind"] == rec["kind"] != "attraction" and d <= TWIN_SAME_KIND_M
                     and is_english_only(rec["name_vi"]))
            if same or close:
                if best is None or d < best[0]:
                    best = (d, other)
        if best is not None and best[1]["id"] in recs:
            report.merge("english-twin", rec, best[1], recs)


def _complex_parts(recs: dict[str, dict], report: Report) -> None:
    anchors = [r for r in recs.values()
               if re.search(COMPLEX_WORDS, fold(r["name_vi"]) + " | " + fold(r["name_en"]))]
    parks = [r for r in recs.values() if PARK_TAGS & set(r["_tags"])]
    anchor_grid, park_grid = _Grid(anchors, COMPLEX_M), _Grid(parks, EXHIBIT_M)
    anchor_ids = {a["id"] for a in anchors}
    for rec in sorted(recs.values(), key=lambda r: r["id"]):
        if rec["id"] in anchor_ids or rec["wikidata"]:
            continue
        plain = rec["_tags"] == [("tourism", "attraction")] and rec["kind"] in ("attraction", "zoo")
        near_park = park_grid.near(rec, EXHIBIT_M) if plain else []
        near_anchor = anchor_grid.near(rec, COMPLEX_M) if rec["kind"] in PART_KINDS else []
        into = min(near_anchor or near_park, key=lambda o: (metres(o, rec), o["id"]), default=None)
        if into is not None:
            report.merge("part-of-complex", rec, into, recs)


def drop_english_labels(recs: dict[str, dict], report: Report) -> dict[str, dict]:
    """Drop the plain attractions whose name is an English description (:data:`ENGLISH_LABEL`)."""
    out = {}
    for rid, rec in recs.items():
        if ENGLISH_LABEL.test(rec):
            report.drop(ENGLISH_LABEL.name, rec)
        else:
            out[rid] = rec
    return out


def curated_twins(recs: dict[str, dict], curated: set[str], report: Report) -> None:
    """Merge OSM rows into the curated entry they duplicate: same name, same English name or same core
    name (without generic words) within :data:`CURATED_TWIN_M`. Curated entries are never merged."""
    cur = [recs[c] for c in sorted(curated) if c in recs]
    grid = _Grid(cur, CURATED_TWIN_M)
    for rec in sorted(recs.values(), key=lambda r: r["id"]):
        if rec["id"] in curated:
            continue
        names = {fold(rec["name_vi"]), fold(rec["name_en"])} - {""}
        mine = core(rec["name_vi"])
        best = None
        for other in grid.near(rec, CURATED_TWIN_M):
            theirs = {fold(other["name_vi"]), fold(other["name_en"])}
            same_core = mine and mine in (core(other["name_vi"]), core(other["name_en"]))
            if names & theirs or (same_core and other["kind"] == rec["kind"]):
                d = metres(rec, other)
                if best is None or d < best[0]:
                    best = (d, other)
        if best is not None:
            report.merge("curated-twin", rec, best[1], recs)


def shared_points(recs: dict[str, dict]) -> list[tuple[str, str]]:
    """Return pairs of ids of places with different names closer than :data:`SHARED_POINT_M`
    (two sites given one commune centroid, say), sorted."""
    grid = _Grid(list(recs.values()), SHARED_POINT_M)
    pairs = set()
    for rec in recs.values():
        for other in grid.near(rec, SHARED_POINT_M):
            if fold(other["name_vi"]) != fold(rec["name_vi"]):
                pairs.add(tuple(sorted((rec["id"], other["id"]))))
    return sorted(pairs)
