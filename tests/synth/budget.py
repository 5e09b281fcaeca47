"""Budget helpers: resize an enterprise's purchase, re-derive subsidy / self-pay."""
from __future__ import annotations

import math
import re
import random

from . import vocab as V
from .model import Party, Product

SERVICE_WORDS = ("咨询", "设计", "检测", "评价", "实施", "二次开发")


def is_service(p: Product) -> bool:
    return p.kind == "service" or any(w in p.name for w in SERVICE_WORDS)


def rows_total(e: Party) -> float:
    return round(sum(x.amount for x in e.declared.products), 2)


def set_subsidy(e: Party, ratio: float, cap: float = 500000) -> None:
    d = e.declared
    d.product_total = rows_total(e)
    d.subsidy = float(min(math.floor(d.product_total * ratio / 100) * 100, cap))
    d.self_pay = round(d.product_total - d.subsidy, 2)


def resize(e: Party, target: float) -> None:
    """Scale the SaaS rows so the row total is about `target` (amounts stay multiples of 100)."""
    d = e.declared
    saas = [x for x in d.products if x.kind == "saas"]
    other = sum(x.amount for x in d.products if x.kind != "saas")
    need = max(target - other, 1000 * len(saas))
    cur = sum(x.amount for x in saas)
    for x in saas:
        x.unit_price = round(x.amount * need / cur, -2)
        x.quantity = 1
        x.amount = x.unit_price


def add_services(e: Party, rng: random.Random, suppliers: list[str]) -> None:
    """Add service rows until services exceed 50 % of the row total (>= 1 SaaS row stays)."""
    d = e.declared
    while True:
        tot = rows_total(e)
        svc = sum(x.amount for x in d.products if is_service(x))
        if svc > 0.55 * tot:
            return
        name, lo, hi, per_day = rng.choice(V.SERVICE)
        price = round(rng.uniform(lo, hi), -2)
        q = max(1, math.ceil((tot - 2 * svc) / price)) if per_day else 1
        if not per_day:
            price = round(max(price, (tot - 2 * svc) / 2 + 100), -2)
        d.products.append(Product(name=name, supplier=rng.choice(suppliers), unit_price=price, quantity=q,
                                  amount=price * q, kind="service"))


def drop_saas(e: Party, rng: random.Random) -> None:
    """Replace every SaaS row with cloud rows; services stay under half."""
    d = e.declared
    saas = re.compile(r"\b(IoT|IOT|EAM|EMS|MES|MOM|PLM|SCM|SRM|WMS|CAE|PDM|ERP|CRM)\b")
    d.products = [x for x in d.products if x.kind != "saas" and not saas.search(x.name)]
    have = {x.name for x in d.products}
    for name, lo, hi, qmax in V.CLOUD:
        if name not in have and rng.random() < 0.6:
            price, q = round(rng.uniform(lo, hi), -2), rng.randint(1, qmax)
            d.products.append(Product(name=name, supplier=V.CLOUD_VENDOR, unit_price=price, quantity=q,
                                      amount=price * q, kind="cloud"))
    cloud = [x for x in d.products if x.kind == "cloud"]
    if not cloud:
        name, lo, hi, qmax = V.CLOUD[2]
        d.products.append(Product(name=name, supplier=V.CLOUD_VENDOR, unit_price=20000, quantity=1,
                                  amount=20000, kind="cloud"))
    svc = [x for x in d.products if is_service(x)]
    while sum(x.amount for x in svc) >= 0.45 * rows_total(e):
        d.products.remove(svc.pop())
