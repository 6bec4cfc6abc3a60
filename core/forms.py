"""Helpers for forms: a service's errors shown at the fields they name."""


def add_errors(form, error):
    """Show a service's ``ValidationError`` at the fields it names (others above the form)."""
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def add_problems(form, problems):
    """Name ``{field: message}`` of a service's rules at the form's fields."""
    for field, message in problems.items():
        form.add_error(field, message)
