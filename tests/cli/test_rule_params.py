"""Rule-language parameters from the configuration: [params] overrides and the rounding policy."""

from __future__ import annotations

import json

from test_check_command import add_config


def messages(run, prefix: str) -> list[str]:
    data = json.loads(run.out)
    return [f["message"] for d in data["documents"] for f in d["findings"] if f["rule"].startswith(prefix)]


def test_rounding_policy_reaches_packs_that_declare_it(cli, workdir) -> None:
    add_config(workdir, '[rounding]\npolicy = "rounding"\ntolerance = 0.01\n')
    run = cli("bazhou.txt", "-p", "demo_params_pack", "--select", "T-", "--format", "json")
    assert messages(run, "T-") == ["容差 0.01，策略 rounding"]


def test_without_a_rounding_policy_the_packs_defaults_hold(cli) -> None:
    run = cli("bazhou.txt", "-p", "demo_params_pack", "--select", "T-", "--format", "json")
    assert messages(run, "T-") == []


def test_rounding_policy_is_ignored_by_packs_that_do_not_declare_it(cli, workdir) -> None:
    add_config(workdir, '[rounding]\npolicy = "exact"\n')
    assert cli("bazhou.txt", "--format", "json").code == 1  # the demo error, and no configuration error


def test_param_override_changes_a_national_rule(cli, workdir) -> None:
    # The sample's five performance tables total 90 points, as the Xinjiang pack expects;
    # a configured weight_total wins over the regional pack's value.
    before = cli("bazhou.txt", "--select", "CN-PERF-001", "--format", "json", demo=False)
    assert messages(before, "CN-PERF-001") == []
    add_config(workdir, "[params]\nweight_total = 100\n")
    after = cli("bazhou.txt", "--select", "CN-PERF-001", "--format", "json", demo=False)
    assert len(messages(after, "CN-PERF-001")) == 5
    assert messages(after, "CN-PERF-001")[0] == "「新疆巴州人民政府办公室」部门整体绩效目标表指标分值权重合计 90，应为 100"


def test_a_misspelled_param_is_a_one_line_error(cli, workdir) -> None:
    add_config(workdir, "[params]\nwieght_total = 90\n")
    run = cli("bazhou.txt", "--select", "CN-PERF-001", demo=False)
    assert run.code == 2
    assert run.err.startswith("compliance: error: unknown rule param 'wieght_total'")
    assert "did you mean 'weight_total'" in run.err
    assert len(run.err.splitlines()) == 1
