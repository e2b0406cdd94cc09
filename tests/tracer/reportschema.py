"""tests/tracer/reportschema.py - docs/report.schema.json for the tests that
read `latch-trace report --format json` (report_synthetic, report_marks)."""
import json
import os

SCHEMA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      "docs", "report.schema.json")


def problem(doc, what):
    """None when doc matches the schema, else what is wrong with it."""
    try:
        import jsonschema
    except ImportError:  # python3-jsonschema is a test dependency; say so
        return "python3-jsonschema is not installed: cannot validate " + what
    try:
        jsonschema.validate(doc, json.load(open(SCHEMA)))
    except jsonschema.ValidationError as e:
        return "%s does not match docs/report.schema.json: %s" % (what, e.message)
    return None
