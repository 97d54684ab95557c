"""What an application still lacks before it can be submitted; the same list the page shows."""
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass
class Item:
    label: str
    done: bool


def checklist(application, *, partners=None, documents=None):
    """Items in the order of the form. `partners` and `documents` may be passed when prefetched."""
    stage = application.stage
    partners = list(application.partners.all()) if partners is None else partners
    documents = list(application.documents.all()) if documents is None else documents
    limit = stage.summary_max_chars
    items = [
        Item(_("Title"), bool(application.title.strip())),
        Item(_("Acronym"), bool(application.acronym.strip())),
        Item(_("Axis"), application.axis_id is not None),
        Item(_("Summary in French (at most %(limit)d characters)") % {"limit": limit},
             0 < len(application.summary_fr.strip()) <= limit),
        Item(_("Summary in English (at most %(limit)d characters)") % {"limit": limit},
             0 < len(application.summary_en.strip()) <= limit),
        Item(_("Keywords"), bool(application.keywords.strip())),
        Item(_("At least one partner team"), bool(partners)),
    ]
    if stage.asks_budget:
        items.append(Item(_("Requested budget"), application.requested_budget_eur is not None))
    if stage.requires_selected_letters:
        items.append(Item(_("The selected letters of intent the project grows from"),
                          application.grown_from.exists()))
    uploaded = {document.requirement_id for document in documents}
    for requirement in stage.document_requirements.all():
        if requirement.is_required:
            items.append(Item(requirement.title, requirement.pk in uploaded))
    return items


def missing(application):
    return [item.label for item in checklist(application) if not item.done]
