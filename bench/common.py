"""Small helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def percentiles(samples_ms: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return p50, p95, ordered[-1]


def report(name: str, samples_ms: list[float], target_p95: float | None = None) -> None:
    p50, p95, worst = percentiles(samples_ms)
    verdict = ""
    if target_p95 is not None:
        verdict = f"  target p95 ≤ {target_p95} ms: {'OK' if p95 <= target_p95 else 'MISSED'}"
    print(f"{name:<48} n={len(samples_ms):<6} p50={p50:8.3f} ms  p95={p95:8.3f} ms  max={worst:8.3f} ms{verdict}")


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000
