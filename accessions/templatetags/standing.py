from django import template

from accessions.models import standing_label

register = template.Library()


@register.filter
def standing(accession_status):
    """``{{ jobcenter.accession_status|standing }}``: where a jobcenter annotated
    ``with_accession`` stands, in words."""
    return standing_label(accession_status)
