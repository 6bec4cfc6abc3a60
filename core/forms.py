"""Helpers for forms: a service's errors shown at the fields they name; lists' filters
that render cheaply."""

from django import forms
from django.db.models import F, Value
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.html import conditional_escape as esc
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.memo import Memo
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
    # f-strings and ``conditional_escape`` (what the template's ``{{ }}`` does), not
    # ``format_html``: a filter form's 40 options were 180 ``format_html`` calls, a quarter
    # of writing the form.
    return "".join(
        f" {esc(name)}" if value is True else f' {esc(name)}="{esc(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    value = "" if widget["value"] is None else f' value="{esc(widget["value"])}"'
    html = f'<input type="{esc(widget["type"])}" name="{esc(widget["name"])}"{value}'
    return mark_safe(f"{html}{_attrs(widget['attrs'])}>")  # noqa: S308 (escaped above)


def _select(widget):
    html = [f'<select name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{esc(group_name)}">')
        html.extend(
            f'\n  <option value="{esc(option["value"])}"{_attrs(option["attrs"])}>'
            f"{esc(option['label'])}</option>"
            for option in options
        )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return mark_safe("".join(html))  # noqa: S308 (every name, value and label is escaped)


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
    trips for a dozen rows. With ``read_choices`` they are plain (id, label) pairs, no
    model object, read with the other fields' choices in one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        reader = getattr(self.field, "reader", None)
        if reader is not None:
            yield from reader.choices[self.field.part]
            return
        for obj in self.queryset.all():
            yield self.choice(obj)

    def __len__(self):
        reader = getattr(self.field, "reader", None)
        if reader is None:
            return super().__len__()
        return len(reader.choices[self.field.part]) + (self.field.empty_label is not None)


class ListedSelect(forms.Select):
    """A select of a ``ListedChoiceField``, its options written straight from the (id,
    label) choices, with the markup of Django's template: Django builds a dictionary of
    attributes an option first (``optgroups``, ``create_option``), 6,000 function calls for
    the 144 options the measures filter offers at 4× Germany."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        html = [f'<select name="{esc(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>']
        for option, label in self.choices:
            option = "" if option is None else str(option)
            # One option selected at most, as Django's single select.
            selected = option in chosen
            if selected:
                chosen = ()
            html.append(
                f'\n  <option value="{escape(option)}"{" selected" if selected else ""}>'
                f"{escape(label)}</option>"
            )
        html.append("\n</select>")
        # Every name, value and label above is escaped.
        return mark_safe("".join(html))  # noqa: S308


class ListedChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose few choices are read in one plain query."""

    iterator = ListedChoiceIterator
    widget = ListedSelect


class ChoiceReader:
    """The (id, label) choices of several ``ListedChoiceField``s of a form, read in ONE
    query (a ``UNION ALL``, each part in its queryset's order) when the first of them is
    rendered: a round trip and a model object an option fewer. The fields still check a
    value sent with their querysets."""

    def __init__(self, parts, state=None):
        self.parts = parts  # field name -> (queryset, label: a field name or expression)
        self.state = state

    @cached_property
    def choices(self):
        if self.state is None:
            return self.read()
        return remembered(self.state, self.read)

    def read(self):
        queries = []
        for index, (queryset, label) in enumerate(self.parts.values()):
            order = queryset.query.order_by or queryset.model._meta.ordering
            queries.append(
                queryset.order_by()
                .annotate(
                    choice_part=Value(index),
                    choice_position=Window(RowNumber(), order_by=list(order)),
                    choice_label=F(label) if isinstance(label, str) else label,
                )
                .values_list("choice_part", "choice_position", "pk", "choice_label")
            )
        rows = queries[0].union(*queries[1:], all=True).order_by("choice_part", "choice_position")
        names = list(self.parts)
        result = {name: [] for name in names}
        for part, _position, pk, label in rows:
            result[names[part]].append((pk, label))
        return result


def read_choices(form, *, state=None, **parts):
    """Let the ``ListedChoiceField``s named in ``parts`` (``name=(queryset, label)``) read
    their choices together (``ChoiceReader``); the querysets also become the fields'.

    ``state``: a function returning a key that changes whenever the choices would; with
    it, the choices read once for a key are kept in this process (``remembered``)."""
    reader = ChoiceReader(parts, state)
    for name, (queryset, _label) in parts.items():
        field = form.fields[name]
        field.queryset = queryset
        field.reader, field.part = reader, name


class SortField(forms.ChoiceField):
    """A list's sort key from the query string: one of ``keys``, any other one ``default``.

    The key comes from a column header's link, not from a field anybody can correct on the
    page: an unknown one (an old bookmark, a mistyped address) sorts the list the default
    way instead of emptying it with an error whose link leads nowhere."""

    def __init__(self, keys, *, default, **kwargs):
        super().__init__(choices=[(key, key) for key in keys], required=False, **kwargs)
        self.default = default

    def clean(self, value):
        value = self.to_python(value)
        return value if self.valid_value(value) else self.default


class FilterForm(CleanTextMixin, forms.Form):
    """A list's filters or search: guarded text, widgets rendered by ``PlainWidgetRenderer``."""

    default_renderer = PlainWidgetRenderer

    def narrows(self):
        """Whether a valid filter is set: the sort, and fields sent empty, are none."""
        return self.is_valid() and any(
            value for name, value in self.cleaned_data.items() if name != "sort"
        )


# Choices read for a data-state key, in this process: one key per scope (each jobcenter's
# managers have their own) with a few dozen choices, and 2,048 keys hold every jobcenter of
# 4x Germany (1,620).
remembered = Memo(2048)
