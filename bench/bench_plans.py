"""Plans and consultations speed: /plan show and /country's plan summary for a country with 100
actions, 2,000 updates and 300 status changes (12 such plans), and a consultation's closing results (counts per
country, glossary terms of every answer, the CSV) with 1,000 members answering 5 questions.

    .venv/bin/python bench/bench_plans.py [--members 1000] [--runs 50]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

from _common import make_app, percentiles, tempdir
from sqlalchemy import insert

from cogs.plans.consultations import ConsultationService
from cogs.plans.models import (
    ActionPlan,
    ActionStatusChange,
    ActionUpdate,
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
    PlanAction,
    Recommendation,
)
from cogs.plans.service import PlanService

COUNTRIES = ["KH", "KG", "LA", "MN", "TH", "VN", "CN", "ID", "JP", "MY", "PH", "KR"]
ANSWERS = ["A cooperative law would help", "สหกรณ์ต้องการเงินทุน", "Hợp tác xã cần vốn", "More for each social enterprise",
           "Nothing to add"]


def report(name: str, samples: list[float], target_p95_ms: float) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000
    print(f"{name:<48} {percentiles(samples)}  (target p95 <= {target_p95_ms} ms: "
          f"{'OK' if p95 <= target_p95_ms else 'MISSED'})")


async def main(members: int, runs: int) -> None:
    app = await make_app(tempdir())
    rng = random.Random(7)
    now = datetime.now(UTC)
    plans, recs, actions, updates, changes = [], [], [], [], []
    for p, code in enumerate(COUNTRIES, 1):
        plans.append({"id": p, "country": code, "title": f"Plan {code}", "created_at": now, "updated_at": now})
        for r in range(10):
            rid = p * 100 + r
            recs.append({"id": rid, "plan_id": p, "position": r, "text": f"Recommendation {r}"})
            for a in range(10):
                aid = rid * 100 + a
                actions.append({"id": aid, "recommendation_id": rid, "position": a, "title": f"Action {a}",
                                "owner_org": "Ministry", "target_date": now.date() + timedelta(days=rng.randint(-60, 300)),
                                "status": rng.choice(["planned", "under_way", "done", "stalled"]),
                                "status_changed_at": now - timedelta(days=rng.randint(0, 90)), "created_at": now - timedelta(days=100)})
                for c, (old, new) in enumerate((("planned", "under_way"), ("under_way", "stalled"), ("stalled", "under_way"))):
                    changes.append({"action_id": aid, "changed_by_user_id": 11, "from_status": old, "to_status": new,
                                    "changed_at": now - timedelta(days=60 - 20 * c)})
                for u in range(20):
                    when = now - timedelta(days=rng.randint(0, 120))
                    updates.append({"action_id": aid, "author_id": 1000 + u, "text": "Progress", "evidence": [],
                                    "created_at": when, "confirmed_at": when if u % 2 else None})
    async with app.db.begin() as session:
        for table, rows in ((ActionPlan, plans), (Recommendation, recs), (PlanAction, actions), (ActionUpdate, updates),
                            (ActionStatusChange, changes)):
            for i in range(0, len(rows), 2000):
                await session.execute(insert(table), rows[i:i + 2000])
        session.add(Consultation(id=1, title="Draft", summary="S", countries=[], closes_at=now))
        await session.flush()
        for q in range(5):
            session.add(ConsultationQuestion(id=q + 1, consultation_id=1, position=q, text=f"Question {q}"))
        await session.flush()
        rows = [{"question_id": q + 1, "user_id": m, "anonymous": m % 3 == 0, "text": f"{rng.choice(ANSWERS)} (member {m}, question {q}) " * 3,
                 "country": rng.choice(COUNTRIES), "org_type": "cooperative", "created_at": now, "updated_at": now}
                for m in range(members) for q in range(5)]
        for i in range(0, len(rows), 2000):
            await session.execute(insert(ConsultationAnswer), rows[i:i + 2000])
    print(f"{len(actions):,} actions, {len(updates):,} updates, {len(changes):,} status changes; "
          f"{len(rows):,} consultation answers")

    plans_service = app.service(PlanService)
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        async with app.db.begin() as session:
            await plans_service.summary(session, COUNTRIES[i % len(COUNTRIES)])
        samples.append(time.perf_counter() - start)
    report("plan summary (/plan show, /country)", samples, 150)

    consult = app.service(ConsultationService)
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        async with app.db.begin() as session:
            results = await consult.results(session, 1)
        results.csv()
        samples.append(time.perf_counter() - start)
    report(f"closing results + CSV, {members:,} members x 5 (in a thread)", samples, 15000)
    await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.members, args.runs))
