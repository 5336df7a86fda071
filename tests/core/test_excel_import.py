"""The generic Excel reader, on workbooks built in memory: what any import gets from core."""

import io

import pytest
from openpyxl import Workbook

from jinjin_crm.core import excel_import
from jinjin_crm.core.excel_import import Column, ImportFileError, workbook_read

NAME = Column("name", "Name", required=True, aliases=("姓名",))
CODE = Column("code", "Code", required=True, aliases=("编号",))
NOTE = Column("note", "Note", aliases=("备注",))
COLUMNS = (NAME, CODE, NOTE)


def xlsx(*rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def test_the_header_is_found_after_a_title_row_and_unknown_columns_are_ignored():
    file = xlsx(
        ["2024年签到表"],
        [],
        ["编号", "姓名", "手机号"],  # aliases, and a column the import does not know
        ["A-1", "张三", 13800000000],
        [None, None, None],
        [7, "李四", None],
    )

    rows = workbook_read(file=file, columns=COLUMNS)

    assert rows == [(4, {"code": "A-1", "name": "张三"}), (6, {"code": "7", "name": "李四"})]


def test_headers_match_without_spaces_brackets_or_a_required_star():
    rows = workbook_read(file=xlsx([" Name* ", "C o d e"], ["x", "y"]), columns=COLUMNS)

    assert rows == [(2, {"name": "x", "code": "y"})]


def test_every_missing_required_column_is_named():
    with pytest.raises(ImportFileError) as refused:
        workbook_read(file=xlsx(["备注"], ["just a note"]), columns=COLUMNS)

    assert NAME.header in refused.value.message
    assert CODE.header in refused.value.message
    assert NOTE.header not in refused.value.message


@pytest.mark.parametrize(
    "content",
    [
        b"name,code\nx,y\n",  # a CSV renamed .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),  # an old .xls
        b"PK\x03\x04 not really a zip",
        b"",
    ],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(content):
    with pytest.raises(ImportFileError):
        workbook_read(file=io.BytesIO(content), columns=COLUMNS)


def test_the_old_xls_format_is_refused_with_its_own_message():
    with pytest.raises(ImportFileError) as xls:
        workbook_read(file=io.BytesIO(excel_import.XLS_SIGNATURE + bytes(100)), columns=COLUMNS)
    with pytest.raises(ImportFileError) as csv:
        workbook_read(file=io.BytesIO(b"name,code\nx,y\n"), columns=COLUMNS)

    assert xls.value.message != csv.value.message


def test_more_rows_than_the_limit_are_refused_and_the_limit_itself_is_read():
    header = ["Name", "Code"]
    data = [[f"person {n}", n] for n in range(5)]

    assert len(workbook_read(file=xlsx(header, *data), columns=COLUMNS, max_rows=5)) == 5
    with pytest.raises(ImportFileError) as refused:
        workbook_read(file=xlsx(header, *data, ["one more", 6]), columns=COLUMNS, max_rows=5)
    assert "5" in refused.value.message


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened():
    file = xlsx(["Name", "Code"], ["x", "y"])
    size = len(file.getvalue())

    with pytest.raises(ImportFileError):
        workbook_read(file=file, columns=COLUMNS, max_bytes=size - 1)
    assert workbook_read(file=file, columns=COLUMNS, max_bytes=size) == [(2, {"name": "x", "code": "y"})]


def test_headers_without_data_rows_are_refused():
    with pytest.raises(ImportFileError):
        workbook_read(file=xlsx(["Name", "Code"], [None, None]), columns=COLUMNS)
