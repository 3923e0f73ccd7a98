"""What an operator sees of a run: the progress bar (rate, time left), the summary, and
the CSV of every file that failed with its reason."""

import csv

import pytest
from django.core.management import call_command

from news.tests.test_import_command import GOOD_EXPORT, run_import

pytestmark = pytest.mark.embedded


def test_failed_files_are_listed_in_the_csv_with_their_reasons(section, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a-good.txt").write_text(GOOD_EXPORT, encoding="utf-8")
    (archive / "b-empty.txt").write_text("  \n\n", encoding="utf-8")
    (archive / "c-binary.txt").write_bytes(b"\xff\xfe\x00\x81garbage\x00" * 20)
    report = tmp_path / "failed.csv"

    out, _, error = run_import(archive, "--failures", report)

    assert error is not None and "2 file(s) could not be imported" in str(error)
    assert "Imported 1, skipped 0 already imported, failed 2." in out
    assert "3 file(s) in " in out and "articles created a second" in out
    assert f"Failed files and their reasons: {report}" in out
    with report.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["file", "reason"]
    assert rows[1:] == [
        [str(archive / "b-empty.txt"), "file is empty"],
        [str(archive / "c-binary.txt"), "no body text after the title"],
    ]


def test_a_clean_run_writes_no_csv(section, tmp_path):
    (tmp_path / "good.txt").write_text(GOOD_EXPORT, encoding="utf-8")
    report = tmp_path / "failed.csv"
    out, _, error = run_import(tmp_path / "good.txt", "--failures", report)
    assert error is None and "Failed files" not in out
    assert not report.exists()


def test_the_progress_bar_shows_the_rate_and_the_time_left(section, tmp_path, capsys):
    for number in range(3):
        text = GOOD_EXPORT.replace("năm 2023", f"năm 2023 (bài {number})", 1)
        (tmp_path / f"bai-{number}.txt").write_text(text, encoding="utf-8")
    call_command("import_articles", str(tmp_path), "--progress", "--batch-size", "2")
    bar = capsys.readouterr().err.split("\r")[-1]
    assert bar.startswith("3/3 [########################] 100%")
    assert "/s, " in bar and "elapsed" in bar and "00:00 left" in bar
