"""Excel workbooks: the plan an analyst reads (``plan.xlsx``) and the input template they fill.

Both are written with openpyxl through :func:`autarky.atomic.atomic_write`; every text cell
goes through :func:`autarky.excel.styles.safe_value`, so input text never becomes a formula.
"""

from autarky.excel.plan import PLAN_SHEETS, write_plan_workbook
from autarky.excel.template import SCENARIO_SHEET, read_input_workbook, write_template

__all__ = [
    "PLAN_SHEETS",
    "SCENARIO_SHEET",
    "read_input_workbook",
    "write_plan_workbook",
    "write_template",
]
