"""Cells of the Excel exports that keep text as text.

openpyxl stores a string that starts with "=" as a formula and one that reads like an error code
("#N/A") as an error value. A talent named ``=HYPERLINK("http://…","点我")`` taken from a sign-in sheet
would become a live formula in an officer's export, so every export writes its cells through here:
whatever a user typed or imported reaches the file as the literal text, while numbers, dates and empty
cells keep the types openpyxl gives them.
"""

from openpyxl.cell import Cell, WriteOnlyCell


def _as_text(cell: Cell) -> Cell:
    # A str is text, whatever it starts with: the exports compute totals in Python and never mean to
    # write a formula or an error value.
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def text_cell(sheet, value, **style) -> Cell:
    """A cell of ``sheet`` holding ``value``, to append in a row: a string is written as the literal
    text (never a formula or an error value), any other value as openpyxl types it; ``style`` sets the
    cell's attributes (``font``, ``fill``, ``number_format``…). For write-only and ordinary sheets."""
    item = _as_text(WriteOnlyCell(sheet, value=value))
    for name, setting in style.items():
        setattr(item, name, setting)
    return item


def safe_row(sheet, values) -> None:
    """Append ``values`` to ``sheet`` as a row, every string as the literal text; cells already made
    (``text_cell``) and other values go in as they are."""
    sheet.append([text_cell(sheet, value) if isinstance(value, str) else value for value in values])


def write_cell(sheet, *, row: int, column: int, value, **style) -> Cell:
    """Set the cell at ``row``, ``column`` of an ordinary (not write-only) ``sheet`` to ``value``, a
    string as the literal text, with ``style`` as in ``text_cell``; returns the cell."""
    item = _as_text(sheet.cell(row=row, column=column, value=value))
    for name, setting in style.items():
        setattr(item, name, setting)
    return item
