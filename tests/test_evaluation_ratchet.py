"""The fixed evaluation subset, replayed from recordings of the embedded model: quality may only go up.

Record again (about an hour on 2 cores, nothing else running):

    pytest -m evalset --record-mode=rewrite -s

Recording also rewrites eval/results/<set>/ (metrics.json, report.md, answers.jsonl)
with the live timings. eval/thresholds.json holds the ratchet: raise a figure when
quality improves; lowering one needs a reason in the commit message.
"""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from arms_extract import BackendSettings
from arms_extract.evaluation.evalset import load_gold
from arms_extract.evaluation.report import headline
from arms_extract.evaluation.runner import EvalRun, run_eval, write_outputs

from .conftest import FIXTURES, ROOT, _recording

pytestmark = [pytest.mark.cassette, pytest.mark.evalset]

SETS = ("dev", "dsca")  # PolNeAR claims need no model: tests/test_attribution.py::test_claims_ratchet
THRESHOLDS = json.loads((ROOT / "eval" / "thresholds.json").read_text(encoding="utf-8"))


def _progress(system: str, article_id: str, result) -> None:  # type: ignore[no-untyped-def]
    status = "ok" if result.ok else f"FAILED {result.error}"
    print(
        f"{system:8} {article_id[:50]:50} {result.seconds:6.1f} s {len(result.sales)} sales {status}", file=sys.stderr
    )


@pytest.fixture(scope="module")
def runs(model_backend: BackendSettings, vcr_for_module, pytestconfig: pytest.Config):  # type: ignore[no-untyped-def]
    """`runs(name)`: one set's run, made on first use, so `-k polnear` records that set alone."""
    recording = _recording(pytestconfig)
    found: dict[str, EvalRun] = {}

    def get(name: str) -> EvalRun:
        if name not in found:
            golds = load_gold(FIXTURES / f"eval_{name}.jsonl")
            with vcr_for_module(f"eval_{name}.yaml"):
                run = asyncio.run(
                    run_eval(name, golds, model_backend, workers=1, progress=_progress if recording else None)
                )
            if recording:
                write_outputs(run, ROOT / "eval" / "results" / name)
            found[name] = run
        return found[name]

    return get


@pytest.mark.parametrize("name", SETS)
def test_every_article_answered_by_both_systems(runs, name: str) -> None:  # type: ignore[no-untyped-def]
    run = runs(name)
    for system in ("pipeline", "baseline"):
        assert set(run.answers[system]) == {g.id for g in run.golds}
    assert all(a.ok for a in run.answers["pipeline"].values()), [a.error for a in run.answers["pipeline"].values()]


@pytest.mark.parametrize("name", SETS)
def test_quality_does_not_drop_below_the_ratchet(runs, name: str) -> None:  # type: ignore[no-untyped-def]
    figures = headline(runs(name).metrics()["systems"]["pipeline"])
    floor = THRESHOLDS[name]
    dropped = {k: (figures[k], v) for k, v in floor.items() if figures[k] is None or figures[k] + 1e-9 < v}
    assert not dropped, f"below the recorded floor (now, floor): {dropped}"


@pytest.mark.parametrize("name", SETS)
def test_nothing_invented(runs, name: str) -> None:  # type: ignore[no-untyped-def]
    grounding = runs(name).metrics()["systems"]["pipeline"]["grounding"]
    assert grounding["values"] > 0
    assert grounding["invented"] == 0


@pytest.mark.parametrize("name", SETS)
def test_every_question_about_a_seller_was_answered(runs, name: str) -> None:  # type: ignore[no-untyped-def]
    """A question missing from the recording fails where it is asked and the article goes on
    without its answer: here it fails loudly (record it with --record-mode=new_episodes)."""
    cost = runs(name).metrics()["systems"]["pipeline"]["cost"]
    assert cost["questions_failed"] == 0
    if name == "dev":
        assert cost["questions_per_article"] > 0
