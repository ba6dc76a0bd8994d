"""Loaders for every supported format, and the errors a bad file gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.documents import DocumentError, load_document


def _write_pdf(path: Path, lines: list[str]) -> None:
    """A minimal valid one-page PDF with a text layer (ASCII: Chinese would need a CJK font)."""
    text = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)


def test_markdown_front_matter_title_and_sections(tmp_path: Path) -> None:
    path = tmp_path / "milk.md"
    path.write_text("---\ndoc_id: P2001\nsku: P2001\nscope: S001\nupdated: 2026-06-01\naliases: [牛奶, 鲜奶]\n---\n"
                    "# 有机纯牛奶\n\n## 储存\n冷藏 2–6°C。\n\n### 开封后\n48 小时内喝完。\n", encoding="utf-8")
    doc = load_document(path, root=tmp_path)
    assert (doc.doc_id, doc.title, doc.sku, doc.scope, doc.updated) == ("P2001", "有机纯牛奶", "P2001", "S001", "2026-06-01")
    assert doc.aliases == ("牛奶", "鲜奶")
    assert [(b.section, b.text) for b in doc.blocks] == [("储存", "冷藏 2–6°C。"), ("储存 / 开封后", "48 小时内喝完。")]


def test_plain_text_gets_id_from_its_path_and_default_scope(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    path = tmp_path / "notes" / "hours.txt"
    path.write_text("营业时间 07:30–22:00。\n\n节假日照常营业。", encoding="utf-8")
    doc = load_document(path, root=tmp_path, scope="S002")
    assert doc.doc_id == "notes-hours" and doc.title == "hours" and doc.scope == "S002"
    assert "07:30–22:00" in doc.blocks[0].text


def test_csv_faq_in_gbk_with_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_bytes("问题,答案,sku\n牛奶能放几天？,开封后 48 小时内喝完。,P2001\n,,\n几点开门？,07:30。,\n".encode("gbk"))
    doc = load_document(path)
    assert doc.title == "常见问题"
    assert [(b.section, b.sku) for b in doc.blocks] == [("牛奶能放几天？", "P2001"), ("几点开门？", None)]
    assert doc.blocks[0].text == "问：牛奶能放几天？\n答：开封后 48 小时内喝完。"


def test_xlsx_faq(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["question", "answer"])
    sheet.append(["接龙几点截单？", "当晚 22:00 截单。"])
    book.save(tmp_path / "接龙问答.xlsx")
    doc = load_document(tmp_path / "接龙问答.xlsx")
    assert doc.title == "接龙问答" and doc.blocks[0].text == "问：接龙几点截单？\n答：当晚 22:00 截单。"


def test_pdf_text_layer(tmp_path: Path) -> None:
    _write_pdf(tmp_path / "manual.pdf", ["Store hours 07:30-22:00.", "Delivery within 3 km."])
    doc = load_document(tmp_path / "manual.pdf")
    assert doc.blocks[0].section == "第 1 页"
    assert "Store hours 07:30-22:00." in doc.blocks[0].text and "Delivery within 3 km." in doc.blocks[0].text


def test_docx_headings_become_sections(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    word.add_heading("售后说明", level=1)
    word.add_heading("生鲜", level=2)
    word.add_paragraph("生鲜如有质量问题，收货后 24 小时内凭照片申请退款或补发。")
    word.add_heading("标品", level=2)
    word.add_paragraph("标品未拆封 7 天无理由退货。")
    word.save(str(tmp_path / "after-sales.docx"))
    doc = load_document(tmp_path / "after-sales.docx")
    assert doc.title == "售后说明"
    assert [(b.section, b.text) for b in doc.blocks] == [
        ("生鲜", "生鲜如有质量问题，收货后 24 小时内凭照片申请退款或补发。"), ("标品", "标品未拆封 7 天无理由退货。")]


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("broken.docx", b"not a zip file", "文件无法解析"),
    ("broken.xlsx", b"PK\x03\x04 truncated", "文件无法解析"),
    ("broken.pdf", b"%PDF-1.4 garbage", "文件无法解析"),
    ("nocols.csv", "标题,内容\n一,二\n".encode(), "问题(question)"),
    ("half.csv", "question,answer\n只有问题,\n".encode(), "第 2 行"),
    ("empty.md", b"---\ntitle: x\n---\n", "没有可索引的文字"),
    ("image.png", b"\x89PNG", "不支持的文件类型"),
])
def test_bad_files_raise_a_chinese_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError) as info:
        load_document(path)
    assert reason in info.value.reason
