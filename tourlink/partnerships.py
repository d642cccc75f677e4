"""Registry of inter-province tourism linkage programmes (``data/partnerships.yaml`` or a user's file).

A partnership is a programme signed between provincial departments, with its members as
signed (mostly legacy provinces, since every programme predates the 2025 merger) and the
themes it asks for. A user file has the same shape as the bundled one (a YAML list of
entries; see ``data/partnerships.yaml``) and is validated the same way: every problem of the
file is reported at once, naming the file, the entry and the field.

A programme of your own joins the registry for the process with :func:`use_partnerships` (the CLI's
``tourlink plan --partnerships FILE``) or the environment variable ``TOURLINK_PARTNERSHIPS``
(paths separated by ``os.pathsep``); :func:`new_partnership` and :func:`add_partnership` write one
(``tourlink partnerships new``). A partner outside Vietnam has ``region: null`` and may name its
entry in the bundled ``data/abroad.geojson`` with ``abroad:`` (e.g. ``LA18``, Xaisomboun in Laos).

>>> p = get_partnership("kien-giang--hau-giang")
>>> [r.key for r in p.regions]
['legacy:91', 'legacy:93']
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import reprlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tourlink.errors import NotFoundError, ValidationError
from tourlink.paths import data_file
from tourlink.regions import Region, current_of, normalise, resolve
from tourlink.userfiles import load_yaml, read_text

#: theme vocabulary shared with the destination catalog
THEMES = ("heritage", "spiritual", "nature", "orchard", "craft_village", "beach_island", "floating_market",
          "museum", "cultural_institution", "revolutionary_historic", "intangible_heritage", "market_food")

_FIELDS = {"id": True, "name_vi": True, "name_en": True, "members": True, "period": True, "themes": True,
           "slogan": False, "source": True, "source_title": False, "source_url": False}  # field -> required
_MEMBER_FIELDS = ("name", "region", "note", "abroad")
#: environment variable listing partnership files of the user (``os.pathsep``-separated)
ENV_VAR = "TOURLINK_PARTNERSHIPS"
_ID = re.compile(r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$")


@dataclass(frozen=True)
class Member:
    """A partner as signed: ``name`` as in the source, its legacy ``region`` (None outside Vietnam) and,
    outside Vietnam, the key of its entry in ``data/abroad.geojson`` (``abroad``, e.g. ``"LA18"``)."""

    name: str
    region: Region | None
    note: str | None = None
    abroad: str | None = None


@dataclass(frozen=True)
class Partnership:
    """A linkage programme: members, period, themes, slogan and the article it comes from."""

    id: str
    name_vi: str
    name_en: str
    members: tuple[Member, ...]
    period: str
    themes: tuple[str, ...]
    slogan: str | None
    source: str
    source_title: str = ""
    source_url: str = ""

    @property
    def cited(self) -> str:
        """The source as people read it: the article's headline and address, else the file name."""
        shown = " — ".join(x for x in (self.source_title, self.source_url) if x)
        return shown or f"article {self.source}"

    @property
    def regions(self) -> list[Region]:
        """The legacy areas of the Vietnamese members, in member order, without repeats."""
        out: list[Region] = []
        for m in self.members:
            if m.region is not None and m.region not in out:
                out.append(m.region)
        return out

    @property
    def current_regions(self) -> list[Region]:
        """The 2025 provinces that contain the members' areas, in member order, without repeats."""
        out: list[Region] = []
        for region in self.regions:
            if current_of(region) not in out:
                out.append(current_of(region))
        return out


#: bounded repr for "got ..." in messages (a YAML alias bomb must not expand)
_SHOW = reprlib.Repr()
_SHOW.maxlevel, _SHOW.maxlist, _SHOW.maxdict, _SHOW.maxstring, _SHOW.maxother = 2, 4, 4, 60, 60


def _text(value: Any, where: str, problems: list[str], *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: expected a non-empty text, got {_SHOW.repr(value)}")
        return None
    return value.strip()


def _unknown_keys(entry: dict, allowed, where: str, problems: list[str]) -> None:
    for key in entry:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), list(allowed), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
            problems.append(f"{where}: unknown field {key!r}{hint}")


def _member(raw: Any, where: str, problems: list[str]) -> Member | None:
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with name, region, note; got {_SHOW.repr(raw)}")
        return None
    _unknown_keys(raw, _MEMBER_FIELDS, where, problems)
    name = _text(raw.get("name"), f"{where}.name", problems)
    note = _text(raw.get("note"), f"{where}.note", problems, required=False)
    abroad = _text(raw.get("abroad"), f"{where}.abroad", problems, required=False)
    if "region" in raw and raw["region"] is None:
        if not note:
            problems.append(f"{where}.note: a member outside Vietnam (region null) needs a note saying where")
        return Member(name, None, note, abroad) if name else None
    if abroad:
        problems.append(f"{where}.abroad: only a member outside Vietnam (region: null) has an abroad key")
    region_name = _text(raw.get("region", name), f"{where}.region", problems)
    if region_name is None:
        return None
    try:
        region = resolve(region_name, scheme="legacy")
    except NotFoundError as exc:
        problems.append(f"{where}.region: {exc}")
        return None
    return Member(name, region, note) if name else None


def _entry(raw: Any, where: str, problems: list[str]) -> Partnership | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with fields {', '.join(_FIELDS)}; "
                        f"got {_SHOW.repr(raw)}")
        return None
    before = len(problems)
    _unknown_keys(raw, _FIELDS, where, problems)
    for field, required in _FIELDS.items():
        if required and field not in raw:
            problems.append(f"{where}: missing field {field!r}")
    pid = _text(raw.get("id"), f"{where}.id", problems) if "id" in raw else None
    if pid and not _ID.match(pid):
        problems.append(f"{where}.id: {pid!r} must be lowercase letters, digits and hyphens "
                        "(e.g. 'kien-giang--hau-giang')")
    names = {f: _text(raw.get(f), f"{where}.{f}", problems)
             for f in ("name_vi", "name_en", "period", "source") if f in raw}
    slogan = _text(raw.get("slogan"), f"{where}.slogan", problems, required=False)
    cited = {f: _text(raw.get(f), f"{where}.{f}", problems, required=False) or "" for f in ("source_title",
                                                                                          "source_url")}
    members: list[Member] = []
    raw_members = raw.get("members", [])
    if not isinstance(raw_members, list) or ("members" in raw and not raw_members):
        problems.append(f"{where}.members: expected a non-empty list of members, "
                        f"got {_SHOW.repr(raw_members)}")
        raw_members = []
    for i, m in enumerate(raw_members, start=1):
        member = _member(m, f"{where}.members[{i}]", problems)
        if member:
            members.append(member)
    themes = raw.get("themes", [])
    if isinstance(themes, str):
        themes = [t.strip() for t in themes.replace(";", ",").split(",") if t.strip()]
    if not isinstance(themes, list):
        problems.append(f"{where}.themes: expected a list of themes, got {_SHOW.repr(themes)}")
        themes = []
    for t in themes:
        if t not in THEMES:
            close = difflib.get_close_matches(str(t), THEMES, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(THEMES)}"
            problems.append(f"{where}.themes: unknown theme {t!r}; {hint}")
    if len(problems) > before:
        return None
    return Partnership(pid, names["name_vi"], names["name_en"], tuple(members), names["period"],
                       tuple(themes), slogan, names["source"], **cited)


def partnerships_from_yaml(text: str, *, source: str = "<partnerships>") -> dict[str, Partnership]:
    """Parse and validate partnership YAML ``text``; return the partnerships by id, in file order.

    Raises
    ------
    ValidationError
        Naming every problem (entry number and id, field, what is wrong) of ``source``.
    """
    data = load_yaml(text, source=source)
    if isinstance(data, dict) and set(data) == {"partnerships"}:
        data = data["partnerships"]
    if not isinstance(data, list) or not data:
        raise ValidationError("expected a YAML list of partnerships (see data/partnerships.yaml)",
                              source=source)
    problems: list[str] = []
    result: dict[str, Partnership] = {}
    first_seen: dict[str, int] = {}
    for n, raw in enumerate(data, start=1):
        pid = raw.get("id") if isinstance(raw, dict) else None
        where = f"entry {n}" + (f" ({pid})" if isinstance(pid, str) else "")
        p = _entry(raw, where, problems)
        if isinstance(pid, str) and pid in first_seen:
            problems.append(f"{where}.id: duplicate id {pid!r} (first used by entry {first_seen[pid]})")
        elif isinstance(pid, str):
            first_seen[pid] = n
            if p:
                result[pid] = p
    if problems:
        raise ValidationError(problems, source=source)
    return result


def load_partnerships(path: str | os.PathLike | None = None) -> dict[str, Partnership]:
    """Return the validated partnerships of ``path`` (default: the bundled file) by id.

    Raises
    ------
    ValidationError
        If the file is missing or any entry breaks a rule (all problems at once).
    """
    if path is None:
        return dict(_bundled())
    text = read_text(path, what="a partnerships YAML file")
    return partnerships_from_yaml(text, source=str(path))


@functools.lru_cache(maxsize=1)
def _bundled() -> dict[str, Partnership]:
    path = data_file("partnerships.yaml")
    return partnerships_from_yaml(path.read_text(encoding="utf-8"), source=str(path))


def get_partnership(id_or_name: str, *, path: str | os.PathLike | None = None) -> Partnership:
    """Return the partnership with this id, or whose Vietnamese/English name matches.

    Looks in ``path`` when given, else in :func:`registry` (the bundled file and the user's files).

    Raises
    ------
    NotFoundError
        If none matches; suggestions are the closest ids.
    """
    items = load_partnerships(path) if path is not None else registry()
    if id_or_name in items:
        return items[id_or_name]
    key = normalise(id_or_name)
    for p in items.values():
        if key in (normalise(p.id), normalise(p.name_vi), normalise(p.name_en)):
            return p
    close = difflib.get_close_matches(id_or_name.strip().lower(), list(items), n=3, cutoff=0.4)
    raise NotFoundError("partnership", id_or_name, suggestions=close or list(items))


# --------------------------------------------------------------------------- the user's programmes

_USER_FILES: list[Path] = []


def use_partnerships(path: str | os.PathLike) -> dict[str, Partnership]:
    """Add the programmes of a user file to this process's registry; return them by id.

    Afterwards ``get_partnership(id)``, ``TourRequest(partnership=id)`` and ``tourlink plan
    --partnership id`` find them like the bundled ones.

    Raises
    ------
    ValidationError
        If the file is invalid or reuses the id of a bundled programme.
    """
    items = load_partnerships(path)
    clash = sorted(set(items) & set(_bundled()))
    if clash:
        raise ValidationError(f"id {', '.join(map(repr, clash))} is a bundled programme; choose another id",
                              source=str(path))
    resolved = Path(path).resolve()
    if resolved not in _USER_FILES:
        _USER_FILES.append(resolved)
    return items


def registry() -> dict[str, Partnership]:
    """Return every known programme by id: the bundled ones, then those of the files given to
    :func:`use_partnerships` and of the ``TOURLINK_PARTNERSHIPS`` environment variable.

    Raises
    ------
    ValidationError
        If one of the user's files is invalid or reuses an id.
    """
    out = dict(_bundled())
    env = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    for path in dict.fromkeys([*_USER_FILES, *env]):
        for pid, p in load_partnerships(path).items():
            if pid in out and out[pid] != p:
                raise ValidationError(f"id {pid!r} is defined twice (bundled or in another file); rename one",
                                      source=str(path))
            out[pid] = p
    return out


def new_partnership(pid: str, members: list[str], *, name_vi: str | None = None, name_en: str | None = None,
                    period: str = "user-defined", themes: tuple[str, ...] | list[str] = (),
                    slogan: str | None = None, source: str = "user-defined (tourlink partnerships new)",
                    ) -> Partnership:
    """Return a new programme between legacy provinces (names with or without diacritics).

    >>> p = new_partnership("hue--quang-tri", ["Thừa Thiên Huế", "quang tri"])
    >>> [r.name for r in p.regions], p.name_en
    (['Huế', 'Quảng Trị'], 'Huế – Quảng Trị tourism linkage')

    Raises
    ------
    ValidationError
        Naming every problem: a bad id, an unknown province, an unknown theme.
    """
    problems: list[str] = []
    regions = []
    for i, name in enumerate(members, start=1):
        try:
            regions.append(resolve(str(name), scheme="legacy"))
        except NotFoundError as exc:
            problems.append(f"member {i}: {exc}")
    if len(members) < 1:
        problems.append("give at least one member province")
    if problems:
        raise ValidationError(problems, source="new partnership")
    joined = " – ".join(r.name for r in regions)
    raw = {"id": pid, "name_vi": name_vi or f"Liên kết phát triển du lịch {joined}",
           "name_en": name_en or f"{joined} tourism linkage",
           "members": [{"name": str(n).strip(), "region": r.name, "note": None}
                       for n, r in zip(members, regions, strict=True)],
           "period": period, "themes": list(themes), "slogan": slogan, "source": source}
    return partnerships_from_yaml(yaml.safe_dump([raw], allow_unicode=True, sort_keys=False),
                                  source="new partnership")[pid]


def partnership_yaml(p: Partnership) -> str:
    """Return ``p`` as one entry of a partnerships YAML file (the shape of ``data/partnerships.yaml``)."""
    members = []
    for m in p.members:
        entry = {"name": m.name, "region": m.region.name if m.region else None, "note": m.note}
        if m.abroad:
            entry["abroad"] = m.abroad
        members.append(entry)
    raw = {"id": p.id, "name_vi": p.name_vi, "name_en": p.name_en, "members": members, "period": p.period,
           "themes": list(p.themes), "slogan": p.slogan, "source": p.source}
    return yaml.safe_dump([raw], allow_unicode=True, sort_keys=False, width=100)


def add_partnership(path: str | os.PathLike, p: Partnership) -> Path:
    """Append ``p`` to the partnerships file ``path`` (created when absent), atomically; return the path.

    Raises
    ------
    ValidationError
        If the file exists but is not a valid partnerships list, or already has the id, or the id is a
        bundled programme.
    """
    from tourlink.atomic import write_text

    path = Path(path)
    if p.id in _bundled():
        raise ValidationError(f"id {p.id!r} is a bundled programme; choose another id", source=str(path))
    text = ""
    if path.exists():
        text = read_text(path, what="a partnerships YAML file")
        if not isinstance(load_yaml(text, source=str(path)), list):
            raise ValidationError("expected a YAML list of partnerships; add the entry by hand",
                                  source=str(path))
        if p.id in partnerships_from_yaml(text, source=str(path)):
            raise ValidationError(f"already has a partnership {p.id!r}; choose another id", source=str(path))
        text = text.rstrip("\n") + "\n\n"
    new = text + partnership_yaml(p)
    partnerships_from_yaml(new, source=str(path))  # the whole file stays valid
    return write_text(path, new)


__all__ = ["Member", "Partnership", "THEMES", "ENV_VAR", "load_partnerships", "get_partnership",
           "partnerships_from_yaml", "use_partnerships", "registry", "new_partnership", "partnership_yaml",
           "add_partnership"]
