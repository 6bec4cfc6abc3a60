"""Helpers for forms: a service's errors shown at the fields they name; lists' filters
that render cheaply."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join

from core.text import CleanTextMixin


def add_errors(form, error):
    """Show a service's ``ValidationError`` at the fields it names (others above the form)."""
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def add_problems(form, problems):
    """Name ``{field: message}`` of a service's rules at the form's fields."""
    for field, message in problems.items():
        form.add_error(field, message)


# The stock widget templates that ``PlainWidgetRenderer`` writes in Python: every input
# type (all include ``input.html``) and the select.
_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "search", "date", "datetime", "time")
}
_SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _attrs(attrs):
    """As ``django/forms/widgets/attrs.html``: ``True`` a bare name, ``False`` left out."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _input(widget):
    value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        value,
        _attrs(widget["attrs"]),
    )


def _select(widget):
    html = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(format_html('\n  <optgroup label="{}">', group_name))
        html.extend(
            format_html(
                '\n  <option value="{}"{}>{}</option>',
                option["value"],
                _attrs(option["attrs"]),
                option["label"],
            )
            for option in options
        )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


class PlainWidgetRenderer(DjangoTemplates):
    """Django's form renderer, but inputs and selects written in Python from the context
    their templates get, with the same markup: a select of 20 options is 45 template
    renders otherwise (``attrs.html`` once an option), a third of a list page's work.
    Any other template (a widget of its own, a form's layout) renders as usual."""

    def render(self, template_name, context, request=None):
        if template_name in _INPUT_TEMPLATES:
            return _input(context["widget"])
        if template_name == _SELECT_TEMPLATE:
            return _select(context["widget"])
        return super().render(template_name, context, request)


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices read with one plain query. Django's own reads them with ``iterator()``,
    on PostgreSQL a server-side cursor (``DECLARE``, ``FETCH``, ``CLOSE``): three round
    trips for a dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose few choices are read in one plain query."""

    iterator = ListedChoiceIterator


class FilterForm(CleanTextMixin, forms.Form):
    """A list's filters or search: guarded text, widgets rendered by ``PlainWidgetRenderer``."""

    default_renderer = PlainWidgetRenderer
