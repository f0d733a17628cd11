"""PDF visit sheets (ReportLab): the pre-visit sheet, the visit record and the day's pack.

Builders take plain dataclasses (``kamdesk.printing.data``) and return PDF bytes, so they run
on any thread and never touch the ORM. ``kamdesk.printing.layout`` holds the shared look (fonts,
page template with "第 x 页 / 共 y 页", styles) for every other PDF kamdesk makes.
"""
