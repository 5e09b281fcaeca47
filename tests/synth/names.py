"""Free-form Chinese folder and file names, often unhelpful (扫描件0924.pdf) or misleading."""
from __future__ import annotations

import random

from .model import PacketSpec, Party

KIND_WORD = {"business_license": "营业执照", "audit_report": "审计报告", "tax_report": "汇算清缴报告",
             "financial_statements": "财务报表", "commitment_letter": "责任承诺函"}
WRONG = {"business_license": "资质材料", "audit_report": "财务资料", "tax_report": "审计报告",
         "financial_statements": "报表", "commitment_letter": "承诺书盖章版"}


def folder(spec: PacketSpec, p: Party, rng: random.Random, style: int) -> str:
    z = p.hints.zihao
    if p.role == "lead":
        return ["牵头单位", "01牵头单位材料", "牵头单位/证照及财务"][style]
    if p.role == "provider":
        return ["服务商", "02服务商材料", f"服务商/{z}"][style]
    i = spec.enterprises.index(p) + 1
    return [f"企业材料/{z}", f"03企业材料/{i:02d}{z}", f"企业材料/{p.name}/{rng.choice(['盖章件', '扫描', '资料'])}"][style]


def file_name(kind: str, p: Party | None, rng: random.Random, ext: str = ".pdf") -> str:
    if p is None:
        return {"application_form": rng.choice(["{c}申报书.pdf", "申报书（盖章版）.pdf", "附件1-1 申报书.pdf", "申报书终稿.pdf"]),
                "survey_report": rng.choice(["调研报告.pdf", "附件1-2调研报告.pdf", "{c}调研报告.pdf"]),
                "implementation_plan": rng.choice(["实施方案（终稿）.pdf", "附件1-3 实施方案.pdf", "实施方案v3.pdf"])}[kind]
    z, w = p.hints.zihao, KIND_WORD[kind]
    r = rng.random()
    if r < 0.15:
        return f"扫描件{rng.randint(1, 9999):04d}{ext}"
    if r < 0.2:
        return f"{z}{WRONG[kind]}{ext}"
    return rng.choice([f"{z}{w}{ext}", f"{w}_{z}{ext}", f"{z}-{w}{ext}", f"{z} {w}{ext}", f"{p.name}{w}{ext}",
                       f"{z}2024{w}{ext}" if kind == "audit_report" else f"{z}{w}（盖章）{ext}"])
