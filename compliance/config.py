"""Configuration in TOML: ``compliance.toml``, or ``[tool.compliance]`` in ``pyproject.toml``.

The file is found by walking up from the first checked path (or the working
directory); command-line options override it.  The effective configuration
remembers where each value came from (``compliance config show`` prints it),
and hashes to a stable digest that every report carries.

Keys (see ``docs/configuration.md``)::

    packs = ["cn.national"]          # packs to run (prefix match); empty: all
    jurisdiction = "…"                # force a jurisdiction instead of the detected one
    select = ["CN-TAB", "structure"]  # rule ids or tags (prefix match); empty: all
    ignore = ["CN-PERF-003"]
    plugins = ["my_plugin"]           # extra plugin modules, as with -p
    strict-plugins = false
    format = "text"
    fail-on = "error"                 # error | warning | note | never
    [severity]                        # rule id (prefix) → error | warning | note
    [params]                          # rule-language parameter overrides
    [rounding]                        # policy = "exact" | "rounding"; tolerance = 0.01
    [[waivers]]                       # rule, documents (glob), reason, expires (date)
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import json
import sys
from decimal import Decimal
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from attrs import evolve, field, frozen

from compliance.errors import ConfigError
from compliance.findings import Severity
from compliance.suggest import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILE = "compliance.toml"
PYPROJECT_FILE = "pyproject.toml"
DEFAULT_SOURCE = "default"
COMMAND_LINE = "command line"
FAIL_ON_CHOICES = ("error", "warning", "note", "never")
ROUNDING_POLICIES = ("exact", "rounding")

#: Top-level keys, with the attribute each one sets.
_KEYS = {
    "packs": "packs",
    "jurisdiction": "jurisdiction",
    "select": "select",
    "ignore": "ignore",
    "plugins": "plugins",
    "strict-plugins": "strict_plugins",
    "format": "format",
    "fail-on": "fail_on",
    "severity": "severity",
    "params": "params",
    "rounding": "rounding",
    "waivers": "waivers",
}
_ROUNDING_KEYS = ("policy", "tolerance")
_WAIVER_KEYS = ("rule", "documents", "reason", "expires")


def _frozen_map(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@frozen
class Waiver:
    """An accepted exception: findings of ``rule`` (prefix match) in documents matching ``documents``.

    From the day after ``expires`` the waiver stops applying and is itself
    reported, so exceptions are reviewed rather than forgotten.
    """

    rule: str
    reason: str
    documents: str = "*"
    expires: dt.date | None = None
    source: str = DEFAULT_SOURCE

    def covers_rule(self, rule_id: str) -> bool:
        return rule_id == self.rule or rule_id.startswith(self.rule)

    def covers_document(self, path: str) -> bool:
        posix = PurePath(path).as_posix()
        return fnmatch.fnmatchcase(posix, self.documents) or fnmatch.fnmatchcase(PurePath(path).name, self.documents)

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "documents": self.documents,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
        }


@frozen
class Config:
    """The effective configuration of a run.  Build it with :func:`load_config` or :meth:`from_mapping`."""

    packs: tuple[str, ...] = ()
    jurisdiction: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    plugins: tuple[str, ...] = ()
    strict_plugins: bool = False
    format: str = "text"
    fail_on: str = "error"
    severity: Mapping[str, Severity] = field(factory=dict, converter=_frozen_map)
    params: Mapping[str, Any] = field(factory=dict, converter=_frozen_map)
    rounding_policy: str | None = None
    tolerance: Decimal | None = None
    waivers: tuple[Waiver, ...] = ()
    #: The config file read, if any.
    path: str | None = None
    #: Key → where its value came from (a file, ``command line`` or ``default``).
    provenance: Mapping[str, str] = field(factory=dict, converter=_frozen_map, eq=False)

    # -- construction -----------------------------------------------------------------

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = COMMAND_LINE) -> "Config":
        """A configuration from a mapping shaped like the TOML file (keys as written there)."""
        return cls().merged(data, source=source)

    def merged(self, data: Mapping[str, Any], *, source: str) -> "Config":
        """This configuration with the keys of ``data`` (TOML-shaped) set from ``source``."""
        changes: dict[str, Any] = {}
        provenance = dict(self.provenance)
        for key, value in data.items():
            attribute = _KEYS.get(key)
            if attribute is None:
                raise ConfigError(f"unknown key {key!r}{did_you_mean(key, _KEYS)}", source=source)
            changes.update(_parse_key(key, value, source))
            provenance[key] = source
        return evolve(self, **changes, provenance=provenance)

    def with_overrides(self, **values: Any) -> "Config":
        """Command-line overrides, by TOML key with ``_`` for ``-`` (``None`` values are ignored)."""
        given = {k.replace("_", "-"): v for k, v in values.items() if v is not None}
        return self.merged(given, source=COMMAND_LINE)

    # -- reading ----------------------------------------------------------------------

    def source_of(self, key: str) -> str:
        return self.provenance.get(key, DEFAULT_SOURCE)

    def fail_threshold(self) -> Severity | None:
        """The lowest severity that fails the run, or ``None`` for ``never``."""
        return None if self.fail_on == "never" else Severity(self.fail_on)

    def severity_for(self, rule_id: str) -> Severity | None:
        """The configured severity for ``rule_id``: the longest matching prefix wins."""
        matches = [key for key in self.severity if rule_id == key or rule_id.startswith(key)]
        return self.severity[max(matches, key=len)] if matches else None

    def rule_params(self, declared: Iterable[str] | None = None) -> dict[str, Any]:
        """Parameters for the rule language: ``[params]`` plus the rounding policy.

        ``rounding_policy`` and ``tolerance`` are passed only when the rule set
        declares them (``declared``), or always when ``declared`` is ``None``.
        """
        params = dict(self.params)
        extra = {"rounding_policy": self.rounding_policy, "tolerance": self.tolerance}
        for name, value in extra.items():
            if value is not None and (declared is None or name in declared):
                params[name] = value
        return params

    def to_dict(self) -> dict[str, Any]:
        """The effective values, keyed as in the TOML file (JSON-ready: Decimals as strings)."""
        return {
            "packs": list(self.packs),
            "jurisdiction": self.jurisdiction,
            "select": list(self.select),
            "ignore": list(self.ignore),
            "plugins": list(self.plugins),
            "strict-plugins": self.strict_plugins,
            "format": self.format,
            "fail-on": self.fail_on,
            "severity": {k: v.value for k, v in sorted(self.severity.items())},
            "params": {k: _jsonable(v) for k, v in sorted(self.params.items())},
            "rounding": {
                "policy": self.rounding_policy,
                "tolerance": str(self.tolerance) if self.tolerance is not None else None,
            },
            "waivers": [w.to_dict() for w in self.waivers],
        }

    def digest(self) -> str:
        """A stable hash of everything that changes findings (the output format does not)."""
        values = self.to_dict()
        del values["format"]
        canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


# -- per-key parsing --------------------------------------------------------------------


def _strings(key: str, value: Any, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()] if key != "plugins" else [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key!r} must be a list of strings, not {value!r}", source=source)
    return tuple(v.strip() for v in value)


def _choice(key: str, value: Any, choices: Iterable[str], source: str) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise ConfigError(
            f"{key!r} must be one of {', '.join(choices)}, not {value!r}{did_you_mean(str(value), choices)}",
            source=source,
        )
    return str(value)


def _table(key: str, value: Any, source: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key!r} must be a table, not {value!r}", source=source)
    return value


def _parse_key(key: str, value: Any, source: str) -> dict[str, Any]:
    if key in ("packs", "select", "ignore", "plugins"):
        return {_KEYS[key]: _strings(key, value, source)}
    if key == "jurisdiction":
        if not isinstance(value, str):
            raise ConfigError(f"'jurisdiction' must be a string, not {value!r}", source=source)
        return {"jurisdiction": value or None}
    if key == "strict-plugins":
        if not isinstance(value, bool):
            raise ConfigError(f"'strict-plugins' must be true or false, not {value!r}", source=source)
        return {"strict_plugins": value}
    if key == "format":
        if not isinstance(value, str):
            raise ConfigError(f"'format' must be a string, not {value!r}", source=source)
        return {"format": value}
    if key == "fail-on":
        return {"fail_on": _choice(key, value, FAIL_ON_CHOICES, source)}
    if key == "severity":
        table = _table(key, value, source)
        return {"severity": {rule: Severity(_choice(f"severity.{rule}", level, [s.value for s in Severity], source))
                             for rule, level in table.items()}}
    if key == "params":
        return {"params": dict(_table(key, value, source))}
    if key == "rounding":
        return _parse_rounding(_table(key, value, source), source)
    return {"waivers": tuple(_parse_waiver(item, source) for item in _waiver_list(value, source))}


def _parse_rounding(table: Mapping[str, Any], source: str) -> dict[str, Any]:
    for key in table:
        if key not in _ROUNDING_KEYS:
            raise ConfigError(f"unknown key 'rounding.{key}'{did_you_mean(key, _ROUNDING_KEYS, prefix='rounding.')}", source=source)
    changes: dict[str, Any] = {}
    if "policy" in table:
        changes["rounding_policy"] = _choice("rounding.policy", table["policy"], ROUNDING_POLICIES, source)
    if "tolerance" in table:
        raw = table["tolerance"]
        try:
            # TOML floats are read as Decimal (parse_float), strings are parsed here.
            tolerance = Decimal(str(raw)) if not isinstance(raw, bool) else None
        except ArithmeticError:
            tolerance = None
        if tolerance is None or not tolerance.is_finite() or tolerance < 0:
            raise ConfigError(f"'rounding.tolerance' must be a non-negative number, not {raw!r}", source=source)
        changes["tolerance"] = tolerance
    return changes


def _waiver_list(value: Any, source: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ConfigError("'waivers' must be an array of tables ([[waivers]])", source=source)
    return value


def _parse_waiver(item: Mapping[str, Any], source: str) -> Waiver:
    for key in item:
        if key not in _WAIVER_KEYS:
            raise ConfigError(f"unknown key 'waivers.{key}'{did_you_mean(key, _WAIVER_KEYS, prefix='waivers.')}", source=source)
    for required in ("rule", "reason"):
        if not isinstance(item.get(required), str) or not item[required].strip():
            raise ConfigError(f"every waiver needs a {required!r} (a non-empty string)", source=source)
    expires = item.get("expires")
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise ConfigError(f"waiver expiry {expires!r} is not a date (YYYY-MM-DD)", source=source) from None
    elif isinstance(expires, dt.datetime):
        expires = expires.date()
    elif expires is not None and not isinstance(expires, dt.date):
        raise ConfigError(f"waiver expiry {expires!r} is not a date (YYYY-MM-DD)", source=source)
    documents = item.get("documents", "*")
    if not isinstance(documents, str):
        raise ConfigError(f"waiver 'documents' must be a glob string, not {documents!r}", source=source)
    return Waiver(rule=item["rule"], reason=item["reason"], documents=documents, expires=expires, source=source)


# -- finding and reading the file -------------------------------------------------------


def find_config_file(start: Path) -> Path | None:
    """The nearest ``compliance.toml``, or ``pyproject.toml`` with ``[tool.compliance]``, at or above ``start``."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT_FILE
        if pyproject.is_file() and "compliance" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle, parse_float=Decimal)
    except OSError as exc:
        raise ConfigError(f"cannot read configuration: {exc.strerror or exc}", source=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", source=str(path)) from exc


def read_config_file(path: Path) -> Config:
    """The configuration in ``path`` (a ``compliance.toml`` or a ``pyproject.toml``)."""
    data = _read_toml(path)
    if path.name == PYPROJECT_FILE:
        data = data.get("tool", {}).get("compliance", {})
    config = Config().merged(data, source=str(path))
    return evolve(config, path=str(path))


def load_config(start: Path | None = None, *, path: Path | None = None, isolated: bool = False) -> Config:
    """The configuration for a run: ``path`` if given, else the file found from ``start`` or the cwd.

    ``isolated`` ignores every configuration file (defaults only).
    """
    if isolated:
        return Config()
    if path is not None:
        if not path.is_file():
            raise ConfigError("configuration file not found", source=str(path))
        return read_config_file(path)
    for origin in ([start] if start is not None else []) + [Path.cwd()]:
        found = find_config_file(origin)
        if found is not None:
            return read_config_file(found)
    return Config()
