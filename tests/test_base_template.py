"""What every page carries from ``base.html``."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse


def test_every_page_links_its_favicon(client, db):
    page = client.get(reverse("public-home")).content.decode()

    href = re.search(r'<link rel="icon" href="/static/([^"]+)" type="image/svg\+xml">', page)
    assert href, "no favicon linked"
    path = finders.find(href.group(1))
    assert path and Path(path).read_text(encoding="utf-8").startswith("<svg")


def test_the_admin_links_the_same_favicon(client, db):
    page = client.get(reverse("admin:login")).content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    # Django's own title and branding are kept.
    assert "<title>" in page and 'id="site-name"' in page


BOX = re.compile(
    r'<div class="table-responsive" tabindex="0" role="region" aria-labelledby="([^"]+)">\s*<table'
)


@pytest.mark.parametrize(
    "url",
    [
        lambda world: reverse("jobcenters:list"),
        lambda world: reverse("jobcenters:detail", args=[world.joined.jobcenter_id]),
        lambda world: reverse("circulars:list"),
        lambda world: reverse("measures:key-figures"),
        lambda world: reverse("agreements:list"),
        lambda world: reverse(
            "overviews:profile", args=[world.joined.agreement_id, world.joined.jobcenter_id]
        ),
    ],
    ids=["jobcenters", "jobcenter", "circulars", "key-figures", "agreements", "profile"],
)
def test_every_table_scrolls_in_its_own_focusable_labelled_box(client, users, accession_world, url):
    client.force_login(users.ministry)

    page = client.get(url(accession_world)).content.decode()

    labels = BOX.findall(page)
    assert labels and len(labels) == page.count("<table")
    for label in labels:
        assert page.count(f'id="{label}"') == 1, f"aria-labelledby={label} names nothing"


def test_the_key_figures_cells_name_their_year_group_and_column(client, users, accession_world):
    client.force_login(users.ministry)
    joined = accession_world.joined

    page = client.get(
        reverse("overviews:profile", args=[joined.agreement_id, joined.jobcenter_id])
    ).content.decode()

    cell = re.search(r'<td class="text-end" headers="([^"]+)">820</td>', page)
    assert cell, "the 2025 severely disabled count has no headers"
    assert cell.group(1).split() == ["kz-2025", "kz-kunden", "kz-kunden-sb"]
    for header in cell.group(1).split():
        assert page.count(f'id="{header}"') == 1
