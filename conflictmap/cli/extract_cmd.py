"""``conflictmap extract``: draft events from a report's text, attached to gazetteer places."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..errors import InputError

log = logging.getLogger(__name__)

_DESCRIPTION = """Read a report (plain text: UTF-8, UTF-16 or Windows-1256) and draft one event per incident it describes:
date resolved against the publication date, ACLED event type from the verbs, actors from the
curated actor list, fatalities from the figures, and the place from the gazetteer. Every draft
keeps the sentence it came from (source_sentence, span_start, span_end) for review.

The output format follows the file suffix: .csv, .geojson or .parquet.

Example: conflictmap extract REPORT.txt --published 2020-06-26 --source "South Front" -o drafts.csv
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("extract", help="draft events from a report's text",
                                   description=_DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", help="report text file (UTF-8)")
    parser.add_argument("--published", required=True, help="publication date of the report (YYYY-MM-DD)")
    parser.add_argument("--source", help="publisher, copied to every draft")
    parser.add_argument("--source-url", help="address of the report, copied to every draft")
    parser.add_argument("--admin1", help="governorate the report is about, if known")
    parser.add_argument("--report-id", help="id of the report (default: a hash of the text)")
    parser.add_argument("-o", "--output", required=True, help="file to write (.csv, .geojson, .parquet)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..events.draft import draft_events
    from ..events.io import write_events

    from ..csvtext import read_text_file
    from ._tables import check_not_input

    path = Path(args.report)
    check_not_input(args.output, path)
    if not path.is_file():
        raise InputError("report file not found", value=str(path))
    text = read_text_file(path).removeprefix("\ufeff")  # UTF-8, UTF-16 or Windows-1256; else one line
    drafts = draft_events(text, published=args.published, source=args.source, source_url=args.source_url,
                          report_id=args.report_id, admin1=args.admin1)
    out = write_events(drafts, args.output)
    review = int((drafts["match_status"] != "matched").sum()) if len(drafts) else 0
    sys.stderr.write(f"wrote {out}: {len(drafts)} draft event(s), {review} with a place to review\n")
    return 0
