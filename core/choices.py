"""Choice labels a list shows in every row, at the cost of a dictionary look-up."""

from django.utils.translation import get_language

# (field, language) -> {value: label}: the labels are the translation catalogue's, which
# does not change while the process runs.
_LABELS = {}


class ChoiceLabels:
    """A model mixin: ``get_FOO_display()`` from a table per field and language.

    Django's own builds a dictionary of the field's choices on every call and hashes each
    lazy label on the way, which translates it: nine ``gettext`` calls a row for a
    measure's status and publication, 450 on a page of 50 (14,000 function calls, more
    than the rest of the row)."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return labels_of(field).get(value, value)


def labels_of(field):
    """``{value: label}`` of a model field's choices in the active language: what a list
    of plain values (no model objects) shows for them."""
    key = (field, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(label) for value, label in field.flatchoices}
    return labels
