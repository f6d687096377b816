"""CSV downloads for teachers: opened in spreadsheets, so made safe for them."""

import csv

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Stop a spreadsheet from running a cell that starts like a formula (CSV injection)."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def csv_response(filename: str) -> tuple[HttpResponse, "csv.writer"]:
    """A CSV download and its writer; UTF-8 with a BOM so Excel reads accented names right."""
    safe_name = "".join(char if char.isalnum() or char in "-._" else "-" for char in filename)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response.write("\ufeff")
    return response, csv.writer(response)
