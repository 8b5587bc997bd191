"""The text report of an ``evaluate`` run: the tables and lines the command prints."""

from __future__ import annotations

from engine.coldstart import format_cold_start
from engine.evaluate import METRICS, format_table
from engine.protocol import ProtocolRun


def report(run: ProtocolRun) -> str:
    """The report of ``run``, the engine under its name (learned or hand-set fusion)."""
    result, engine_name = run.result, run.engine_name
    rename = {"engine": engine_name}
    methods = {rename.get(k, k): v for k, v in result.methods.items()}
    spread = methods[engine_name]["stderr"]
    lines = [format_table(methods),
             f"standard error over queries ({engine_name}): "
             + ", ".join(f"{m} {spread[m]:.3f}" for m in METRICS),
             "\nnon-academic candidates only (no universities or research organisations):",
             format_table({rename.get(k, k): v for k, v in result.non_academic.items()})]
    cb = result.cross_border
    lines.append(f"\ncross-border share: engine top 10 {cb['engine_top10']:.3f}, "
                 f"true partners {cb['true_partners']:.3f}")
    if run.crosslingual is not None:
        for title, part in (("whole requests", run.crosslingual),
                            ("first sentence only", run.crosslingual["short"])):
            lines.append(f"\ncross-lingual set, {title} (MRR / recall@10; en: the English "
                         "versions):")
            lines += [f"  {name}: {v['mrr']:.3f} / {v['recall@10']:.3f} "
                      f"({v['queries']} requests)" for name, v in part["methods"].items()]
            lines.append("  profiles without history in the top 10 for their topic: "
                         f"{part['no_history_top10']:.3f}")
    if run.cold_start is not None:
        lines.append("\n" + format_cold_start(run.cold_start))
    return "\n".join(lines)
