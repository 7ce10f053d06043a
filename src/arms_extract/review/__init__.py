"""What a person reads and corrects: the review page of a run, and exports to annotation tools.

Offsets everywhere count Python code points (`text[start:end]`), as the records do; the page
converts them to JavaScript's UTF-16 units in one place (`unitOffsets` in review.js).
"""

from ._export import export_doccano, export_label_studio, label_studio_config
from ._page import write_review_page

__all__ = ["export_doccano", "export_label_studio", "label_studio_config", "write_review_page"]
