"""Normalisers: credit codes, money, dates, names. Thin wrappers over python-stdnum, cn2an and dateparser."""
from pipeline.normalize.amount import parse_amount_cn, parse_number, repair_separators, strict_number, wan
from pipeline.normalize.dates import find_dates, parse_date, parse_month
from pipeline.normalize.names import SMALL_UNIT_ENDINGS, norm_name, same_name, squash
from pipeline.normalize.totals import repair_total
from pipeline.normalize.uscc import check_uscc, find_usccs, is_valid_uscc, org_code_ok, repair_uscc

__all__ = ["parse_amount_cn", "parse_number", "repair_separators", "strict_number", "wan", "parse_date", "parse_month", "find_dates", "norm_name", "SMALL_UNIT_ENDINGS",
           "same_name", "squash", "repair_total", "check_uscc", "find_usccs", "is_valid_uscc", "org_code_ok",
           "repair_uscc"]
