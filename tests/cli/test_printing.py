"""krukhor-cli print signin|certificates."""

from __future__ import annotations

from pathlib import Path

from desktop import cli
from desktop.core.context import AppContext
from desktop.core.rounds import rounds


def test_print_signin_and_certificates(demo_ctx: AppContext, db_path: Path, tmp_path: Path, capsys) -> None:
    rnd = max(rounds.list_rounds(demo_ctx), key=lambda r: r.enrolled)
    demo_ctx.close()
    out = tmp_path / "s.pdf"
    for ref in (f"{rnd.number}/{rnd.fiscal_year}", str(rnd.id)):
        rc = cli.main(
            ["--db", str(db_path), "print", "signin", "--round", ref, "--out", str(out), "--mask-ids"]
        )
        assert rc == 0 and out.read_bytes().startswith(b"%PDF")
    assert "พิมพ์แบบลงทะเบียน" in capsys.readouterr().out
    rc = cli.main(
        [
            "--db",
            str(db_path),
            "print",
            "certificates",
            "--round",
            str(rnd.id),
            "--out",
            str(tmp_path / "c.pdf"),
        ]
    )
    assert rc == 0 and (tmp_path / "c.pdf").exists()


def test_print_errors_are_thai_and_non_zero(
    demo_ctx: AppContext, db_path: Path, tmp_path: Path, capsys
) -> None:
    demo_ctx.close()
    out = str(tmp_path / "x.pdf")
    assert cli.main(["--db", str(db_path), "print", "signin", "--round", "99/2570", "--out", out]) == 1
    assert "ไม่พบรุ่นที่ 99 ของปีงบประมาณ 2570" in capsys.readouterr().err
    assert cli.main(["--db", str(db_path), "print", "signin", "--round", "abc", "--out", out]) == 1
    assert "อ่านรุ่น" in capsys.readouterr().err
    bad = str(tmp_path / "missing" / "x.pdf")
    rnd = max(rounds.list_rounds(AppContext.open(db_path, backup=False)), key=lambda r: r.enrolled)
    assert cli.main(["--db", str(db_path), "print", "signin", "--round", str(rnd.id), "--out", bad]) == 1
    assert "เขียนไฟล์" in capsys.readouterr().err


def test_print_vouchers_and_paylist(tmp_path, capsys) -> None:
    from desktop.cli import main

    db = tmp_path / "m.sqlite"
    assert main(["--db", str(db), "init", "--province", "40"]) == 0
    assert main(["--db", str(db), "demo", "--people", "300", "--no-accounts"]) == 0
    capsys.readouterr()
    assert (
        main(["--db", str(db), "print", "vouchers", "--round", "1/2569", "--out", str(tmp_path / "v.pdf")])
        == 0
    )
    assert (
        main(["--db", str(db), "print", "paylist", "--round", "1/2569", "--out", str(tmp_path / "p.pdf")])
        == 0
    )
    out = capsys.readouterr().out
    assert "ใบสำคัญรับเงิน" in out and "หลักฐานการจ่ายเงิน" in out
    assert (tmp_path / "v.pdf").stat().st_size > 0 and (tmp_path / "p.pdf").stat().st_size > 0
    assert (
        main(["--db", str(db), "print", "paylist", "--round", "5/2570", "--out", str(tmp_path / "n.pdf")])
        == 1
    )
    assert "ยังไม่มีรายการจ่ายเงิน" in capsys.readouterr().err


def test_signin_masks_ids_by_default_and_show_ids_is_audited(
    demo_ctx: AppContext, db_path: Path, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from db.rules.national_id import format_national_id
    from desktop.core.rounds import enrolment

    rnd = max(rounds.list_rounds(demo_ctx), key=lambda r: r.enrolled)
    nid = enrolment.list_enrolments(demo_ctx, round_id=rnd.id)[0].person.national_id
    demo_ctx.close()
    ref = f"{rnd.number}/{rnd.fiscal_year}"
    masked, full = tmp_path / "masked.pdf", tmp_path / "full.pdf"
    base = ["--db", str(db_path), "print", "signin", "--round", ref, "--day", "1"]
    assert cli.main([*base, "--out", str(masked)]) == 0
    assert cli.main([*base, "--out", str(full), "--show-ids"]) == 0

    def text(path: Path) -> str:
        return "".join(page.extract_text() for page in PdfReader(path).pages)

    assert format_national_id(nid) not in text(masked)
    assert format_national_id(nid) in text(full)
    ctx = AppContext.open(db_path, backup=False)
    try:
        with ctx.reading() as s:
            from sqlalchemy import select

            from db.models import AuditEntry

            entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "print_full_ids")).all()
        assert (
            len(entries) == 1
            and entries[0].entity_id == rnd.id
            and "เลขประจำตัวประชาชนเต็ม" in entries[0].summary
        )
    finally:
        ctx.close()
