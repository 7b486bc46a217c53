"""The reader's site: section pages, month pages and the top index from one set of templates.

- :func:`section_page`: an executed section notebook as a reader's page (cells tagged
  ``analyst``, ``parameters`` and ``injected-parameters`` removed; no code unless asked);
- :func:`month_page`, :func:`month_summary`: a month's page and the ``summary.json`` the top index reads;
- :func:`top_page`: every published month with its key figures and status.

Every page is self-contained: one inline style sheet (screen and A4 print), the charts as PNG
``data:`` URLs with alt text, and a WOFF2 subset of the project's CJK font holding exactly the
page's characters, so it reads the same offline on a machine without a Chinese font.
"""

from bulletin.render.site.pages import REMOVED_TAGS, month_page, month_summary, section_page, site_info, top_page

__all__ = ["REMOVED_TAGS", "month_page", "month_summary", "section_page", "site_info", "top_page"]
