"""The central office's national dashboard: a form login, the province table and chart, the district drill-down."""
