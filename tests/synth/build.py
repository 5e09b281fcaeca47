"""Assemble a clean PacketSpec: lead, providers, enterprises, budget, KPIs, survey."""
from __future__ import annotations

import datetime as dt
import random

from . import vocab as V
from .model import PacketSpec
from .world import World, kpis, overview, survey


def recompute_table1(spec: PacketSpec) -> None:
    ents = spec.enterprises
    spec.project_total_wan = round(sum(p.declared.product_total for p in ents) / 10000, 2)
    spec.subsidy_wan = round(sum(p.declared.subsidy for p in ents) / 10000, 2)


def build_spec(seed: int, rendering: str, layout: str, packet_id: str, n_enterprises: int | None = None,
               big: bool = False) -> PacketSpec:
    rng = random.Random(seed)
    app = dt.date(2025, 8, 1) + dt.timedelta(days=rng.randint(5, 27))
    w = World(rng, app)
    chain = rng.choice(list(V.CHAINS))
    chain_label, words = V.CHAINS[chain]
    place = rng.choice(["江门市", "江门市", "台山市", "开平市", "鹤山市", "恩平市", "江门市新会区"])
    cluster = f"{place}{chain_label}产业集群"
    lead = w.company("lead", "L", V.PROVIDER_KINDS)
    providers = [w.company("provider", f"P{i + 1}", V.PROVIDER_KINDS) for i in range(rng.choice([1, 2, 2, 3]))]
    n = n_enterprises or rng.randint(10, 15)
    ents = [w.company("enterprise", f"E{i + 1:02d}", words) for i in range(n)]
    suppliers = [lead.name] + [p.name for p in providers]
    for e in ents:
        if big:          # large purchases near the caps (cluster-cap injection)
            prods = w.products(suppliers, big=True)
            w.declare(e, prods, ratio=rng.uniform(0.76, 0.79))
        else:
            w.declare(e, w.products(suppliers))
    start = app + dt.timedelta(days=rng.randint(10, 45))
    if rng.random() < 0.5:
        end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    else:
        end = start + dt.timedelta(days=rng.randint(240, 330))
    extra = []
    while len(extra) < 12:
        z = w.zihao()
        extra.append(f"{rng.choice(['江门市', '开平市', '鹤山市', '台山市', '江门市蓬江区'])}{z}{rng.choice(words)}有限公司")
    spec = PacketSpec(
        id=packet_id, seed=seed, cluster_name=cluster, chain=chain, application_date=app.isoformat(),
        project_start=start.isoformat(), project_end=end.isoformat(), rendering=rendering, layout=layout,
        parties=[lead, *providers, *ents], table1_enterprises=[e.name for e in ents],
        project_total_wan=0, subsidy_wan=0, kpis=kpis(rng, rng.choice([3, 4, 5, 5])),
        overview=overview(cluster, lead.name, n, chain, rng),
        survey_rows=survey(rng, ents, extra),
        survey_team=[(p.name, _person(rng), rng.choice(["解决方案架构师", "项目总监", "实施顾问"]),
                      rng.choice(["工业互联网", "智能制造", "数据治理"])) for p in [lead, *providers]])
    recompute_table1(spec)
    return spec


def _person(rng: random.Random) -> str:
    from .world import person
    return person(rng)
