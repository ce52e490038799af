"""The CI action (action.yml): its inputs, outputs and steps agree, and its shell steps, run
with bash as a GitHub runner runs them, check a paper against the fakes, write the job
summary and the badge, and fail the job below --fail-under."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from fakes.github import FakeGitHub, fake_github  # noqa: F401

ROOT = Path(__file__).parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
README = ("# Method\n\n## Installation\n\npip install -r requirements.txt\n\n## Usage\n\n"
          "python train.py\n\n## Results\n\n| model | acc |\n|---|---|\n| ours | 91.2 |\n")


def expressions(text: str) -> list[str]:
    return EXPRESSION.findall(text)


def test_the_action_is_composite_and_its_steps_run_in_bash_or_use_pinned_actions() -> None:
    assert ACTION["runs"]["using"] == "composite"
    for step in STEPS:
        assert "name" in step and ("run" in step) != ("uses" in step)
        if "run" in step:
            assert step["shell"] == "bash"
            # Inputs reach scripts through env only: no expression is pasted into a script.
            assert not expressions(step["run"]), step["name"]
        else:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"])


def test_every_expression_names_a_declared_input_or_an_earlier_step_output() -> None:
    declared_outputs: dict[str, set[str]] = {}
    for step in STEPS:
        texts = [str(v) for v in {**step.get("env", {}), **step.get("with", {})}.values()]
        texts.append(str(step.get("if", "")))
        for expression in (e for text in texts for e in expressions(text)):
            for name in re.findall(r"inputs\.([\w-]+)", expression):
                assert name in ACTION["inputs"], name
            for step_id, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression):
                assert output in declared_outputs.get(step_id, set()), (step_id, output)
        if "id" in step and "run" in step:
            written = re.findall(r'echo "([\w-]+)=', step["run"])
            written += re.findall(r'echo "([\w-]+)<<', step["run"])
            if "reports.check_summary" in step["run"] and "--outputs" in step["run"]:
                written += ["score", "grade", "paper"]
            declared_outputs[step["id"]] = set(written)
    for name, output in ACTION["outputs"].items():
        [expression] = expressions(output["value"])
        step_id, value = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression).groups()
        assert value in declared_outputs[step_id], name
    upload = next(s for s in STEPS if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "${{ steps.check.outputs.badge-dir }}"
    assert "always()" in upload["if"]  # the badge is uploaded when the score fails the job too


@dataclass
class Runner:
    """Runs the action's shell steps as a runner would (bash -eo pipefail, a GITHUB_OUTPUT file
    per step, GITHUB_STEP_SUMMARY shared), skipping `uses:` steps and the pip install (the
    tool is installed in this environment already)."""

    workspace: Path
    temp: Path
    env: dict[str, str]
    inputs: dict[str, str] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=lambda: STEPS)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    log: str = ""

    @property
    def summary(self) -> Path:
        return self.temp / "step-summary.md"

    def evaluate(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("inputs."):
                name = expression.removeprefix("inputs.")
                if name in self.inputs:
                    return self.inputs[name]
                return self.evaluate(str(ACTION["inputs"][name].get("default", "")))
            if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression):
                return self.outputs.get(m.group(1), {}).get(m.group(2), "")
            known = {"github.token": "", "github.action_path": str(ROOT),
                     "runner.temp": str(self.temp)}
            return known[expression]  # an expression this runner does not know fails the test

        return EXPRESSION.sub(value, text)

    def run(self) -> int:
        """Run the steps in order; the first failing step's exit code, else 0."""
        for index, step in enumerate(self.steps):
            if "run" not in step or step.get("id") == "install":
                continue
            output = self.temp / f"output-{index}"
            output.touch()
            env = {**self.env, "GITHUB_OUTPUT": str(output),
                   "GITHUB_STEP_SUMMARY": str(self.summary), "RUNNER_TEMP": str(self.temp),
                   **{k: self.evaluate(str(v)) for k, v in step.get("env", {}).items()}}
            script = self.temp / f"step-{index}.sh"
            script.write_text(step["run"])
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                                   str(script)], cwd=self.workspace, env=env,
                                  capture_output=True, text=True, timeout=300)
            self.log += done.stdout + done.stderr
            if "id" in step:
                self.outputs[step["id"]] = parse_outputs(output.read_text())
            if done.returncode != 0:
                return done.returncode
        return 0


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's two forms: `name=value` and `name<<DELIMITER` ... `DELIMITER`."""
    found: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            found[name] = "\n".join(iter(lambda: next(lines), delimiter))
        elif "=" in line:
            name, value = line.split("=", 1)
            found[name] = value
    return found


@pytest.fixture
def runner(fake_github: FakeGitHub, tmp_path: Path) -> Runner:
    """A runner whose workspace is a repository `lab/method` that the fake GitHub serves."""
    fake_github.add_repo("lab", "method", stars=42, license_spdx="MIT", license_name="MIT License",
                         tree={"requirements.txt": 120, "train.py": 4000, "eval/evaluate.py": 900},
                         readme=README)
    workspace, temp = tmp_path / "workspace", tmp_path / "runner-temp"
    workspace.mkdir()
    temp.mkdir()
    config = tmp_path / "reprotrack.toml"
    config.write_text("[discovery]\nenabled = false\n[http]\nbackoff_base = 0.01\n"
                      "max_retries = 1\ntimeout = 5\n")
    venv_bin = str(Path(sys.executable).parent)
    env = {"PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
           "HOME": str(tmp_path), "GITHUB_SERVER_URL": "https://github.com",
           "GITHUB_REPOSITORY": "lab/method", "GITHUB_API_URL": fake_github.url,
           "REPROTRACK_CONFIG": str(config), "HF_ENDPOINT": "http://127.0.0.1:9",
           "OSF_API_URL": "http://127.0.0.1:9"}
    return Runner(workspace, temp, env)


def test_the_repository_is_checked_its_scorecard_summarised_and_its_badge_written(
    runner: Runner,
) -> None:
    runner.inputs["fail-under"] = "0.3"

    assert runner.run() == 0, runner.log

    assert runner.outputs["paper"]["target"] == "https://github.com/lab/method"
    check = runner.outputs["check"]
    assert check["exit-code"] == "0" and check["grade"] in {"A", "B", "C", "D"}
    assert float(check["score"]) >= 0.3
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## Reproducibility scorecard: ")
    assert f"**Grade {check['grade']}**" in summary and "✅ at or above --fail-under 0.30" in summary
    assert "| code_available | 0.25 | 1.00 | ✅ |" in summary
    assert "| https://github.com/lab/method | github_repo | ok |" in summary
    badge = Path(check["badge-dir"])
    [svg] = badge.glob("paper-*.svg")
    endpoint = json.loads(next(badge.glob("paper-*.json")).read_text())
    assert endpoint["schemaVersion"] == 1 and endpoint["message"].startswith(check["grade"])
    assert svg.read_text().startswith("<svg")


def test_a_score_below_fail_under_fails_the_job_after_writing_the_summary_and_badge(
    runner: Runner,
) -> None:
    runner.inputs["fail-under"] = "0.99"

    assert runner.run() == 1

    assert runner.outputs["check"]["exit-code"] == "1"
    assert "❌ below --fail-under 0.99" in runner.summary.read_text(encoding="utf-8")
    assert list(Path(runner.outputs["check"]["badge-dir"]).glob("paper-*.svg"))
    assert "scored below --fail-under" in runner.log


def test_the_paper_comes_from_citation_cff_when_not_given(runner: Runner) -> None:
    steps = Runner(runner.workspace, runner.temp, runner.env,
                   steps=[s for s in STEPS if s.get("id") == "paper"])
    (runner.workspace / "CITATION.cff").write_text(
        'cff-version: 1.2.0\ntitle: "Method"\npreferred-citation:\n  type: article\n'
        '  doi: "10.48550/arXiv.2106.09685"\n  identifiers:\n    - type: url\n'
        '      value: "https://arxiv.org/abs/2106.09685v2"\n')
    assert steps.steps and steps.run() == 0
    assert steps.outputs["paper"]["target"] == "2106.09685"

    (runner.workspace / "CITATION.cff").write_text(
        'cff-version: 1.2.0\ntitle: "Method"\ndoi: 10.5281/zenodo.1234567\n')
    assert steps.run() == 0
    assert steps.outputs["paper"]["target"] == "10.5281/zenodo.1234567"

    steps.inputs["paper"] = "https://huggingface.co/org/model"
    assert steps.run() == 0
    assert steps.outputs["paper"]["target"] == "https://huggingface.co/org/model"

