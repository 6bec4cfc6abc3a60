"""An accession driven through random sequences of steps (hypothesis): its page never fails,
for the jobcenter's manager nor the ministry, and the state machine's rules hold after
every step."""

import datetime
import operator

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accessions import services
from accessions.models import Accession, AccessionStatus
from accounts.models import AuditEvent
from tests import factories

S = AccessionStatus

# The steps a status may take: (from, to). Anything else is a broken state machine.
ALLOWED = {
    (S.DRAFT, S.SUBMITTED),
    (S.RETURNED, S.SUBMITTED),
    (S.SUBMITTED, S.ACCEPTED),
    (S.SUBMITTED, S.RETURNED),
    (S.ACCEPTED, S.WITHDRAWN),
}

# What a jobcenter may type: nothing, or some words, a second line, characters HTML minds.
any_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=30,
)
samples = st.sampled_from(["Dr. Erika Beispiel", "<b>fett</b> & „zitiert“", "Zeile 1\nZeile 2"])
words = st.one_of(st.just(""), any_text, samples)
# Never blank (where the form must be filled in); drawn, not filtered, so it never runs dry.
some_words = st.one_of(samples, st.builds(operator.add, st.sampled_from(["Dr. ", "„"]), any_text))
today = timezone.localdate()


def _form(text, postal_code, email, phone, carriers_agreed_on):
    return st.fixed_dictionaries(
        {
            "jobcenter_name": text,
            "street": text,
            "postal_code": postal_code,
            "city": text,
            "management_name": text,
            "contact_name": text,
            "contact_function": text,
            "contact_email": email,
            "contact_phone": phone,
            "carriers_agreed_on": carriers_agreed_on,
            "public_listing": st.booleans(),
        }
    )


form_values = _form(
    words,
    st.sampled_from(["", "48565", "40213"]),
    st.sampled_from(["", "inklusion@jobcenter.example"]),
    st.sampled_from(["", "02551 690"]),
    st.one_of(st.none(), st.dates(datetime.date(2000, 1, 1))),
)
# Every field the submission needs: the random form above rarely has them all.
complete_form_values = _form(
    some_words,
    st.just("48565"),
    st.just("inklusion@jobcenter.example"),
    st.just("02551 690"),
    st.dates(datetime.date(2000, 1, 1), today),
)
reasons = st.one_of(words, st.just("   "))
# Today (the only day a jobcenter joined today can leave on), in the past, or in the future.
days = st.one_of(
    st.just(today),
    st.dates(today - datetime.timedelta(days=4000), today + datetime.timedelta(days=3)),
)


# One step: its name (a method of ``Story``) and what it is given. Action fields by index,
# since they are made per test.
field_index = st.integers(min_value=0, max_value=1)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), form_values),
        st.tuples(st.just("fill_in_completely"), complete_form_values, field_index, some_words),
        st.tuples(st.just("add_planned_measure"), field_index, some_words),
        st.tuples(st.just("remove_planned_measure"), st.integers(min_value=0, max_value=5)),
        st.tuples(st.just("upload_signed_form")),
        st.tuples(st.just("submit")),
        st.tuples(st.just("return_"), reasons),
        st.tuples(st.just("accept"), days),
        st.tuples(st.just("withdraw"), days, reasons),
    ),
    min_size=1,
    max_size=8,
)


# Where an example starts: random steps from a draft rarely get far, so some begin with
# the steps that take the accession to each later state.
_SUBMIT = [("submit",)]
STARTS = {
    S.DRAFT: lambda form: [],
    S.SUBMITTED: lambda form: [("fill_in_completely", form, 0, "Jobcoaching"), *_SUBMIT],
    S.RETURNED: lambda form: [*STARTS[S.SUBMITTED](form), ("return_", "Die Unterschrift fehlt.")],
    S.ACCEPTED: lambda form: [*STARTS[S.SUBMITTED](form), ("accept", today)],
}


def _signed_form():
    return SimpleUploadedFile("scan.pdf", factories.minimal_pdf(), "application/pdf")


class Story:
    """One accession, what the steps should have done to it, and the checks after each."""

    def __init__(self, agreement, action_fields, ministry):
        jobcenter = factories.JobcenterFactory(kreis=True)
        self.manager = factories.UserFactory(organisation=jobcenter, role="jobcenter_manager")
        self.ministry = ministry
        self.action_fields = action_fields
        self.accession = services.accession_start(
            jobcenter=jobcenter, agreement=agreement, user=self.manager
        )
        # Prefilled from the registry.
        self.data = {field: getattr(self.accession, field) for field in services.FORM_FIELDS}
        self.measures = []
        self.signed = False
        self.events = 1  # accession_started
        self.clients = []
        for user in (self.manager, ministry):
            client = Client()
            client.force_login(user)
            self.clients.append(client)

    # The steps. Each knows whether the rules allow it; a refused one must change nothing.

    def edit(self, data):
        self._save(data=data)

    def fill_in_completely(self, data, field, title):
        """The whole form at once, with a planned measure and the signed form."""
        measures = self.measures or [(self.action_fields[field], title.strip())]
        self._save(data=data, measures=measures, signed_form=_signed_form())

    def add_planned_measure(self, field, title):
        self._save(measures=[*self.measures, (self.action_fields[field], title.strip())])

    def remove_planned_measure(self, index):
        if self.measures:
            measures = list(self.measures)
            del measures[index % len(measures)]
            self._save(measures=measures)

    def upload_signed_form(self):
        self._save(signed_form=_signed_form())

    def submit(self):
        complete = (
            all(self.data[field] not in ("", None) for field in services.REQUIRED_FOR_SUBMIT)
            and self.measures
            and self.signed
        )
        self._step(
            lambda: services.accession_submit(accession=self.accession, user=self.manager),
            allowed=self._fresh().is_editable and complete,
        )

    def return_(self, text):
        self._step(
            lambda: services.accession_return(
                accession=self.accession, user=self.ministry, reasons=text
            ),
            allowed=self._fresh().status == S.SUBMITTED and bool(text.strip()),
        )

    def accept(self, joined_on):
        accession = self._fresh()
        # Joining lies between the agreement's signing (else its entry into force), the
        # day the form was submitted, and today.
        agreement = accession.agreement
        earliest = max(
            agreement.signed_on or agreement.in_force_from,
            timezone.localdate(accession.submitted_at) if accession.submitted_at else today,
        )
        self._step(
            lambda: services.accession_accept(
                accession=self.accession, user=self.ministry, joined_on=joined_on
            ),
            allowed=accession.status == S.SUBMITTED and earliest <= joined_on <= today,
        )

    def withdraw(self, withdrawn_on, text):
        accession = self._fresh()
        self._step(
            lambda: services.accession_withdraw(
                accession=self.accession,
                user=self.ministry,
                withdrawn_on=withdrawn_on,
                reason=text,
            ),
            allowed=accession.status == S.ACCEPTED
            and accession.joined_on <= withdrawn_on <= today
            and bool(text.strip()),
        )

    def _save(self, *, data=None, measures=None, signed_form=None):
        data = self.data if data is None else data
        measures = self.measures if measures is None else measures
        changes = data != self.data or measures != self.measures or signed_form is not None
        editable = self._fresh().is_editable
        try:
            services.accession_save(
                accession=self.accession,
                user=self.manager,
                data=data,
                planned_measures=measures,
                signed_form=signed_form,
            )
        except services.AccessionStateError:
            assert not editable, "refused to save an editable accession"
            return
        assert editable, "saved an accession that is out of the jobcenter's hands"
        self.data = dict(data)
        # Kept in the order the page lists them (by action field), as its form sends them.
        self.measures = sorted(measures, key=lambda measure: measure[0].number)
        self.signed = self.signed or signed_form is not None
        self.events += 1 if changes else 0

    def _step(self, call, *, allowed):
        before = self._fresh().status
        try:
            call()
        except (services.AccessionStateError, ValidationError):
            assert not allowed, "refused a step the rules allow"
            assert self._fresh().status == before
            return
        assert allowed, "took a step the rules forbid"
        assert (before, self._fresh().status) in ALLOWED
        self.events += 1

    # What must hold after every step.

    def check(self):
        accession = self._fresh()
        self._check_the_page_opens_for_the_manager_and_the_ministry()
        self._check_the_dates_fit_the_status(accession)
        assert AuditEvent.objects.for_object(accession).count() == self.events
        for field, value in self.data.items():
            assert getattr(accession, field) == value, field
        stored = list(accession.planned_measures.values_list("action_field", "title"))
        assert stored == [(field.pk, title) for field, title in self.measures]

    def _check_the_page_opens_for_the_manager_and_the_ministry(self):
        for client in self.clients:
            response = client.get(self.accession.get_absolute_url())
            assert response.status_code == 200
            # Every event is on the page (it shows the latest 50).
            assert response.text.count('<li class="border-start') == min(self.events, 50)

    @staticmethod
    def _check_the_dates_fit_the_status(accession):
        joined = accession.status in (S.ACCEPTED, S.WITHDRAWN)
        assert (accession.joined_on is not None) == joined
        assert (accession.withdrawn_on is not None) == (accession.status == S.WITHDRAWN)
        if accession.status != S.DRAFT:
            assert accession.signed_form
            assert accession.submitted_at is not None
        if accession.status == S.RETURNED:
            assert accession.return_reasons.strip()

    def _fresh(self):
        return Accession.objects.get(pk=self.accession.pk)


# The fixtures are made once per test, not per example: each example starts its own
# jobcenter and accession, so what an earlier one left behind does not matter.
@pytest.mark.long  # 25 examples of whole sequences: started first (tests/conftest.py)
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(start=st.sampled_from(list(STARTS)), form=complete_form_values, steps=steps)
def test_an_accession_keeps_its_rules_and_its_page_through_any_sequence_of_steps(
    accession_world, users, start, form, steps
):
    agreement = accession_world.draft.agreement
    action_fields = [
        accession_world.action_field,
        factories.ActionFieldFactory(agreement=agreement),
    ]
    story = Story(agreement, action_fields, users.ministry)
    story.check()
    for name, *arguments in [*STARTS[start](form), *steps]:
        getattr(story, name)(*arguments)
        story.check()
