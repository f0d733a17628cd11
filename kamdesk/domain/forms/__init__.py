"""The visit-form engine: template schema, conditional fields, answer validation, display, records.

Pure Python without a database, so the client UI, the PDF sheets and the server share it.
"""

from kamdesk.domain.forms.display import AnswerChange, diff_answers, format_answer
from kamdesk.domain.forms.records import RecordRequest, record_requests
from kamdesk.domain.forms.schema import (
    Condition,
    FieldDef,
    FieldType,
    Option,
    SectionDef,
    Template,
    TemplateError,
    TemplateProblem,
    parse_template,
)
from kamdesk.domain.forms.validation import (
    FieldError,
    check_value,
    clean_answers,
    is_blank,
    validate_answers,
    validate_submission,
    visible_keys,
)

__all__ = [
    "AnswerChange",
    "Condition",
    "FieldDef",
    "FieldError",
    "FieldType",
    "Option",
    "RecordRequest",
    "SectionDef",
    "Template",
    "TemplateError",
    "TemplateProblem",
    "check_value",
    "clean_answers",
    "diff_answers",
    "format_answer",
    "is_blank",
    "parse_template",
    "record_requests",
    "validate_answers",
    "validate_submission",
    "visible_keys",
]
