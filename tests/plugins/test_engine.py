"""The engine's orchestration, with a fake rule set and Python checks from test plugins."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from attrs import evolve

from compliance import Check, Config, Finding, Location, Outcome, RuleResult, Severity, hookimpl
from compliance.engine import EXPIRED_WAIVER_RULE, Engine, pack_applies
from compliance.errors import ConfigError, PluginError
from compliance.model import Document, Span

DOCUMENT = Document(
    path="mem/doc.txt",
    title="测试文档",
    meta={"jurisdiction": "somewhere"},
    lines=("第一行", "第二行 12.50", "第三行"),
)


class FakeRuleSet:
    """Honours the rule-set interface of the rule language: packs, rules, evaluate(rule_ids=...)."""

    def __init__(self) -> None:
        self.packs = (
            SimpleNamespace(name="demo.national", title="全国", version="1", reference="文件", content_hash="sha256:aa"),
            SimpleNamespace(name="demo.somewhere", title="某地", version="2", reference=None, content_hash="sha256:bb"),
            SimpleNamespace(name="demo.elsewhere", title="他地", version="3", reference=None, content_hash="sha256:cc"),
        )
        self.rules = (
            SimpleNamespace(id="R-NAT-001", title="全国规则", severity=Severity.ERROR, tags=("arith",),
                            pack="demo.national", reference="文件第1条", description="说明", params={}),
            SimpleNamespace(id="R-SW-001", title="某地规则", severity=Severity.WARNING, tags=(),
                            pack="demo.somewhere", reference=None, description=None, params={}),
            SimpleNamespace(id="R-EW-001", title="他地规则", severity=Severity.ERROR, tags=(),
                            pack="demo.elsewhere", reference=None, description=None, params={}),
        )
        self.calls: list[tuple[str, ...]] = []

    def evaluate(self, document, *, rule_ids=None):
        ids = tuple(rule_ids)
        self.calls.append(ids)
        results = []
        for rule in self.rules:
            if rule.id not in ids:
                continue
            finding = Finding(
                rule=rule.id,
                severity=rule.severity,
                message=f"{rule.title}不符",
                location=Location(span=Span(2, 5, 2, 9), table="表1", row="合计"),
                values={"stated": "12.50", "computed": "12.40"},
                pack=rule.pack,
            )
            results.append(RuleResult(rule.id, rule.title, Outcome.FAIL, rule.severity, (finding,), pack=rule.pack))
        return tuple(results)


def engine(config: Config | None = None, *plugins: object, rule_set=None, today=dt.date(2026, 6, 1)) -> Engine:
    return Engine(config, plugin_objects=plugins, rule_set=rule_set or FakeRuleSet(), entry_points=False, today=today)


def test_pack_selection_by_jurisdiction_is_generic() -> None:
    assert pack_applies("demo.national", None)
    assert pack_applies("single", None)
    assert pack_applies("demo.somewhere", "somewhere")
    assert not pack_applies("demo.somewhere", None)
    assert not pack_applies("demo.somewhere", "elsewhere")


def test_only_the_national_and_the_documents_jurisdiction_packs_run() -> None:
    rule_set = FakeRuleSet()
    result = engine(rule_set=rule_set).check_document(DOCUMENT)
    assert rule_set.calls == [("R-NAT-001", "R-SW-001")]
    assert [r.rule for r in result.results] == ["R-NAT-001", "R-SW-001"]
    assert result.jurisdiction == "somewhere"
    assert result.packs == ("demo.national", "demo.somewhere")


def test_configured_jurisdiction_overrides_the_detected_one() -> None:
    rule_set = FakeRuleSet()
    engine(Config.from_mapping({"jurisdiction": "elsewhere"}), rule_set=rule_set).check_document(DOCUMENT)
    assert rule_set.calls == [("R-EW-001", "R-NAT-001")]


def test_select_and_ignore_match_prefixes_tags_and_packs() -> None:
    rule_set = FakeRuleSet()
    engine(Config.from_mapping({"select": ["arith", "R-SW"]}), rule_set=rule_set).check_document(DOCUMENT)
    engine(Config.from_mapping({"ignore": ["demo.national"]}), rule_set=rule_set).check_document(DOCUMENT)
    assert rule_set.calls == [("R-NAT-001", "R-SW-001"), ("R-SW-001",)]


def test_an_unknown_selector_is_a_config_error_with_a_suggestion() -> None:
    with pytest.raises(ConfigError, match=r"select: 'R-NAT-01' matches no rule id, tag or pack \(did you mean 'R-NAT-001'\?\)"):
        engine(Config.from_mapping({"select": ["R-NAT-01"]}))


def test_an_unknown_rule_in_severity_overrides_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="severity: 'R-XX' matches no rule id"):
        engine(Config.from_mapping({"severity": {"R-XX": "note"}}))


def test_severity_overrides_apply_to_findings_and_to_the_matrix() -> None:
    result = engine(Config.from_mapping({"severity": {"R-NAT": "note"}})).check_document(DOCUMENT)
    national = result.results[0]
    assert national.severity is Severity.NOTE
    assert [f.severity for f in national.findings] == [Severity.NOTE]


def test_waivers_mark_findings_and_expired_ones_are_reported() -> None:
    config = Config.from_mapping({"waivers": [
        {"rule": "R-NAT-001", "documents": "mem/*.txt", "reason": "已获批准", "expires": "2026-12-31"},
        {"rule": "R-SW-001", "documents": "*.txt", "reason": "旧豁免", "expires": "2026-01-31"},
    ]})
    result = engine(config).check_document(DOCUMENT)
    waived = {f.rule: f.waived for f in result.findings}
    assert waived == {"R-NAT-001": "已获批准", "R-SW-001": None, EXPIRED_WAIVER_RULE: None}
    expired = [f for f in result.findings if f.rule == EXPIRED_WAIVER_RULE]
    assert [f.message for f in expired] == ["豁免已于 2026-01-31 过期，不再生效：R-SW-001（旧豁免）"]
    assert expired[0].severity is Severity.WARNING


def test_a_waiver_for_other_documents_does_not_apply() -> None:
    config = Config.from_mapping({"waivers": [{"rule": "R-NAT", "documents": "other/*.txt", "reason": "x"}]})
    assert all(f.waived is None for f in engine(config).check_document(DOCUMENT).findings)


class Checks:
    @hookimpl
    def compliance_register_checks(self):
        def stated_twice(document, ctx):
            yield ctx.finding("演示发现", at=Span(2, 1, 2, 3), values={"stated": "12.50"})

        def not_here(document, ctx):
            from compliance import NotEvaluated

            raise NotEvaluated("缺少表5")

        def broken(document, ctx):
            raise KeyError("no such column")

        return [
            Check("PY-001", "演示检查", stated_twice, severity="warning", pack="demo.national"),
            Check("PY-002", "缺表", not_here, pack="demo.national"),
            Check("PY-003", "坏检查", broken, pack="demo.national"),
            Check("PY-004", "他地检查", stated_twice, pack="demo.elsewhere"),
        ]


def test_python_checks_run_with_outcomes_and_a_broken_one_is_reported() -> None:
    run = engine(None, Checks())
    result = run.check_document(DOCUMENT)
    outcomes = {r.rule: (r.outcome, r.reason) for r in result.results if r.rule.startswith("PY")}
    assert outcomes == {
        "PY-001": (Outcome.FAIL, None),
        "PY-002": (Outcome.NOT_EVALUATED, "缺少表5"),
        "PY-003": (Outcome.ERROR, "KeyError: 'no such column'"),
    }
    py1 = next(f for f in result.findings if f.rule == "PY-001")
    assert (py1.severity, py1.pack, dict(py1.values), py1.location.span) == (
        Severity.WARNING, "demo.national", {"stated": "12.50"}, Span(2, 1, 2, 3))
    crash = next(f for f in result.findings if f.rule == "PY-003")
    assert crash.message == "检查 PY-003 在本文档上运行失败：KeyError: 'no such column'"
    assert [f.message for f in run.failures] == [
        "check PY-003 (plugin 'test_engine') raised: KeyError: 'no such column'"]


def test_strict_plugins_make_a_broken_check_fatal() -> None:
    with pytest.raises(PluginError, match="check PY-003 .* raised: KeyError"):
        engine(Config.from_mapping({"strict-plugins": True}), Checks()).check_document(DOCUMENT)


class Downgrade:
    @hookimpl
    def compliance_process_findings(self, document, findings):
        kept = tuple(f for f in findings if f.rule != "R-SW-001")
        return tuple(evolve(f, severity=Severity.NOTE) for f in kept)


class Explodes:
    @hookimpl(tryfirst=True)
    def compliance_process_findings(self, document, findings):
        raise RuntimeError("boom")


def test_post_processing_changes_findings_and_recomputes_outcomes() -> None:
    run = engine(None, Downgrade(), Explodes())
    result = run.check_document(DOCUMENT)
    assert {r.rule: r.outcome for r in result.results} == {"R-NAT-001": Outcome.FAIL, "R-SW-001": Outcome.PASS}
    assert [f.severity for f in result.findings] == [Severity.NOTE]
    assert [f.message for f in run.failures] == [
        "mem/doc.txt: plugin 'Explodes-1' raised in compliance_process_findings: RuntimeError: boom"]


def test_report_carries_packs_rules_config_hash_and_quoted_lines() -> None:
    run = engine()
    report = run.report([run.check_document(DOCUMENT)])
    assert [p.name for p in report.packs] == ["demo.national", "demo.somewhere", "demo.elsewhere"]
    assert [r.id for r in report.rules] == ["R-NAT-001", "R-SW-001", "R-EW-001"]
    assert report.config_hash == Config().digest()
    assert dict(report.documents[0].quotes) == {2: "第二行 12.50"}


def test_fingerprints_ignore_lines_but_not_meaning() -> None:
    from compliance.report import fingerprint

    first = engine().check_document(DOCUMENT)
    base = first.findings[0]
    assert fingerprint(base) == fingerprint(evolve(base, location=evolve(base.location, span=Span(90, 1))))
    assert fingerprint(base) != fingerprint(evolve(base, location=evolve(base.location, row="小计")))
    assert fingerprint(base) == fingerprint(evolve(base, values={"stated": "1", "computed": "2"}))
    assert fingerprint(base) != fingerprint(evolve(base, values={"stated": "1"}))


def test_packs_restrict_the_run_to_the_listed_packs() -> None:
    rule_set = FakeRuleSet()
    result = engine(Config.from_mapping({"packs": ["demo.somewhere"]}), rule_set=rule_set).check_document(DOCUMENT)
    assert rule_set.calls == [("R-SW-001",)]
    assert result.packs == ("demo.somewhere",)


def test_a_check_may_not_reuse_a_rule_id() -> None:
    class Clash:
        @hookimpl
        def compliance_register_checks(self):
            return [Check("R-NAT-001", "重名", lambda document, ctx: ())]

    with pytest.raises(PluginError, match="rule id\\(s\\) defined both in a rule pack and as a Python check: R-NAT-001"):
        engine(None, Clash())
