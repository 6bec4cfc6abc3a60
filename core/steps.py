"""Pages that take one step of a state machine: an accession's decisions (accept, return,
withdraw, correct the joining date), a measure's catalogue steps (propose, publish, decline,
unpublish).

Both work alike (``step_view``): the page offers the step only while the object's state
allows it (else back to the object with a message), a valid form runs the step's service,
which locks the row, checks the state again and writes the change with its audit event
(``accounts.steps.take_step``, the service side). When somebody was quicker, the
service's state error is said on the object's page; a ``ValidationError`` goes to the
form's fields.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from core.forms import add_errors


@dataclass(frozen=True)
class Step:
    """What a step's page shows: its heading and the label of its button."""

    heading: str
    button: str


def step_page(request, obj, form, step, *, allowed, refusal, template, context):
    """The step's page for ``obj``, or back to ``obj`` with ``refusal`` when not ``allowed``."""
    if not allowed:
        messages.error(request, refusal)
        return redirect(obj)
    page = {**context, "form": form, "heading": step.heading, "button": step.button}
    return render(request, template, page)


def take_step(request, obj, form, run, *, state_error, success, page, unchanged=None):
    """Run ``run()`` (the step's service) for a valid ``form``.

    Success: the message and back to ``obj``; ``unchanged`` instead when given and the
    service returns nothing (it found nothing to change). ``state_error`` (the state
    changed meanwhile): said on ``obj``'s page. ``ValidationError``: at the form's fields,
    on ``page()`` again.
    """
    try:
        result = run()
    except state_error as error:
        messages.error(request, str(error))
        return redirect(obj)
    except ValidationError as error:
        add_errors(form, error)
        return page()
    if unchanged is not None and not result:
        messages.info(request, unchanged)
    else:
        messages.success(request, success)
    return redirect(obj)


def step_view(
    request,
    obj,
    form,
    step,
    *,
    run,
    allowed,
    refusal,
    state_error,
    success,
    template,
    context,
    unchanged=None,
):
    """A step's whole page: ``step_page`` until ``form`` is valid, then ``take_step``.

    ``run(data)`` calls the step's service with the form's cleaned ``data`` (its fields are
    the service's arguments); ``unchanged(data)``, when given, is the message for a step
    that found nothing to change.
    """

    def page():
        return step_page(
            request,
            obj,
            form,
            step,
            allowed=allowed,
            refusal=refusal,
            template=template,
            context=context,
        )

    if request.method != "POST" or not form.is_valid():
        return page()
    data = form.cleaned_data
    return take_step(
        request,
        obj,
        form,
        lambda: run(data),
        state_error=state_error,
        success=success,
        unchanged=unchanged(data) if unchanged else None,
        page=page,
    )
