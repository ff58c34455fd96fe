"""Glossary speed: autocomplete and lookup in-process with the glossary scaled to 1,000
terms x 13 languages, and /define end to end through the offline Discord harness.

    ./dev bench            (or: .venv/bin/python bench/bench_glossary.py [--terms 1000])
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from dataclasses import replace

from _common import ROOT, make_app, percentiles, tempdir

from bot.content import Content, Term, load_content
from bot.permissions import Actor
from cogs.glossary.service import GlossaryService
from cogs.glossary_review.service import ReviewService
from offline import boot_offline


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def report(name: str, samples: list[float], target_p95_ms: float) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000
    verdict = "OK" if p95 <= target_p95_ms else "MISSED"
    print(f"{name:<42} {percentiles(samples)}  (target p95 <= {target_p95_ms} ms: {verdict})")


def scaled_terms(real: tuple[Term, ...], count: int) -> list[Term]:
    """The real terms plus numbered variants (every language) until there are ``count``."""
    core = [t for t in real if t.core]
    terms = list(real)
    i = 0
    while len(terms) < count:
        base = core[i % len(core)]
        n = i // len(core) + 2
        terms.append(base.model_copy(update={
            "id": f"{base.id}-v{n}",
            "term": f"{base.term} {n}",
            "aliases": [f"{a} {n}" for a in base.aliases],
            "search_aliases": [f"{a} {n}" for a in base.search_aliases],
            "related": [],
            "translations": {lang: e.model_copy(update={"name": f"{e.name} {n}" if e.name else None,
                                                        "also": [f"{a} {n}" for a in e.also]})
                             for lang, e in base.translations.items()},
        }))
        i += 1
    return terms


def queries(terms: list[Term], rng: random.Random) -> list[str]:
    out = []
    for _ in range(400):
        t = rng.choice(terms)
        name = rng.choice([t.term, *(n for n, _ in t.local_names())])
        kind = rng.random()
        if kind < 0.4:
            out.append(name[: rng.randint(1, max(1, len(name)))])  # typing in progress
        elif kind < 0.7:
            chars = list(name)
            if len(chars) > 3:
                chars.pop(rng.randrange(len(chars)))  # a typo
            out.append("".join(chars))
        else:
            out.append(name)
    return out


async def end_to_end(content: Content, rounds: int) -> tuple[list[float], list[float]]:
    """/define through the harness, every other round with the review loop's check (one read of the
    version row per answer, with 50 approved texts shown over the shipped files) and every other without."""
    app = await make_app(tempdir())
    app.glossary = GlossaryService(content.terms)
    glossary, review = app.service(GlossaryService), app.service(ReviewService)
    for term in list(app.content.terms)[:50]:  # author 0: no thank-you DMs to wait for
        async with app.db.begin() as session:
            submitted = await review.suggest(session, 0, term.id, "th", "short", f"{term.term}: ข้อความที่ตรวจแล้ว")
            await review.approve(session, Actor.cli(), submitted.suggestion.id)
    await glossary.fresh()
    refresher = glossary.refresher
    _, gw = await boot_offline(app)
    with_check: list[float] = []
    without: list[float] = []
    names = [t.term for t in content.terms]
    for i in range(rounds):
        glossary.refresher = refresher if i % 2 == 0 else None
        start = time.perf_counter()
        result = await gw.slash("define", term=names[i % len(names)], locale="th")
        (with_check if i % 2 == 0 else without).append(time.perf_counter() - start)
        assert result.response_type == 4
    checks = []
    for _ in range(200):
        start = time.perf_counter()
        await review.refresh()
        checks.append(time.perf_counter() - start)
    report("review loop's check alone (no change)", checks[20:], 2.0)
    await gw.close()
    await app.close()
    return with_check, without


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--terms", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()

    content, problems = load_content(ROOT / "content")
    assert not problems, problems
    terms = scaled_terms(content.terms, args.terms)
    build_ms = timed(lambda: GlossaryService(terms)) * 1000
    glossary = GlossaryService(terms)
    names = sum(1 + len(t.aliases) + len(t.search_aliases) + len(t.local_names()) for t in terms)
    print(f"glossary: {len(terms)} terms, {names} names in 14 languages; index built in {build_ms:.0f} ms")

    rng = random.Random(7)
    qs = queries(terms, rng)
    for q in qs[:50]:  # warm up
        glossary.autocomplete(q)
    report("autocomplete (in-process)", [timed(lambda q=q: glossary.autocomplete(q)) for q in qs], 2.0)
    report("lookup /define service (in-process)", [timed(lambda q=q: glossary.define(q or "x", "th")) for q in qs], 2.0)

    big = replace(content, terms=tuple(terms))
    with_check, without = asyncio.run(end_to_end(big, args.rounds))
    report("/define end to end through the harness", with_check[10:], 10.0)
    report("/define end to end, review loop off", without[10:], 10.0)


if __name__ == "__main__":
    main()
