"""Hostile and broken inputs: every case of tests/bad_inputs/ is refused cleanly.

Each case (written by tests/bad_inputs/make_corpus.py from the tiny dataset) must make
``autarky validate`` (dataset cases) and ``autarky run`` exit 2 with its expected message
fragments, no traceback, and nothing under the output folder but the job store, which holds the
failed job's record.
"""

from __future__ import annotations

import ast
import importlib.util
import sqlite3
import unicodedata
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autarky import safety
from autarky.cli import app
from autarky.jobs import JobStatus, JobStore
from autarky.runner import run_job
from network.errors import DataError, InputError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.txt").is_file())


def _make_corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _flat(text: str) -> str:
    return " ".join(text.split())


def _expected(case: Path) -> list[str]:
    return [_flat(line) for line in (case / "expected.txt").read_text("utf-8").splitlines() if line]


def _assert_refused(result, fragments: list[str]) -> str:
    text = _flat(result.stderr)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not an unhandled exception
    assert "Traceback" not in result.output
    hidden = [c for c in result.stderr if unicodedata.category(c) in ("Cc", "Cf") and c != "\n"]
    assert not hidden, f"control characters reach the terminal: {hidden!r}"
    for fragment in fragments:
        assert fragment in text, f"missing {fragment!r} in:\n{result.stderr}"
    return text


def test_the_corpus_is_large_and_up_to_date(tmp_path):
    module = _make_corpus_module()
    names = module.write_corpus(tmp_path)
    assert len(CASES) >= 40
    assert sorted(names) == CASES, "run python tests/bad_inputs/make_corpus.py"
    for name in names:
        assert (tmp_path / name / "expected.txt").read_text("utf-8") == (
            CORPUS / name / "expected.txt"
        ).read_text("utf-8"), name


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_refused_with_its_message(name, tmp_path):
    case = CORPUS / name
    fragments = _expected(case)
    datasets = sorted(p for p in case.iterdir() if p.name.startswith("dataset"))
    runner = CliRunner()
    for dataset in datasets:
        _assert_refused(runner.invoke(app, ["validate", str(dataset)]), fragments)
    out = tmp_path / "out"
    source = case / "input.xlsx" if (case / "input.xlsx").is_file() else case / "scenario.yaml"
    result = runner.invoke(app, ["run", str(source), "--out", str(out), "-q"])
    _assert_refused(result, fragments)
    left = sorted(p.name for p in out.iterdir())
    assert left and all(n.startswith("jobs.sqlite") for n in left), left  # only the store
    (job,) = JobStore(out / "jobs.sqlite").list()
    assert job.status is JobStatus.FAILED
    assert fragments[0] in _flat(job.error or "")


def test_every_problem_is_reported_at_once(tmp_path):
    """Two broken cells, two broken files: one report lists all of them."""
    (tmp_path / "d").mkdir()
    for f in (CORPUS / "negative_number" / "dataset").iterdir():
        (tmp_path / "d" / f.name).write_bytes(f.read_bytes())
    demand = (CORPUS / "bound_not_value" / "dataset" / "demand.csv").read_bytes()
    (tmp_path / "d" / "demand.csv").write_bytes(demand)
    with pytest.raises(DataError, match=r"^invalid dataset: 2 problems\n") as exc:
        from network.validate import load_dataset

        load_dataset(tmp_path / "d")
    assert "is a bound, not a value" in str(exc.value)
    assert "-5 is below the minimum 0" in str(exc.value)


# ---------------------------------------------------------------------------------------
# accepted: what is unambiguous


def test_bom_crlf_semicolons_and_quoted_thousands_are_accepted(tmp_path):
    from network.validate import load_dataset

    folder = tmp_path / "d"
    folder.mkdir()
    for f in (CORPUS / "bom_crlf_semicolon_with_na" / "dataset").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    cap = folder / "capacity.csv"
    raw = cap.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b";" in raw
    cap.write_bytes(raw.replace(b";NA;", b";50000;"))
    demand = (CORPUS / "unquoted_thousands" / "dataset" / "demand.csv").read_text()
    (folder / "demand.csv").write_text(demand.replace(",1,500,", ",1500,"))
    data = load_dataset(folder)
    assert data.capacity.loc[("USA", "separation"), "capex"] == 50000
    assert data.demand.loc[("USA", "magnet", 2025), "quantity"] == 1_234_567


# ---------------------------------------------------------------------------------------
# budget zero with a target: a plan question, answered as infeasible with the budget named


def test_zero_budget_with_a_target_is_infeasible_and_names_the_budget(tmp_path):
    sc = tmp_path / "zero.yaml"
    text = (CORPUS / "scenario_unknown_key" / "scenario.yaml").read_text()
    text = text.replace("../../data/tiny", str(ROOT / "tests" / "data" / "tiny"))
    sc.write_text(
        text.replace("budgett:", "budget:").replace("per_year_usd_bn: 1", "per_year_usd_bn: 0")
    )
    o = run_job(sc, tmp_path / "out")
    assert o.job.status is JobStatus.INFEASIBLE
    assert "budget" in (o.job.error or "")
    assert o.result is not None and o.result.diagnosis


# ---------------------------------------------------------------------------------------
# files that must not harm


def test_openpyxl_parses_xml_with_defusedxml():
    assert safety.openpyxl_uses_defusedxml()


def _infos(*parts: tuple[str, int, int]) -> list[zipfile.ZipInfo]:
    out = []
    for name, size, compressed in parts:
        info = zipfile.ZipInfo(name)
        info.file_size, info.compress_size = size, compressed
        out.append(info)
    return out


def test_archive_limits():
    big = safety.MAX_UNCOMPRESSED // 2 + 1
    (p,) = safety.archive_problems("w.xlsx", _infos(("a.xml", big, big), ("b.xml", big, big)))
    assert "would expand to" in p.what and "zip bomb" in p.what
    (p,) = safety.archive_problems("w.xlsx", _infos(("a.xml", 50 * 2**20, 2**10)))
    assert "compressed 51,200 times" in p.what
    assert safety.archive_problems("w.xlsx", _infos(("a.xml", 2**19, 1))) == []  # small part
    many = _infos(*[(f"p{i}", 1, 1) for i in range(safety.MAX_MEMBERS + 1)])
    assert "parts" in safety.archive_problems("w.xlsx", many)[0].what


def test_input_workbook_with_macros_is_refused_by_run(tmp_path):
    """``autarky run book.xlsm`` and an .xlsx carrying vbaProject.bin: refused, exit 2."""
    for name in ("xlsm_refused", "xlsx_with_macros"):
        (book,) = [p for p in (CORPUS / name).iterdir() if p.suffix in (".xlsx", ".xlsm")]
        result = CliRunner().invoke(app, ["run", str(book), "--out", str(tmp_path / name)])
        _assert_refused(result, ["macro"])


@pytest.mark.parametrize("name", ["../../etc", "/etc/passwd", "CON", "NUL", "a\\..\\..\\b"])
def test_scenario_name_never_chooses_an_output_path(tmp_path, name):
    """Job folders are job ids: a hostile scenario name stays a label in the record."""
    sc = tmp_path / "deep" / "s.yaml"
    sc.parent.mkdir()
    sc.write_text(
        (CORPUS / "scenario_unknown_key" / "scenario.yaml")
        .read_text()
        .replace("name: bad", f"name: {name!r}".replace("'", '"'))
        .replace("budgett: {per_year_usd_bn: 1}\n", "")
        .replace("../../data/tiny", str(ROOT / "tests" / "data" / "tiny"))
    )
    out = tmp_path / "deep" / "out"
    o = run_job(sc, out)
    assert o.job.scenario == name
    assert o.job.out_dir.parent == out.absolute()
    assert o.job.out_dir.name == o.job.id
    outside = sorted(p.name for p in tmp_path.iterdir()) + sorted(
        p.name for p in (tmp_path / "deep").iterdir()
    )
    assert outside == ["deep", "out", "s.yaml"]


def test_no_input_text_is_ever_evaluated():
    """No eval/exec/pickle/unsafe YAML anywhere in the package."""
    banned_calls = {"eval", "exec", "compile", "__import__"}
    banned_attrs = {
        ("yaml", "load"),
        ("yaml", "unsafe_load"),
        ("pickle", "loads"),
        ("pickle", "load"),
    }
    for pkg in ("network", "optimize", "autarky"):
        for f in (ROOT / pkg).rglob("*.py"):
            tree = ast.parse(f.read_text(), filename=str(f))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                fn = node.func
                if isinstance(fn, ast.Name):
                    assert fn.id not in banned_calls, f"{f}:{node.lineno} calls {fn.id}"
                if isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name):
                    pair = (fn.value.id, fn.attr)
                    assert pair not in banned_attrs, f"{f}:{node.lineno} calls {pair}"


def test_python_tag_in_a_scenario_runs_nothing(tmp_path, capfd):
    sc = CORPUS / "scenario_python_tag" / "scenario.yaml"
    from optimize.scenario import load_scenario

    with pytest.raises(InputError, match="could not determine a constructor"):
        load_scenario(sc)
    assert "owned" not in capfd.readouterr().out


def test_store_files_are_sqlite_only(tmp_path):
    """The failed record of a bad input is readable by plain SQLite (no pickles)."""
    out = tmp_path / "out"
    CliRunner().invoke(
        app, ["run", str(CORPUS / "huge_number" / "scenario.yaml"), "--out", str(out)]
    )
    with sqlite3.connect(out / "jobs.sqlite") as conn:
        (error,) = conn.execute("SELECT error FROM jobs").fetchone()
    assert "implausibly large" in error


def test_workbook_bytes_never_reach_openpyxl_when_refused(tmp_path, monkeypatch):
    import openpyxl

    def boom(*args, **kwargs):
        raise AssertionError("openpyxl opened a refused file")

    monkeypatch.setattr(openpyxl, "load_workbook", boom)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", boom)
    from network.io import read_raw

    for name in ("xlsx_zip_bomb", "xlsx_with_macros", "xlsx_external_links", "xlsx_not_a_zip"):
        with pytest.raises(DataError):
            read_raw(CORPUS / name / "dataset.xlsx")
