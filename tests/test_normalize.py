"""Normalisers: credit codes, money, dates, names, totals."""
import datetime as dt

import pytest

from pipeline.normalize import (check_uscc, find_usccs, is_valid_uscc, norm_name, org_code_ok, parse_amount_cn,
                                parse_date, parse_month, parse_number, repair_total, repair_uscc, same_name,
                                strict_number, wan)
from pipeline.normalize.uscc import org_check_char

pytestmark = pytest.mark.quick


# ------------------------------------------------------------------ USCC
@pytest.mark.parametrize("code", ["91440784797764357F", "914407855704192339", "9144070570596642XD",
                                  "91440704MA8ARTLA2T", "92440101MA59TWR60G", "91110000600037341L"])
def test_valid_codes(code):
    assert is_valid_uscc(code) and check_uscc(code) == (True, None)


def test_codes_starting_with_letters_are_checked_not_rejected():
    # GB 32100 authorities A-G, N, Y exist; stdnum alone rejects them for a non-digit first character
    from stdnum.cn import uscc
    body = "Y1440300" + "MA5DLG8B7"
    code = body + uscc.calc_check_digit(body)
    assert is_valid_uscc(code)
    assert not is_valid_uscc("Y9" + code[2:])          # Y only with type 1
    assert not is_valid_uscc(code[:-1] + ("0" if code[-1] != "0" else "1"))


def test_invalid_codes_say_why():
    assert check_uscc("9144078479776435") == (False, "长度不是18位")
    assert check_uscc("91440784797764357I")[0] is False
    assert check_uscc("91440784797764357E") == (False, "校验码不符")


def test_org_code_check_character():
    assert org_check_char("79776435") == "7"
    assert org_code_ok("91440784797764357F")
    assert not org_code_ok("91440784797764358F")


@pytest.mark.parametrize("raw,fixed,note", [
    ("9144O784797764357F", "91440784797764357F", "O→0"),
    ("9I44070570596642XD", "9144070570596642XD", "I→1"),
    ("914407037624222B52", "914407037624222852", "B→8"),
    ("91440785S62532279R", "91440785562532279R", "S→5"),
    ("9144 0784 7977 6435 7F", "91440784797764357F", None),
    ("９１４４０７８４７９７７６４３５７Ｆ", "91440784797764357F", None),
])
def test_repair_uscc(raw, fixed, note):
    value, why = repair_uscc(raw, ocr=True)
    assert value == fixed
    assert (why is None) if note is None else (note in why)


def test_a_typed_code_keeps_the_characters_its_alphabet_holds():
    """On a text layer 8 is what the applicant typed, not a misread B: …44877539XQ stays invalid (it was
    'repaired' to …44B77539XQ on a digital 表二, hiding a wrong code); letters no code holds (O I S V Z) are
    still certain repairs."""
    assert repair_uscc("9144070344877539XQ") == (None, "校验码不符")
    assert repair_uscc("9144070344877539XQ", ocr=True)[0] == "9144070344B77539XQ"
    assert repair_uscc("914407037624222B52")[0] is None
    assert repair_uscc("9144O784797764357F")[0] == "91440784797764357F"


def test_repair_refuses_when_not_unique_or_wrong_length():
    assert repair_uscc("91440784797764357") == (None, "长度17位，非18位")
    value, why = repair_uscc("91440784797764357E")          # a wrong check char with no OCR look-alike
    assert value is None and "校验码" in why


def test_find_usccs_in_text():
    text = "统一社会信用代码91440784797764357F（1-1） 另 9144O7855704192339 以及 913456789012345670"
    assert find_usccs(text) == ["91440784797764357F", "914407855704192339"]


# ------------------------------------------------------------------ money
@pytest.mark.parametrize("text,yuan,unit", [
    ("壹佰贰拾捌万元整", 1280000, "万元"),
    ("人民币伍拾万元", 500000, "万元"),
    ("人民币伍仟万元整", 50000000, "万元"),
    ("壹仟陆佰万圆整", 16000000, "万元"),
    ("叁仟元伍角陆分", 3000.56, "元"),
    ("贰佰万元人民币", 2000000, "万元"),
    ("人民币100.0000万元整", 1000000, "万元"),
    ("1,234.50元", 1234.5, "元"),
    ("１２３４．５元", 1234.5, "元"),
    ("壹佰万美元", 1000000, "万美元"),
    ("200万元", 2000000, "万元"),
])
def test_parse_amount_cn(text, yuan, unit):
    assert parse_amount_cn(text) == (pytest.approx(yuan), unit)


def test_wan_and_numbers():
    assert wan("壹佰贰拾捌万元整") == 128
    assert wan("1348.88", "万元") == 1348.88
    assert wan(2816000.0) == 281.6
    assert parse_number("1,738,141.83") == 1738141.83
    assert parse_number("(1,200.00)") == -1200
    assert parse_amount_cn("") == (None, None)


def test_strict_number_rejects_sentences():
    assert strict_number("204.55万元") == 204.55
    assert strict_number("1套") == 1 and strict_number("19人天") == 19 and strict_number("1年") == 1
    assert strict_number("成立于2011年，位于江门市") is None
    assert strict_number("") is None


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize("text", ["2019年03月15日", "2019-03-15", "2019.3.15", "2019/3/15", "二〇一九年三月十五日",
                                  "2019 年 3 月 15 日", "20190315", "签署日期：2019年3月15日"])
def test_parse_date_forms(text):
    assert parse_date(text) == dt.date(2019, 3, 15)


def test_parse_date_rejects_partial_and_impossible():
    assert parse_date("2019年3月") is None
    assert parse_date("2015年0月19日") is None
    assert parse_date("11日") is None          # dateparser would invent a year
    assert parse_date("签署日期：") is None
    assert parse_date("2025年8月2") is None     # the day was cut short (a seal, the scan edge)
    assert parse_date("二〇二五年八月二十日") == dt.date(2025, 8, 20)


def test_parse_month():
    assert parse_month("2025年1月") == "2025-01"
    assert parse_month("2025-06") == "2025-06"
    assert parse_month("二〇二五年十二月") == "2025-12"
    assert parse_month("无") is None


# ------------------------------------------------------------------ names, totals
def test_norm_name():
    assert norm_name("江门市 康信(电机)有限公司") == "江门市康信（电机）有限公司"
    assert same_name("广东中天粤会计师事务所(特殊普通合伙)", "广东中天粤会计师事务所（特殊普通合伙）")
    assert not same_name("", "")


def test_repair_total_single_garbled_part():
    parts, total, note = repair_total([39400, 47600, 145300, 8700, 40100], 281600,
                                      expected=[39400, 47600, 145800, 8700, 40100])
    assert parts[2] == 145800 and "第3项" in note


def test_repair_total_leaves_consistent_or_ambiguous_alone():
    assert repair_total([1, 2, 3], 6)[2] is None
    # two candidates (the total or a part) and nothing to break the tie: no repair
    assert repair_total([39400, 145300], 185200)[2] is None
    # a missing part whose implied value is not positive is not invented
    assert repair_total([100, None], 100)[2] is None
    assert repair_total([100, None], 150)[0] == [100, 50]


@pytest.mark.parametrize("text,fixed,noted", [
    ("44,804.646.58", "44,804,646.58", True), ("2.407,200.86", "2,407,200.86", True),
    ("(1.234,567.89)", "(1,234,567.89)", True), ("44,804,646.58", "44,804,646.58", False),
    ("12.34", "12.34", False), ("1.234", "1.234", False), ("2025.8.25", "2025.8.25", False)])
def test_confused_thousands_separators_are_repaired_and_noted(text, fixed, noted):
    from pipeline.normalize import repair_separators
    got, note = repair_separators(text)
    assert got == fixed and bool(note) is noted


def test_statement_amount_with_a_confused_separator_is_read():
    from extractors.statements import to_number
    assert to_number("44,804.646.58") == 44804646.58 and strict_number("2.407,200.86元") == 2407200.86


@pytest.mark.quick
def test_a_round_check_letter_read_0_off_an_image_is_that_letter():
    """91440784659715063C read …0 on a scanned 表二 (the box ended flush with the C): a false USCC_INVALID.
    Only for codes read off an image, and only a round letter: a typed 0 stays invalid, as does an OCR'd 0
    where the check would be another character."""
    value, why = repair_uscc("914407846597150630", ocr=True)
    assert value == "91440784659715063C" and "第18位0→C" in why
    assert repair_uscc("914407846597150630")[0] is None                 # typed: what the applicant wrote
    assert repair_uscc("914407039860532710", ocr=True)[0] == "91440703986053271C"
    assert repair_uscc("914407058283120040", ocr=True)[0] is None        # the check is 6: not a look-alike


@pytest.mark.quick
def test_a_check_letter_read_with_a_faint_stroke_off_an_image_is_that_letter():
    """91440783697367119P read …119F on a 200-dpi photo of a 表二 (the P's bowl faint): a false USCC_INVALID.
    F stands for P or E only; a typed F and an F where the check is another letter stay invalid."""
    value, why = repair_uscc("91440783697367119F", ocr=True)
    assert value == "91440783697367119P" and "第18位F→P" in why
    assert repair_uscc("91440783697367119F")[0] is None
    assert repair_uscc("91440703986053271F", ocr=True)[0] is None        # the check is C: no stroke of F
