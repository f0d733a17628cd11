"""XLSX / CSV writers for reports and lists."""
