"""Score the fixed evaluation subset again from its recordings, without the model (seconds, not an hour).

    python scripts/eval_replay.py [--out out/eval-replay]

For work on grounding, normalisation and assembly: those run again on the
recorded answers, so their effect on every metric shows at once. A change to
the prompt or the answer schema needs a new recording instead
(`pytest -m evalset --record-mode=rewrite -s`). Timings in this report are
replay timings, not the model's.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vcr  # noqa: E402

from arms_extract import BackendSettings  # noqa: E402
from arms_extract.evaluation.evalset import load_gold  # noqa: E402
from arms_extract.evaluation.report import fmt, headline  # noqa: E402
from arms_extract.evaluation.runner import run_eval, write_outputs  # noqa: E402
from tests.recordings import CASSETTES, EMBEDDED_MODEL, FIXTURES, REPLAY_URL, json_body_matcher  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "eval-replay")
    args = parser.parse_args()
    matching = ["method", "path", "json_body"]
    recorder = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", match_on=matching)
    recorder.register_matcher("json_body", json_body_matcher)
    settings = BackendSettings(base_url=REPLAY_URL, model=EMBEDDED_MODEL)
    for name in ("dev", "dsca", "polnear"):
        if not (CASSETTES / f"eval_{name}.yaml").exists():
            print(f"\n{name}: not recorded yet (pytest -m evalset --record-mode=rewrite -k {name})")
            continue
        golds = load_gold(FIXTURES / f"eval_{name}.jsonl")
        with recorder.use_cassette(f"eval_{name}.yaml"):
            run = asyncio.run(run_eval(name, golds, settings, workers=1))
        metrics = write_outputs(run, args.out / name)
        figures = {system: headline(m) for system, m in metrics["systems"].items()}
        print(f"\n{name}: {len(golds)} articles -> {args.out / name}/report.md")
        for key in figures["pipeline"]:
            print(f"  {key:16} " + "  ".join(f"{system} {fmt(f[key])}" for system, f in figures.items()))


if __name__ == "__main__":
    main()
