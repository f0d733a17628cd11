"""PDFs with ReportLab: the bundled CJK font, visit sheets, report PDFs."""
