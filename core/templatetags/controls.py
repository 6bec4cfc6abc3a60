"""Form fields of the lists' filters and searches without crispy-forms' template machinery."""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def control(field):
    """The widget of the bound ``field`` with the classes Bootstrap styles (``form-select``
    for a choice, ``form-control`` otherwise, ``is-invalid`` with an error): the markup
    crispy's ``as_crispy_field`` gave, in one call instead of seven templates a field
    (its errors tied by ``aria-describedby``, as Django sets it)."""
    widget = field.field.widget
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    css = f"{widget.__class__.__name__.lower()} {kind}"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.simple_tag
def plain_field(field):
    """A filter's or search's field: its label, its control (``control``), its errors and
    its help, tied to the control by their ids as Django's ``aria-describedby`` names them;
    in one call, not a template included for each field."""
    auto_id = field.auto_id
    required = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    errors = help_text = ""
    if field.errors:
        errors = format_html(
            '\n  <div id="{}_error" class="invalid-feedback">{}</div>',
            auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, auto_id, error) for number, error in enumerate(field.errors, 1)),
            ),
        )
    if field.help_text:
        help_text = format_html(
            '\n  <div id="{}_helptext" class="form-text">{}</div>', auto_id, field.help_text
        )
    return format_html(
        '<div id="div_{}" class="mb-3">\n  <label for="{}" class="form-label">{}{}</label>\n'
        "  {}{}{}\n</div>\n",
        auto_id,
        field.id_for_label,
        field.label,
        required,
        control(field),
        errors,
        help_text,
    )


@register.simple_tag(takes_context=True)
def sort_header(context, key, label):
    """A sortable column's header: a link that sorts by ``key`` (ascending, or descending
    when the list is sorted by it already), ``aria-sort`` on the column it is sorted by.
    Reads ``sort`` and ``query_without_sort`` from the page; in one call, not a template
    included for each column."""
    sort, descending = context.get("sort"), f"-{key}"
    query = context.get("query_without_sort")
    if sort == key:
        state, arrow, hint, target = "ascending", "▲", _("absteigend sortieren"), descending
    elif sort == descending:
        state, arrow, hint, target = "descending", "▼", _("aufsteigend sortieren"), key
    else:
        state, arrow, hint, target = None, None, _("aufsteigend sortieren"), key
    return format_html(
        '<th scope="col"{}>\n  <a href="?{}sort={}">{}'
        '<span class="visually-hidden">, {}</span>{}</a>\n</th>',
        format_html(' aria-sort="{}"', state) if state else "",
        f"{query}&" if query else "",
        target,
        label,
        hint,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )
