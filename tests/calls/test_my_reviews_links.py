"""Every link of a reviewer's "My reviews" page opens: a review to write, a review submitted on a
file decided since (read only), a declaration to sign, and no link at all on a file the reviewer
has a conflict of interest with since the assignment (their unit changed, or they now lead one of
its partner teams), whose row says it is withheld and names no file."""
import re

import pytest
from django.urls import reverse

from calls.applications.models import ApplicationStatus
from calls.decisions import services as decisions
from calls.evaluation import services as evaluation
from pepr.core.models import User
from tests.factories import PartnerFactory, UserFactory, make_call, same_unit
from tests.governance.test_withheld_items import submitted

S = ApplicationStatus


def links_of(html):
    """The links of the page's content (the layout's menus are tested elsewhere)."""
    main = html.split('<main id="main"')[1].split("</main>")[0]
    return sorted({href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"#]*)', main)})


@pytest.fixture
def arranged(reviewer, pilot):
    stage = make_call(kind="ami").stages.get()
    moved_to = UserFactory()
    files = {name: submitted(stage, coordinator, acronym=acronym, title=f"Dossier {acronym}")
             for name, coordinator, acronym in [
                 ("to_review", UserFactory(), "AREVOIR"), ("decided", UserFactory(), "DECIDE"),
                 ("same_unit", moved_to, "MEMEUNITE"), ("partner", UserFactory(), "PARTENAIRE")]}
    evaluation.sign_declaration(stage.call, reviewer=reviewer)
    assignments = {name: evaluation.assign(application, reviewer, by=pilot)
                   for name, application in files.items()}
    scores = {c.pk: ("A", "") for c in stage.criteria.all()}
    evaluation.save_review(assignments["decided"], by=reviewer, scores=scores,
                           recommendation="support")
    evaluation.submit_review(assignments["decided"], by=reviewer)
    decisions.decide(files["decided"], S.SELECTED, by=pilot)
    # After the assignment: the reviewer joins the unit of a coordinator, and becomes the lead
    # of a partner team of another file.
    User.objects.filter(pk=reviewer.pk).update(language="en", **same_unit(moved_to))
    PartnerFactory(application=files["partner"], lead_email=reviewer.email.upper())
    other_call = make_call(kind="ami").stages.get()
    undeclared = submitted(other_call, UserFactory(), acronym="ADECLARER", title="Autre appel")
    evaluation.assign(undeclared, reviewer, by=pilot)
    return files, assignments, other_call.call


def test_every_link_of_my_reviews_opens(client, reviewer, arranged):
    files, assignments, undeclared_call = arranged
    client.force_login(reviewer)
    response = client.get(reverse("evaluation:my_reviews"))
    assert response.status_code == 200
    html = response.content.decode()
    links = links_of(html)
    for name in ("to_review", "decided"):
        assert reverse("evaluation:review", args=[assignments[name].pk]) in links
    assert reverse("evaluation:declaration", args=[undeclared_call.pk]) in links
    for link in links:
        assert client.get(link).status_code == 200, link
    decided = client.get(reverse("evaluation:review", args=[assignments["decided"].pk]))
    assert not decided.context["editable"]  # decided since: the review reads, no longer changes


def test_a_file_the_reviewer_is_now_conflicted_with_is_withheld(client, reviewer, arranged):
    files, assignments, _call = arranged
    client.force_login(reviewer)
    html = client.get(reverse("evaluation:my_reviews")).content.decode()
    for name in ("same_unit", "partner"):
        row = html.split(f'id="assignment-{assignments[name].pk}"')[1].split("</tr>")[0]
        assert "Withheld: conflict of interest" in row
        assert "href=" not in row
        for shown in (files[name].reference, files[name].acronym):
            assert shown not in html, shown
        # The review page stays closed to them, as every page of the file.
        assert client.get(reverse("evaluation:review", args=[assignments[name].pk])
                          ).status_code == 404
    assert files["to_review"].acronym in html and files["decided"].acronym in html
