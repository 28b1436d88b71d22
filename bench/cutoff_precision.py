"""Benchmark: does the cut-off detector tell complete posts from cut ones?

Runs ``editorial.continuation.truncation.is_truncated`` over the labelled
corpus in tests/editorial/continuation/cutoff_corpus: generated complete
posts with every kind of tail and the same posts cut mid-sentence (tuning:
seed 1, which the detector was developed against; holdout: seed 2), plus
hand-written posts and their cuts (holdout too: one batch written before the
detector was measured on it, one after it was finished). Also reads the publisher's
sample from ../shared and checks that its first pass is flagged and the
stitched text is not.

    .venv/bin/python bench/cutoff_precision.py [--show]

Targets: at most 1 complete text in 100 flagged, at least 95 cuts in 100
flagged, the sample's pass 0 flagged. Prints Markdown tables; exits 1 if a
target is missed. ``--show`` also prints every wrong verdict.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MAX_FLAGGED_COMPLETE = 1.0  # per 100
MIN_FLAGGED_CUTS = 95.0  # per 100


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allforces.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()


def per_100(hits, total):
    return 100 * hits / total if total else float("nan")


class Tally:
    """Verdicts for one group of samples."""

    def __init__(self):
        self.complete = self.complete_flagged = 0
        self.cuts = self.cuts_flagged = self.plausible_cuts = self.plausible_misses = 0
        self.inside = self.inside_flagged = 0

    def add(self, sample, flagged):
        if sample.complete:
            self.complete += 1
            self.complete_flagged += flagged
        elif sample.cut == "prose":
            self.cuts += 1
            self.cuts_flagged += flagged
            self.plausible_cuts += sample.plausible_end
            self.plausible_misses += not flagged and sample.plausible_end
        else:
            self.inside += 1
            self.inside_flagged += flagged

    def row(self, name):
        return (
            f"| {name} | {self.complete} | {self.complete_flagged} | "
            f"{per_100(self.complete_flagged, self.complete):.1f} | {self.cuts} | {self.cuts_flagged} | "
            f"{per_100(self.cuts_flagged, self.cuts):.1f} | {self.plausible_misses} of {self.plausible_cuts} | "
            f"{self.inside_flagged}/{self.inside} |"
        )

    def meets_targets(self):
        return (
            per_100(self.complete_flagged, self.complete) <= MAX_FLAGGED_COMPLETE
            and per_100(self.cuts_flagged, self.cuts) >= MIN_FLAGGED_CUTS
        )


HEADER = (
    "| group | complete | flagged | per 100 | cut mid-sentence | flagged | per 100 "
    "| cuts at a plausible ending: missed of all | cut inside a block: flagged |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def machine():
    cpu = next(
        (
            row.split(":", 1)[1].strip()
            for row in subprocess.getoutput("lscpu").splitlines()
            if "Model name" in row
        ),
        platform.processor() or "unknown",
    )
    return f"{os.cpu_count()} cores (nproc {subprocess.getoutput('nproc')}), {cpu}, Python {platform.python_version()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="print every wrong verdict")
    args = parser.parse_args()

    django_setup()
    from editorial.continuation.segments import assemble_texts
    from editorial.continuation.truncation import is_truncated
    from tests.editorial.continuation import cutoff_corpus
    from tests.editorial.continuation.cutoff_corpus.sample import SAMPLE, sample_passes

    sets = {"tuning (seed 1)": cutoff_corpus.tuning(), "holdout": cutoff_corpus.holdout()}
    by_set, by_source, by_lang, by_tail = (defaultdict(Tally) for _ in range(4))
    wrong = []
    started = time.perf_counter()
    verdicts = 0
    for set_name, samples in sets.items():
        for sample in samples:
            flagged = is_truncated(sample.text)
            verdicts += 1
            by_set[set_name].add(sample, flagged)
            by_source[sample.source].add(sample, flagged)
            by_lang[(set_name, sample.lang)].add(sample, flagged)
            by_tail[(sample.tail, set_name)].add(sample, flagged)
            if flagged == sample.complete:
                wrong.append((set_name, sample))
    elapsed = time.perf_counter() - started

    print(f"Machine: {machine()}")
    print(f"Corpus: {verdicts} texts judged in {elapsed:.2f} s ({1000 * elapsed / verdicts:.2f} ms each)\n")
    print(HEADER)
    for name, tally in by_set.items():
        print(tally.row(f"**{name}**"))
    sources = {
        "holdout": "generated (seed 2)",
        "handwritten": "hand-written before measuring",
        "handwritten late": "hand-written after the detector was finished",
    }
    for source, label in sources.items():
        print(by_source[source].row(f"of which {label}"))

    print("\nBy language\n")
    print(HEADER)
    for (set_name, lang), tally in sorted(by_lang.items()):
        print(tally.row(f"{set_name}, {lang}"))

    print("\nBy tail of the complete post (its cuts mostly stop in the body before the tail)\n")
    print(
        "| tail | complete flagged: tuning | holdout | cuts flagged per 100: tuning | holdout "
        "| misses at a plausible ending | cut inside a block: flagged |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    for tail in sorted({tail for tail, _ in by_tail}):
        tuning, holdout = (by_tail[(tail, name)] for name in sets)
        print(
            f"| {tail} | {tuning.complete_flagged}/{tuning.complete} | {holdout.complete_flagged}/{holdout.complete} "
            f"| {per_100(tuning.cuts_flagged, tuning.cuts):.0f} | {per_100(holdout.cuts_flagged, holdout.cuts):.0f} "
            f"| {tuning.plausible_misses + holdout.plausible_misses} "
            f"| {tuning.inside_flagged + holdout.inside_flagged}/{tuning.inside + holdout.inside} |"
        )

    passes = sample_passes(SAMPLE)
    first_flagged = is_truncated(passes[0])
    stitched_flagged = is_truncated(assemble_texts(passes))
    print(f"\nSample {SAMPLE.name}: {len(passes)} passes, flagged: {[is_truncated(p) for p in passes]}")
    print(f"- pass 0 flagged: {'yes' if first_flagged else 'NO'}")
    print(f"- stitched text flagged: {'YES' if stitched_flagged else 'no'}")

    met = all(tally.meets_targets() for tally in by_set.values()) and first_flagged and not stitched_flagged
    print(
        f"\nTargets (complete flagged <= {MAX_FLAGGED_COMPLETE:g}/100, cuts flagged >= {MIN_FLAGGED_CUTS:g}/100,"
        f" pass 0 flagged, stitched text not): {'met' if met else 'NOT MET'}"
    )

    if args.show:
        for set_name, sample in wrong:
            verdict = "complete, flagged" if sample.complete else f"cut ({sample.cut}), not flagged"
            plausible = " (plausible ending)" if sample.plausible_end else ""
            print(f"\n--- {set_name} / {sample.source} / {sample.tail} / {sample.lang}: {verdict}{plausible}")
            print(sample.text[-300:])
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
