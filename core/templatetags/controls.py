"""Form fields of the lists' filters and searches without crispy-forms' template machinery."""

from django import forms, template

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
