"""Reports on what the counters store: periods, daily series, SVG charts and Wagtail
ReportViews with spreadsheet export. Knows no page type: the news app registers its
breakdowns (articles, sections, authors) through the "register_stats_breakdown" hook.
"""
