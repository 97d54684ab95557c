"""ANR's published practice, used as the defaults of a new stage (DOMAIN.md: How ANR runs evaluations)."""
from calls.setup.models import StageKind

CRITERIA = [
    {"title_fr": "Qualité et ambition scientifique",
     "title_en": "Scientific quality and ambition", "is_discriminant": True},
    {"title_fr": "Organisation et réalisation du projet",
     "title_en": "Project organisation and implementation", "is_discriminant": False},
    {"title_fr": "Impact et retombées du projet",
     "title_en": "Project impact and benefits", "is_discriminant": False},
]

# Stage 1 is judged on the first two criteria; the full proposal adds the third.
CRITERIA_COUNT = {StageKind.LETTER_OF_INTENT: 2, StageKind.FULL_PROPOSAL: 3}

DOCUMENTS = {
    StageKind.LETTER_OF_INTENT: [
        {"title_fr": "Lettre d'intention (PDF)", "title_en": "Letter of intent (PDF)",
         "max_pages": 4, "max_size_mb": 10},
    ],
    StageKind.FULL_PROPOSAL: [
        {"title_fr": "Document scientifique (PDF)", "title_en": "Scientific document (PDF)",
         "max_pages": 20, "max_size_mb": 20},
    ],
}

STAGE = {
    StageKind.LETTER_OF_INTENT: {"asks_budget": False, "reviews_per_application": 2},
    StageKind.FULL_PROPOSAL: {"asks_budget": True, "reviews_per_application": 2},
}
